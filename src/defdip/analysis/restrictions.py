"""Restrictions aimed at a state itself: embargoes, sanctions and programme exclusions other
states imposed on it (``data/curated/restrictions.yaml``), each fact with its public source
and retrieval date. UN Security Council embargoes live in ``embargoes.yaml`` and are screened
against deliveries by :mod:`defdip.analysis.screening`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from defdip.analysis._common import curated_list
from defdip.errors import InvalidRecord

__all__ = ["KINDS", "load_restrictions", "restrictions_on"]

KINDS = ("embargo", "sanctions", "programme_exclusion", "export_restriction")
_REQUIRED = ("target", "imposed_by", "kind", "name", "start", "sources")


def _when(value: object) -> str | None:
    """A date as text with its precision kept (YYYY, YYYY-MM or YYYY-MM-DD)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) else "bad:" + text


def load_restrictions(path: Path | str | None = None) -> pd.DataFrame:
    """Every restriction, validated (all problems reported at once, nothing half-read).

    Columns: target, imposed_by (comma-separated), kind, name, start, end, scope, note,
    sources (list of {url, retrieved, says}).
    """
    entries, name = curated_list(path, "curated/restrictions.yaml", "restrictions")
    rows, problems = [], []
    for i, entry in enumerate(entries, start=1):
        where = f"restriction #{i}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: is not a mapping")
            continue
        where += f" ({entry.get('name', '?')!r})"
        problems += [f"{where}: field {k!r} is required" for k in _REQUIRED if not entry.get(k)]
        if entry.get("kind") and entry["kind"] not in KINDS:
            problems.append(f"{where}: kind {entry['kind']!r} must be one of {KINDS}")
        start, end = _when(entry.get("start")), _when(entry.get("end"))
        for label, value in (("start", start), ("end", end)):
            if value is not None and value.startswith("bad:"):
                problems.append(f"{where}: {label} {value[4:]!r} is not YYYY, YYYY-MM or "
                                "YYYY-MM-DD")
        sources = entry.get("sources") or []
        for k, source in enumerate(sources, start=1):
            if not isinstance(source, dict) or not str(source.get("url", "")).startswith(
                    "http") or not source.get("retrieved"):
                problems.append(f"{where}: source #{k} needs a url (http…) and a retrieved "
                                "date")
        by = entry.get("imposed_by")
        rows.append({"target": str(entry.get("target", "")).upper(),
                     "imposed_by": ", ".join(by) if isinstance(by, list) else str(by),
                     "kind": entry.get("kind"), "name": entry.get("name"), "start": start,
                     "end": end, "scope": entry.get("scope", ""), "note": entry.get("note", ""),
                     "sources": [{"url": s.get("url"), "retrieved": str(s.get("retrieved")),
                                  "says": s.get("says", "")} for s in sources
                                 if isinstance(s, dict)]})
    if problems:
        raise InvalidRecord(problems, name)
    return pd.DataFrame(rows, columns=["target", "imposed_by", "kind", "name", "start", "end",
                                       "scope", "note", "sources"])


def restrictions_on(iso3: str, path: Path | str | None = None) -> pd.DataFrame:
    """The restrictions aimed at ``iso3``, oldest first."""
    frame = load_restrictions(path)
    return frame[frame["target"] == iso3.upper()].sort_values("start").reset_index(drop=True)
