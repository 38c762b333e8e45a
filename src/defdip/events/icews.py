"""ICEWS coded event data as Dataverse publishes it (doi:10.7910/DVN/28075).

The ``.tab`` files are tab-separated, unquoted, with headers that hold spaces ("Event ID",
"CAMEO Code") and R's ``NA`` for missing values; a yearly file may come zipped. CAMEO codes
may be written without their leading zeros ("40" for 040), so each code is matched against
the ICEWS CAMEO codebook, the event text deciding the few cases the digits leave open (see
:meth:`CameoBook.normalise`). The cleaned CSV of the R package ``icews`` (snake_case
headers, comma-separated) reads the same way: headers are compared lower-cased with
underscores for spaces.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa

from defdip.countries import normalise
from defdip.errors import SourceFormatError
from defdip.events._read import (
    FileReport,
    ReadContext,
    Rows,
    lines_of,
    parse_date,
    records_of,
)
from defdip.events.actors import GOVERNMENT, MILITARY, CountryCodes
from defdip.events.codes import cameo_quad_class

__all__ = ["FORMAT", "REQUIRED", "read", "sniff"]

FORMAT = "icews"
REQUIRED = ("event_id", "event_date", "source_name", "source_sectors", "source_country",
            "event_text", "cameo_code", "intensity", "target_name", "target_sectors",
            "target_country", "story_id")
MISSING = {"", "NA"}


def _key(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def sniff(header: str) -> bool:
    """Whether a first line is an ICEWS header."""
    names = {_key(n) for n in header.replace(",", "\t").split("\t")}
    return {"cameo_code", "source_country", "target_country"} <= names


def _splitter(header: str) -> tuple[Callable[[str], list[str]], list[str]]:
    """How to split the file's lines (tab: the Dataverse .tab; comma: the R package's CSV),
    and the header's names."""
    if "\t" in header:
        return (lambda text: text.split("\t")), header.split("\t")
    return (lambda text: next(csv.reader([text]))), next(csv.reader([header]))


def read(path: Path, context: ReadContext, report: FileReport) -> Iterator[pa.Table]:
    """Events of one ICEWS file, in chunks; bad rows go to ``report``."""
    book = context.books["icews"]
    countries = CountryCodes(context.vocab)
    names = context.vocab.names
    rows = Rows()
    lines = lines_of(path)
    first = next(lines, None)
    if first is None or first[1] is None or not sniff(first[1]):
        raise SourceFormatError(path, "is not an ICEWS events file: its first line is not the "
                                "header (Event ID, Event Date, Source Name, …, CAMEO Code, …)",
                                row=1, fix="Load the .tab file as Dataverse serves it.")
    split, header = _splitter(first[1])
    keys = [_key(n) for n in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise SourceFormatError(path, f"the header lacks {missing}", row=1,
                                fix="Load the .tab file as Dataverse serves it.")
    at = {k: keys.index(k) for k in REQUIRED}
    label = {k: header[i].strip() for k, i in at.items()}
    width = len(keys)
    for number, text in records_of(lines, report):
        fields = split(text)
        if len(fields) != width:
            report.reject(number, None, f"has {len(fields)} fields, the header {width}", text)
            continue
        get = fields.__getitem__
        day = parse_date(get(at["event_date"]))
        if day is None:
            report.reject(number, label["event_date"], f"{get(at['event_date'])!r} is not a "
                          "date (YYYY-MM-DD)", text)
            continue
        raw_code = get(at["cameo_code"])
        code = book.normalise(raw_code, get(at["event_text"]))
        if code is None:
            report.reject(number, label["cameo_code"], f"CAMEO code {raw_code!r} (event text "
                          f"{get(at['event_text'])!r}) is not one code of the ICEWS CAMEO "
                          "codebook", text)
            continue
        try:
            intensity = float(get(at["intensity"]))
        except ValueError:
            intensity = float("nan")
        if not -10.0 <= intensity <= 10.0:
            report.reject(number, label["intensity"], f"intensity {get(at['intensity'])!r} is "
                          "not a number from -10 to 10", text)
            continue
        sides = {}
        for side in ("source", "target"):
            country = get(at[f"{side}_country"]).strip()
            found = ("", None) if country in MISSING else countries.resolve(country, day.year)
            if found is None:
                report.reject(number, label[f"{side}_country"], f"country {country!r} is "
                              "neither a known state nor a declared non-state actor; add the "
                              "spelling to an alias file in defdip/data/actors/", text)
                break
            actor = get(at[f"{side}_name"]).strip()
            sectors = set(get(at[f"{side}_sectors"]).split(","))
            iso3, ccode = found
            sector = None
            if iso3:
                sector = (MILITARY if "Military" in sectors else
                          GOVERNMENT if "Government" in sectors or
                          names.get(normalise(actor)) == iso3 else None)
            sides[side] = (None if actor in MISSING else actor, iso3 or None, ccode, sector)
        if len(sides) < 2:
            continue
        story = get(at["story_id"]).strip()
        rows.add(event_source=FORMAT, event_id=get(at["event_id"]).strip(), event_date=day,
                 source_actor=sides["source"][0], source_iso3=sides["source"][1],
                 source_ccode=sides["source"][2], source_sector=sides["source"][3],
                 target_actor=sides["target"][0], target_iso3=sides["target"][1],
                 target_ccode=sides["target"][2], target_sector=sides["target"][3],
                 code=code, quad_class=cameo_quad_class(code), goldstein=intensity,
                 story=None if story in MISSING else story, file=path.name, line=number)
        if len(rows) >= context.chunk_rows:
            report.events += len(rows)
            yield rows.take()
    report.events += len(rows)
    yield rows.take()
