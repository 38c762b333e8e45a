"""POLECAT weekly event files (Harvard Dataverse, doi:10.7910/DVN/AJGVIT), coded in PLOVER.

Tab-separated with a header ("Event ID", "Event Date", "Event Type", "Event Mode",
"Contexts", "Actor Name", "Actor Country", "Primary Actor Sector", "Actor Sectors",
"Recipient Name", …); headers are compared lower-cased with underscores for spaces. Event
types are PLOVER's (mirror ``plover_codebook/plover_types.csv``); each gets its QuadClass and
intensity from :mod:`defdip.events.codes`. POLECAT files carry no story id; where a file has a
"Story ID" column it is used, else the event id stands in, so only the same event read twice
counts as a duplicate. Some POLECAT files repeat their header or pad rows with empty trailing
fields (A. Beger, "POLECAT Event Data", 2024): empty trailing fields are accepted, a repeated
header is reported as a bad row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from defdip.errors import SourceFormatError
from defdip.events._read import (
    FileReport,
    ReadContext,
    Rows,
    lines_of,
    parse_date,
    records_of,
)
from defdip.events.actors import CountryCodes, role_sector
from defdip.events.codes import PLOVER_QUAD

__all__ = ["FORMAT", "REQUIRED", "read", "sniff"]

FORMAT = "polecat"
REQUIRED = ("event_id", "event_date", "event_type", "actor_name", "actor_country",
            "recipient_name", "recipient_country")
MISSING = {"", "NA", "None"}


def _key(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def sniff(header: str) -> bool:
    names = {_key(n) for n in header.split("\t")}
    return {"event_type", "actor_name", "recipient_name"} <= names


def _sector(fields: list[str], at: dict[str, int], side: str) -> str | None:
    primary = fields[at[f"primary_{side}_sector"]] if f"primary_{side}_sector" in at else ""
    if primary.strip() not in MISSING:
        return role_sector([primary])
    listed = fields[at[f"{side}_sectors"]] if f"{side}_sectors" in at else ""
    return role_sector([s for s in listed.replace(";", ",").split(",")])


def read(path: Path, context: ReadContext, report: FileReport) -> Iterator[pa.Table]:
    """Events of one POLECAT file, in chunks; bad rows go to ``report``."""
    book = context.books["icews"]
    countries = CountryCodes(context.vocab)
    rows = Rows()
    lines = lines_of(path)
    first = next(lines, None)
    if first is None or first[1] is None or not sniff(first[1]):
        raise SourceFormatError(path, "is not a POLECAT events file: its first line is not the "
                                "header (Event ID, Event Date, Event Type, …)", row=1,
                                fix="Load the weekly .txt file as Dataverse serves it.")
    header = first[1].split("\t")
    keys = [_key(n) for n in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise SourceFormatError(path, f"the header lacks {missing}", row=1,
                                fix="Load the weekly .txt file as Dataverse serves it.")
    at = {k: i for i, k in enumerate(keys) if k}
    width = len(keys)
    story_at = at.get("story_id", at["event_id"])
    for number, text in records_of(lines, report):
        fields = text.split("\t")
        while len(fields) > width and fields[-1] == "":
            fields.pop()
        if len(fields) != width:
            report.reject(number, None, f"has {len(fields)} fields, the header {width}", text)
            continue
        if fields == header:
            report.reject(number, None, "repeats the header", text)
            continue
        day = parse_date(fields[at["event_date"]])
        if day is None:
            report.reject(number, header[at["event_date"]], f"{fields[at['event_date']]!r} is "
                          "not a date (YYYY-MM-DD)", text)
            continue
        event_type = fields[at["event_type"]].strip().lower()
        if event_type not in PLOVER_QUAD:
            report.reject(number, header[at["event_type"]], f"event type {event_type!r} is not "
                          "a PLOVER event type", text)
            continue
        sides = {}
        for side in ("actor", "recipient"):
            country = fields[at[f"{side}_country"]].strip()
            found = ("", None) if country in MISSING else countries.resolve(country, day.year)
            if found is None:
                report.reject(number, header[at[f"{side}_country"]], f"country {country!r} is "
                              "neither a known state nor a declared non-state actor; add the "
                              "spelling to an alias file in defdip/data/actors/", text)
                break
            name = fields[at[f"{side}_name"]].strip()
            iso3, ccode = found
            sides[side] = (None if name in MISSING else name, iso3 or None, ccode,
                           _sector(fields, at, side) if iso3 else None)
        if len(sides) < 2:
            continue
        mode = fields[at["event_mode"]].strip() if "event_mode" in at else ""
        context_text = fields[at["contexts"]].strip() if "contexts" in at else ""
        actor, recipient = sides["actor"], sides["recipient"]
        rows.add(event_source=FORMAT, event_id=fields[at["event_id"]].strip(), event_date=day,
                 source_actor=actor[0], source_iso3=actor[1], source_ccode=actor[2],
                 source_sector=actor[3], target_actor=recipient[0], target_iso3=recipient[1],
                 target_ccode=recipient[2], target_sector=recipient[3], code=event_type,
                 quad_class=PLOVER_QUAD[event_type],
                 goldstein=book.plover_intensity(event_type),
                 mode=None if mode in MISSING else mode,
                 context=None if context_text in MISSING else context_text,
                 story=fields[story_at].strip() or None, file=path.name, line=number)
        if len(rows) >= context.chunk_rows:
            report.events += len(rows)
            yield rows.take()
    report.events += len(rows)
    yield rows.take()
