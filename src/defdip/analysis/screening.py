"""Legal screening: arms deliveries into a state under a UN Security Council arms embargo.

A screen, not a verdict. SIPRI dates deliveries to the year, embargoes to the day, so a
delivery in the year an embargo began or ended may fall outside it (``overlap`` says
``partial-year``). Partial embargoes exempt the government or cover only non-state actors,
so deliveries to a state under one are flagged for checking, not condemned. SIPRI's
per-year deliveries start in 1995; earlier years come from the register's delivery years.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from defdip.analysis._common import curated_list, resolve_focal
from defdip.errors import InvalidArgument, InvalidRecord
from defdip.queries.tables import Tables, to_frame, year_span
from defdip.store import Store

__all__ = ["ROLES", "load_embargoes", "register_delivery_years", "screen", "screen_transfers"]

ROLES = ("recipient", "supplier", "any")
_SCOPES = ("full", "partial")


def _date(value: object, where: str, problems: list[str], *, nullable: bool) -> date | None:
    if value is None and nullable:
        return None
    if isinstance(value, date):
        return value
    text = str(value)
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    try:
        if match is None:
            raise ValueError(text)
        # a month or year precision keeps its first day: screening works on years anyway
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
        return None


def load_embargoes(path: Path | str | None = None) -> pd.DataFrame:
    """The curated UN arms embargoes, validated (one problem per bad field, all at once).

    Reads ``defdip/data/curated/embargoes.yaml`` by default (see docs/curated-format.md).
    """
    entries, name = curated_list(path, "curated/embargoes.yaml", "embargoes")
    rows, problems = [], []
    for i, entry in enumerate(entries, start=1):
        where = f"embargo #{i} ({entry.get('resolution', '?') if isinstance(entry, dict) else '?'})"
        if not isinstance(entry, dict):
            problems.append(f"{where}: is not a mapping")
            continue
        for key in ("target", "resolution", "start", "scope", "source_url"):
            if not entry.get(key):
                problems.append(f"{where}: field {key!r} is required")
        start = _date(entry.get("start"), f"{where} start", problems, nullable=False)
        end = _date(entry.get("end"), f"{where} end", problems, nullable=True)
        if start and end and end < start:
            problems.append(f"{where}: end {end} is before start {start}")
        if entry.get("scope") not in _SCOPES:
            problems.append(f"{where}: scope {entry.get('scope')!r} must be one of {_SCOPES}")
        rows.append({"target": str(entry.get("target", "")).upper(),
                     "resolution": entry.get("resolution"), "start": start, "end": end,
                     "scope": entry.get("scope"), "note": entry.get("note", ""),
                     "source_url": entry.get("source_url")})
    if problems:
        raise InvalidRecord(problems, name)
    return pd.DataFrame(rows)


def register_delivery_years(text: object) -> list[int]:
    """SIPRI register delivery years ('1995; 1996', '1995-1997', '1995') → [1995, …]."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    years: list[int] = []
    for lo, hi in re.findall(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", str(text)):
        years += list(range(int(lo), int(hi or lo) + 1))
    return sorted(set(years))


def screen_transfers(deliveries: pd.DataFrame, embargoes: pd.DataFrame, *,
                     as_of: int | None = None) -> pd.DataFrame:
    """Deliveries (recipient_iso3, year, …) that fall into an embargo window on the recipient.

    ``overlap`` is ``within`` when the delivery year lies strictly inside the window and
    ``partial-year`` when it is the year the embargo began or ended. An embargo still in
    force (end null) runs to ``as_of`` (default: the latest delivery year).
    """
    if deliveries.empty or embargoes.empty:
        return pd.DataFrame(columns=[*deliveries.columns, "resolution", "scope", "embargo_start",
                                     "embargo_end", "overlap", "assessment"])
    last = as_of if as_of is not None else int(deliveries["year"].max())
    emb = embargoes.rename(columns={"target": "recipient_iso3", "start": "embargo_start",
                                    "end": "embargo_end"})
    hits = deliveries.merge(emb[["recipient_iso3", "resolution", "scope", "embargo_start",
                                 "embargo_end"]], on="recipient_iso3", how="inner")
    y0 = hits["embargo_start"].map(lambda d: d.year)
    y1 = hits["embargo_end"].map(lambda d: d.year if d is not None and not pd.isna(d) else last)
    hits = hits[(hits["year"] >= y0) & (hits["year"] <= y1)].copy()
    edge = (hits["year"] == y0[hits.index]) | (
        (hits["year"] == y1[hits.index]) & hits["embargo_end"].notna())
    hits["overlap"] = edge.map({True: "partial-year", False: "within"})
    hits["assessment"] = hits["scope"].map({
        "full": "delivery during a full UN arms embargo: check for a Committee exemption",
        "partial": "partial embargo (e.g. government exempted): check the recipient end-user"})
    return hits.sort_values(["recipient_iso3", "year"]).reset_index(drop=True)


def _where(t: ir.Table, role: str, iso3: str | None) -> ir.Table:
    """The rows where ``iso3`` is the ``role`` (supplier, recipient, or either)."""
    if iso3 is None:
        return t
    tests = {"supplier": t.supplier_iso3 == iso3, "recipient": t.recipient_iso3 == iso3,
             "any": (t.supplier_iso3 == iso3) | (t.recipient_iso3 == iso3)}
    return t.filter(tests[role])


def screen(store: Store, *, country: str | int | None = None, role: str = "any",
           embargoes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every SIPRI delivery into a UN-embargoed state, optionally for one supplier/recipient.

    Example: ``screen(store, country="TUR", role="supplier")`` lists Türkiye's deliveries
    into embargoed states.
    """
    if role not in ROLES:
        raise InvalidArgument(f"role {role!r} must be one of {ROLES}.")
    tables = Tables.from_store(store)
    emb = load_embargoes() if embargoes is None else embargoes
    iso3 = resolve_focal(store, country).iso3 if country is not None else None
    d = tables.table("sipri_deliveries")
    first, _ = year_span(tables, d)
    d = _where(d, role, iso3)
    yearly = to_frame(d.select(basis=ibis.literal("deliveries"), deal_id=d.deal_id.cast("string"),
                      supplier_label=d.supplier_label, supplier_iso3=d.supplier_iso3,
                      recipient_label=d.recipient_label, recipient_iso3=d.recipient_iso3,
                      year=d.year, designation=d.designation, description=d.description,
                      number=d.number, tiv=d.tiv))
    frames = [yearly]
    if tables.has("sipri_transfers"):
        t = _where(tables.table("sipri_transfers"), role, iso3)
        deals = to_frame(t.select(basis=ibis.literal("register"), deal_id=t.deal_id,
                         supplier_label=t.supplier_label, supplier_iso3=t.supplier_iso3,
                         recipient_label=t.recipient_label, recipient_iso3=t.recipient_iso3,
                         delivery_years=t.delivery_years, designation=t.weapon_designation,
                         description=t.weapon_description, number=t.number_delivered,
                         tiv=t.tiv_delivered))
        deals["year"] = deals.pop("delivery_years").map(register_delivery_years)
        deals = deals.explode("year").dropna(subset=["year"])
        deals = deals[deals["year"].astype(int) < first].astype({"year": "int64"})
        deals["tiv"] = float("nan")  # a deal's TIV is not per year; never spread it
        frames.append(deals)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return screen_transfers(yearly, emb)
    return screen_transfers(pd.concat(frames, ignore_index=True), emb,
                            as_of=int(yearly["year"].max()) if not yearly.empty else None)
