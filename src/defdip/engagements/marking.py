"""The marking of one curated or entered record, checked as ``record add`` checks the rest.

A marking is a classification level, an owner nation and a releasable-to list
(:mod:`defdip.store.markings` states the rule that reads them). :func:`check_marking` turns the
fields of a record as typed into the stored marking, reporting each problem through ``bad``
(the validator's problem collector), so one file's problems are listed together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from defdip.countries import Country, Vocabulary
from defdip.store.markings import ALL, CLASSIFICATIONS, GROUPS, parse_releasable

__all__ = ["check_marking"]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).replace("\x00", "").strip()
    return text or None


def check_marking(bad: Callable[[str, object, str], None], vocab: Vocabulary,
                  data: Mapping[str, Any]) -> dict[str, Any]:
    """The record's marking: classification (default PUBLIC), owner nation (a state, as
    ISO3) and releasable-to list (ISO3 codes, groups, ALL). Without a list, a PUBLIC record
    is released to ALL and any other only to its owner nation; an empty list is kept empty."""
    level = _text(data.get("classification")) or _text(data.get("releasability")) or "PUBLIC"
    known = level.upper() in CLASSIFICATIONS
    if not known:
        bad("classification", level, f"is not one of {', '.join(CLASSIFICATIONS)}")
    level = level.upper()
    owner = _text(data.get("owner_nation"))
    if owner is not None:
        found = vocab.try_resolve(owner)
        if isinstance(found, Country) and found.iso3:
            owner = found.iso3
        else:
            bad("owner_nation", owner, "is not a state's ISO3 code (e.g. 'TUR')")
    raw = data.get("releasable_to")
    try:
        tokens = list(parse_releasable(raw))
    except ValueError as exc:
        bad("releasable_to", raw, f"holds {exc}")
        tokens = []
    for token in tokens:
        if token == ALL or token in GROUPS:
            continue
        found = vocab.try_resolve(token)
        if not (isinstance(found, Country) and found.iso3 == token):
            bad("releasable_to", token, "is not a state's ISO3 code, a group "
                      f"({', '.join(GROUPS)}) or ALL")
    if raw is None:
        tokens = [ALL] if level == "PUBLIC" else []
    if known and level != "PUBLIC" and owner is None and not tokens:
        bad("releasable_to", raw, f"releases a {level} record to nobody: name its "
                  "owner_nation or the nations and groups it is releasable to")
    return {"classification": level, "owner_nation": owner, "releasable_to": tokens}
