"""SIPRI Arms Transfers Database: deliveries per deal and year (1995-2024), with TIV per year.

This is the source of yearly TIV: SIPRI's fact-sheet rankings sum these per-year delivery
values. Spreading a deal's total over its delivery years would give wrong yearly figures.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import check_actors, reject_rows
from defdip.sources.sipri_transfers import (
    ACTOR_FIX,
    SIPRI_CITATION,
    SIPRI_TERMS,
    check_fields,
    check_header,
    read_export,
    to_numbers,
)

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="sipri_deliveries",
    title="SIPRI Arms Transfers Database: deliveries by deal and year",
    publisher="Stockholm International Peace Research Institute (SIPRI)",
    version="export generated 12 Feb 2026 (deliveries 1995-2024)",
    coverage="25,024 deal-years of 12,571 deals; deliveries 1995-2024 (orders from 1962)",
    url="https://www.sipri.org/databases/armstransfers",
    licence=SIPRI_TERMS,
    citation=SIPRI_CITATION,
    files=(RawFile("deliveries",
                   "sipri_arms_transfers/sipri_deliveries_1995-2025_generated-2026-02-12.csv",
                   "https://armstransfers.sipri.org/ArmsTransfer/TradeRegister"),),
    tables={"sipri_deliveries": "one row per deal and delivery year: SIPRI deal id, supplier, "
                                "recipient, weapon, category, number and TIV delivered that year"},
    transformations=(
        "dropped 11 preamble lines and the trailing ';' of every line",
        "Yes/No flags turned into booleans; numbers typed (Int64 counts, DOUBLE TIV)",
        "supplier/recipient ISO3 and COW codes attached for the delivery year",
    ),
    whole=(
        # this vintage: 25,024 rows
        Whole("sipri_deliveries", floor=22_000, key=("deal_id", "year")),
    ),
)

PREAMBLE_LINES = 11
COLUMNS = {
    "SIPRI AT Database ID": "deal_id", "Supplier": "supplier_label",
    "Recipient": "recipient_label", "Designation": "designation", "Description": "description",
    "Armament category": "category", "Order date": "order_year",
    "Order date is estimate": "order_year_estimate", "Numbers delivered": "number",
    "Numbers delivered is estimate": "number_estimate", "Delivery year": "year",
    "Delivery year is estimate": "year_estimate", "Status": "status",
    "SIPRI estimate": "tiv_new_unit", "TIV deal unit": "tiv_unit",
    "TIV delivery values": "tiv", "Local production": "local_production",
}
INTEGERS = ("deal_id", "order_year", "number", "year")
FLOATS = ("tiv_new_unit", "tiv_unit", "tiv")
FLAGS = ("order_year_estimate", "number_estimate", "year_estimate", "local_production")
TEXT = ("supplier_label", "recipient_label", "designation", "description", "category",
        "status")


fetch = fetcher(INFO)


def _read(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """The export's records as text, and each record's 1-based file line."""
    lines = [line.removesuffix(";") for line in read_export(path, "utf-8")]
    check_header(lines, list(COLUMNS), path, preamble=PREAMBLE_LINES, what="deliveries",
                 starts="SIPRI AT Database ID")
    body = lines[PREAMBLE_LINES + 1:]
    numbers = [n for n, line in enumerate(body, start=PREAMBLE_LINES + 2) if line]
    body = [line for line in body if line]
    check_fields(body, numbers, len(COLUMNS), path)
    raw = pd.read_csv(io.StringIO("\n".join(body)), header=None, names=list(COLUMNS.values()),
                      dtype=str, keep_default_na=False, quoting=3)
    return raw, pd.Series(numbers, index=raw.index)


def _flag(raw: pd.Series, *, path: Path, column: str, lines: pd.Series) -> pd.Series:
    text = raw.str.strip()
    reject_rows(~text.isin(["Yes", "No", ""]), path,
                lambda row: f"{text.iloc[row]!r} is not Yes, No or empty", column=column,
                lines=lines)
    return text.eq("Yes").astype("boolean").mask(text.eq(""))


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["deliveries"]
    raw, lines = _read(path)
    label = {v: k for k, v in COLUMNS.items()}
    frame = pd.DataFrame(index=raw.index)
    for column in raw.columns:
        if column in INTEGERS or column in FLOATS:
            frame[column] = to_numbers(raw[column], kind="int" if column in INTEGERS else "float",
                                       path=path, column=label[column], line_numbers=lines)
        elif column in FLAGS:
            frame[column] = _flag(raw[column], path=path, column=label[column], lines=lines)
        else:
            text = raw[column].str.strip()
            frame[column] = text.where(text != "").astype("string")
    for column in ("deal_id", "year"):
        reject_rows(frame[column].isna(), path, lambda row: "empty key field",
                    column=label[column], lines=lines)
    reject_rows(frame.duplicated(["deal_id", "year"]), path,
                lambda row: f"deal {int(frame['deal_id'].iloc[row])} has two rows for delivery "
                f"year {int(frame['year'].iloc[row])}", column="SIPRI AT Database ID",
                lines=lines)
    for role in ("supplier", "recipient"):
        check_actors(frame, [f"{role}_label"], vocab, path, lines=lines,
                     shown=[role.capitalize()], fix=ACTOR_FIX, closest=True)
        frame = attach_codes(frame, f"{role}_label", vocab, prefix=role, path=path,
                             year_column="year", lines=lines)
    order = ["deal_id", "supplier_label", "supplier_iso3", "supplier_ccode", "recipient_label",
             "recipient_iso3", "recipient_ccode", "designation", "description", "category",
             "order_year", "order_year_estimate", "year", "year_estimate", "number",
             "number_estimate", "status", "tiv_new_unit", "tiv_unit", "tiv", "local_production"]
    return {"sipri_deliveries": frame[order].sort_values(["deal_id", "year"],
                                                         ignore_index=True)}
