"""Validation of curated and user-entered engagement records.

One function, :func:`validate_records`, checks every record against the rules of its kind
(required fields and actor roles), resolves every country through the vocabulary, parses
partial dates (the format is the precision) and checks ``end >= start``. It collects every
problem in every record — naming the file, the record or row and the field — and raises one
:class:`~defdip.errors.InvalidRecord` listing them all, so nothing is written from a file
that is not entirely valid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from defdip.countries import Country, Vocabulary
from defdip.engagements.limits import (
    MAX_ACTORS,
    MAX_CLAIMS,
    check_url,
    clean_text,
    number_problem,
)
from defdip.engagements.marking import check_marking
from defdip.engagements.model import (
    ACTOR_COLUMNS,
    CONFIDENCE,
    DOMAINS,
    KINDS,
    ROLES,
    SCALE_FIELDS,
    conform_actors,
    conform_engagements,
    engagement_id,
    format_partial,
    normalise_key,
    parse_partial,
    period_end,
)
from defdip.errors import InvalidRecord, UnknownCountry
from defdip.plain import json_text

__all__ = ["FIELDS", "RULES", "RawRecord", "check_records", "natural_key", "validate_records"]

FIELDS: tuple[str, ...] = (
    "kind", "subtype", "name", "series", "start", "end", "domain", "location", "actors",
    "scale", "legal_basis", "confidence", "claims", "source", "classification", "owner_nation",
    "releasable_to", "notes", "key",
)
#: Accepted and read as ``classification`` (the field's name before markings).
LEGACY_FIELDS: tuple[str, ...] = ("releasability",)
SOURCE_FIELDS: tuple[str, ...] = ("name", "title", "publisher", "citation", "url", "retrieved")

# kind -> (required fields, actor role groups: each group needs at least one actor)
RULES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    "attache_post": (("start",), (("sender",),)),  # programme-level records name no host
    "diplomatic_post": (("start",), (("sender",), ("receiving_state", "host"))),
    "exercise": (("name", "start"), (("host", "participant", "organiser"),)),
    "arms_transfer": (("start",), (("supplier",), ("recipient",))),
    "technology_transfer": (("name", "start"), (("supplier",), ("recipient",))),
    "defence_agreement": (("name", "start"), (("party",),)),
    "training_programme": (("name", "start"),
                           (("sender", "host", "organiser", "supplier"),
                            ("participant", "recipient", "receiving_state"))),
    "peacekeeping_deployment": (("start",), (("contributor", "sender"),)),
    "operation": (("name", "start"),
                  (("participant", "contributor", "organiser", "sender", "host"),)),
    "visit": (("start",), (("sender",), ("host", "receiving_state"))),
    "port_call": (("start",), (("sender",), ("host", "receiving_state"))),
    "base_presence": ((), (("sender",), ("host", "receiving_state"))),
    "membership": (("start",), (("member",),)),
}


@dataclass(frozen=True)
class RawRecord:
    """One record as read from a file, with where it came from ('record 3', 'row 4')."""

    where: str
    data: Mapping[str, Any]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).replace("\x00", "").strip()
    return text or None


def natural_key(kind: str, name: str | None, start: str | None, series: str | None,
                subtype: str | None, location: str | None,
                actors: Sequence[tuple[str, str]]) -> str:
    """The natural key of a curated or entered record of ``kind`` (see the model doc)."""
    by_role: dict[str, list[str]] = {}
    for code, role in actors:
        by_role.setdefault(role, []).append(code)
    def codes(*roles: str) -> str:
        return ",".join(sorted({c for r in roles for c in by_role.get(r, [])}))
    year = (start or "")[:4]
    if kind == "membership":
        org = series or name or codes("organiser")
        return f"{normalise_key(org)}|{codes('member')}|{start}"
    if kind in ("diplomatic_post", "attache_post"):
        return (f"{codes('sender')}|{codes('receiving_state', 'host')}|"
                f"{normalise_key(location)}|{normalise_key(subtype)}|{year}")
    if kind == "base_presence":
        return (f"{codes('sender')}|{codes('host', 'receiving_state')}|"
                f"{normalise_key(location or name)}|{start or ''}")
    if name:
        return f"{normalise_key(name)}|{start or ''}"
    return f"{';'.join(sorted(f'{c}:{r}' for c, r in actors))}|{start or ''}"


class _Checker:
    """Validates one record, appending problems that name the place and the field."""

    def __init__(self, where: str, vocab: Vocabulary, problems: list[str]) -> None:
        self.where, self.vocab, self.problems = where, vocab, problems

    def bad(self, field: str, value: object, why: str) -> None:
        shown = repr(value)
        shown = shown if len(shown) <= 120 else f"{shown[:100]}…' ({len(shown):,} characters)"
        self.problems.append(f"{self.where}, field {field!r}: {shown} {why}")

    def text(self, field: str, value: object) -> str | None:
        """Stripped text without NULs; too long is a problem (see ``limits``)."""
        if isinstance(value, dict | list):
            self.bad(field, value, "must be text, not a list or mapping")
            return None
        text, problem = clean_text(value, field)
        if problem:
            self.bad(field, value, problem)
        return text

    def url(self, field: str, value: object) -> str | None:
        text = self.text(field, value)
        problem = check_url(text) if text is not None else None
        if problem:
            self.bad(field, text, problem)
            return None
        return text

    def choice(self, field: str, value: object, allowed: Sequence[str]) -> str | None:
        text = _text(value)
        if text is not None and text not in allowed:
            self.bad(field, value, f"is not one of {', '.join(allowed)}")
            return None
        return text

    def number(self, field: str, value: object, *, integer: bool) -> float | int | None:
        if _text(value) is None:
            return None
        try:
            number = float(str(value).replace(",", "")) if isinstance(value, str) \
                else float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            self.bad(field, value, "is not a number")
            return None
        problem = number_problem(field, number, integer=integer)
        if problem:
            self.bad(field, value, problem)
            return None
        return int(number) if integer else number

    def partial(self, field: str, value: object) -> tuple[Any, str] | None:
        try:
            return parse_partial(value)
        except ValueError as exc:
            self.bad(field, value, str(exc))
            return None


def _actors(check: _Checker, raw: object, year: int | None) -> list[dict[str, Any]]:
    if isinstance(raw, str):  # CSV form: "TUR:host;USA:participant"
        items: list[Any] = []
        for part in filter(None, (p.strip() for p in raw.split(";"))):
            country, _, role = part.rpartition(":")
            items.append({"country": country, "role": role} if country else {"country": part})
    elif raw is None:
        items = []
    elif isinstance(raw, list):
        items = raw
    else:
        check.bad("actors", raw,
                  "must be a list of {country, role} (or 'TUR:host;USA:participant')")
        return []
    out: list[dict[str, Any]] = []
    if len(items) > MAX_ACTORS:
        check.bad("actors", f"{len(items)} actors", f"is more than the {MAX_ACTORS} a record "
                  "may name")
        return []
    for position, item in enumerate(items, start=1):
        field = f"actors[{position}]"
        if not isinstance(item, Mapping) or _text(item.get("country")) is None:
            check.bad(field, item, "needs a country (ISO3, name or declared label) and a role")
            continue
        country, role = check.text(f"{field}.country", item["country"]), _text(item.get("role"))
        if country is None:
            continue
        if role not in ROLES:
            check.bad(f"{field}.role", role, f"is not one of {', '.join(ROLES)}")
            continue
        try:  # what a user typed: exact names only, and an ambiguous one is asked about
            actor = check.vocab.resolve_actor(country, year=year)
        except UnknownCountry as exc:
            close = exc.candidates[:3]
            hint = f"; candidates: {', '.join(close)}" if close else ""
            what = ("names more than one state" if type(exc).__name__ == "AmbiguousCountry"
                    else "is neither a country the vocabulary resolves nor a declared "
                    "non-state label")
            check.bad(f"{field}.country", country, f"{what}{hint}. Use an ISO3 code or add "
                      "the label to defdip/data/actors/curated.yaml")
            continue
        if isinstance(actor, Country):
            out.append({"iso3": actor.iso3, "ccode": actor.ccode, "label": actor.name,
                        "role": role})
        else:
            out.append({"iso3": actor.label, "ccode": None, "label": actor.label, "role": role})
    return out


def _check_roles(check: _Checker, kind: str, actors: list[dict[str, Any]]) -> None:
    roles = [a["role"] for a in actors]
    for group in RULES[kind][1]:
        if not any(r in group for r in roles):
            check.bad("actors", ";".join(f"{a['iso3']}:{a['role']}" for a in actors),
                      f"lacks an actor with role {' or '.join(group)} (required for {kind})")
    if kind == "defence_agreement" and len({a["iso3"] for a in actors}) < 2:
        check.bad("actors", ";".join(f"{a['iso3']}:{a['role']}" for a in actors),
                  "must name at least two parties (or a party and a counterparty) for "
                  "defence_agreement")


def _one(raw: RawRecord, vocab: Vocabulary, origin: str, default_source: str,
         problems: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    check = _Checker(raw.where, vocab, problems)
    before = len(problems)
    data = raw.data
    if not isinstance(data, Mapping):
        check.bad("(record)", data, "is not a mapping of fields")
        return None
    for field in data:
        if field not in FIELDS and field not in ("id", "origin", *SCALE_FIELDS,
                                                 *LEGACY_FIELDS):
            check.bad(str(field), data[field], f"is not a known field ({', '.join(FIELDS)})")
    kind = _text(data.get("kind"))
    if kind not in KINDS:
        check.bad("kind", data.get("kind"), f"is not one of {', '.join(KINDS)}")
        return None
    required = RULES[kind][0]
    for field in required:
        if _text(data.get(field)) is None:
            check.bad(field, data.get(field), f"is missing; {kind} records need "
                      f"{', '.join(required)}")
    start, end = check.partial("start", data.get("start")), check.partial("end", data.get("end"))
    if start and end and period_end(end[0], end[1]) < start[0]:
        check.bad("end", data.get("end"), f"is before start {data.get('start')!r}")
    actors = _actors(check, data.get("actors"), start[0].year if start else None)
    if len(problems) == before:
        _check_roles(check, kind, actors)
    scale = data.get("scale") or {}
    if not isinstance(scale, Mapping):
        check.bad("scale", scale, f"must be a mapping of {', '.join(SCALE_FIELDS)}")
        scale = {}
    values = {f: check.number(f"scale.{f}", scale.get(f, data.get(f)), integer=f != "tiv")
              for f in SCALE_FIELDS}
    source = data.get("source") or {}
    if isinstance(source, str):
        source = {"name": source}
    if not isinstance(source, Mapping):
        check.bad("source", source, f"must be a mapping of {', '.join(SOURCE_FIELDS)}")
        source = {}
    retrieved = check.partial("source.retrieved", source.get("retrieved"))
    url = check.url("source.url", source.get("url"))
    if origin != "derived" and not (url or _text(source.get("citation"))):
        # A system of record is only as good as its provenance: every entry says where from.
        check.bad("source", data.get("source"), "needs source.url (a public page) or "
                  "source.citation (e.g. a document reference) saying where the record comes "
                  "from")
    claims = data.get("claims")
    if claims is not None and not (isinstance(claims, list)
                                   and all(isinstance(c, Mapping) for c in claims)):
        check.bad("claims", claims, "must be a list of {field, value, source_url, note}")
        claims = None
    elif claims and len(claims) > MAX_CLAIMS:
        check.bad("claims", f"{len(claims)} claims", f"is more than the {MAX_CLAIMS} a record "
                  "may keep")
        claims = None
    for position, claim in enumerate(claims or [], start=1):
        if _text(claim.get("source_url")) is not None:
            check.url(f"claims[{position}].source_url", claim.get("source_url"))
    conflict = check.text("claims", json_text(claims, indent=None)) if claims else None
    if origin != "derived" and kind == "membership" and not (
            _text(data.get("series")) or _text(data.get("name"))
            or any(a["role"] == "organiser" for a in actors)):
        check.bad("series", data.get("series"), "is missing; a membership names its "
                  "organisation in series, name or an organiser actor")
    record: dict[str, Any] = {
        "kind": kind,
        "subtype": check.text("subtype", data.get("subtype")),
        "name": check.text("name", data.get("name")),
        "series": check.text("series", data.get("series")),
        "start": start[0] if start else None, "start_precision": start[1] if start else None,
        "end": end[0] if end else None, "end_precision": end[1] if end else None,
        "domain": check.choice("domain", data.get("domain"), DOMAINS),
        "location": check.text("location", data.get("location")), **values,
        "legal_basis": check.text("legal_basis", data.get("legal_basis")),
        "source": check.text("source.name", source.get("name")) or default_source,
        "citation": check.text("source.citation", source.get("citation")) or ", ".join(
            t for t in (check.text("source.publisher", source.get("publisher")),
                        check.text("source.title", source.get("title"))) if t) or None,
        "url": url,
        "retrieved": retrieved[0] if retrieved else None,
        "confidence": check.choice("confidence", data.get("confidence"), CONFIDENCE),
        "conflict": conflict,
        "notes": check.text("notes", data.get("notes")), "origin": origin,
        **check_marking(check.bad, check.vocab, data),
    }
    key = check.text("key", data.get("key"))
    if len(problems) > before:
        return None
    start_text = format_partial(record["start"], record["start_precision"])
    record["natural_key"] = key or natural_key(
        kind, record["name"], start_text, record["series"], record["subtype"],
        record["location"], [(a["iso3"], a["role"]) for a in actors])
    record["id"] = engagement_id(kind, record["natural_key"])
    return record, actors


def validate_records(raws: Sequence[RawRecord], vocab: Vocabulary, *, origin: str,
                     file: str, default_source: str | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check ``raws``; return (engagements, actors) frames or raise :class:`InvalidRecord`.

    ``origin`` is 'curated' or 'entered'; ``default_source`` names the source of records
    that do not name one (default: the origin). Two records with the same natural key in
    one file are an error too, since one would silently overwrite the other.
    """
    records, actors, problems = check_records(raws, vocab, origin=origin,
                                              default_source=default_source)
    if problems:
        raise InvalidRecord(problems, file)
    return records, actors


def check_records(raws: Sequence[RawRecord], vocab: Vocabulary, *, origin: str,
                  default_source: str | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """:func:`validate_records` without raising: the valid records (the first of any that
    repeat a natural key), their actors, and the problems found."""
    problems: list[str] = []
    records: list[dict[str, Any]] = []
    actors: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for raw in raws:
        result = _one(raw, vocab, origin, default_source or origin, problems)
        if result is None:
            continue
        record, record_actors = result
        if record["id"] in seen:
            problems.append(f"{raw.where}, field 'name': {record['name']!r} repeats "
                            f"{seen[record['id']]} (same kind and natural key "
                            f"{record['natural_key']!r}); merge the two or change one")
            continue
        seen[record["id"]] = raw.where
        records.append(record)
        actors.extend({"engagement_id": record["id"], **a} for a in record_actors)
    return (conform_engagements(pd.DataFrame(records)),
            conform_actors(pd.DataFrame(actors, columns=list(ACTOR_COLUMNS))), problems)
