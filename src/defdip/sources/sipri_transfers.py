"""SIPRI Arms Transfers Database: the raw trade register, one row per deal (1950-2024).

The raw export is Latin-1 with 11 preamble lines, and 4 records are split across two lines by
unquoted newlines in ``Comments``; they are joined back here (the next line starts with ``,``).
Licensed production (a form of technology transfer) is derived from SIPRI's comments by
:data:`LICENSED_PATTERN`; see :func:`licensed_production`.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import check_actors, refuse_non_text, reject_rows

pd = lazy_import("pandas")

__all__ = ["ACTOR_FIX", "INFO", "LICENSED_PATTERN", "check_fields", "check_header", "fetch",
           "licensed_production", "parse", "read_export", "to_numbers"]

SIPRI_CITATION = """@misc{sipri2025transfers,
  author = {{Stockholm International Peace Research Institute}},
  title = {SIPRI Arms Transfers Database},
  year = {2025}, howpublished = {\\url{https://www.sipri.org/databases/armstransfers}},
  note = {Information from the SIPRI Arms Transfers Database}
}"""
ACTOR_FIX = ("Add the spelling to defdip/data/actors/sipri.yaml (aliases: for a state, "
             "non_state: for a group, organisation or unknown actor).")
SIPRI_TERMS = ("SIPRI user rules: free to download and cite with the credit line 'Information "
               "from the SIPRI Arms Transfers Database'; calculations must not be attributed to "
               "SIPRI; commercial use needs SIPRI's agreement; do not republish the full data.")

INFO = SourceInfo(
    name="sipri_transfers",
    title="SIPRI Arms Transfers Database: trade register of major conventional arms",
    publisher="Stockholm International Peace Research Institute (SIPRI)",
    version="export generated 13 Mar 2025 (deliveries 1950-2024)",
    coverage="29,515 deals; orders 1940-2024, deliveries 1950-2024; all suppliers and recipients",
    url="https://www.sipri.org/databases/armstransfers",
    licence=SIPRI_TERMS,
    citation=SIPRI_CITATION,
    files=(RawFile("register",
                   "sipri_arms_transfers/trade-register_all_1950-2024_generated-2025-03-13.csv",
                   "https://armstransfers.sipri.org/ArmsTransfer/TradeRegister"),),
    tables={"sipri_transfers": "one row per deal: supplier, recipient, order year, weapon, "
                               "numbers, delivery years, TIV, licensed_production"},
    transformations=(
        "decoded Latin-1; dropped 11 preamble lines",
        "joined the records split by raw newlines in Comments (continuation lines start with ',')",
        "'?' uncertainty flags turned into booleans; numbers typed (Int64 counts, DOUBLE TIV)",
        "deal_id = first 16 hex digits of SHA-1 over supplier, recipient, order year (+?), number "
        "ordered, designation, description and status, with '-N' for the N-th identical deal",
        "supplier/recipient ISO3 and COW codes attached for the order year",
        "licensed_production: comments mention licence production, assembly or kits "
        "(regex LICENSED_PATTERN)",
    ),
    whole=(
        # this vintage: 29,515 rows
        Whole("sipri_transfers", floor=26_000, key=("deal_id",)),
    ),
)

PREAMBLE_LINES = 11
HEADER = ["Recipient", "Supplier", "Year of order", " ", "Number ordered", " ",
          "Weapon designation", "Weapon description", "Number delivered", " ",
          "Year(s) of delivery", "status", "Comments", "SIPRI TIV per unit",
          "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"]
COLUMNS = ["recipient_label", "supplier_label", "order_year", "order_year_uncertain",
           "number_ordered", "number_ordered_uncertain", "weapon_designation",
           "weapon_description", "number_delivered", "number_delivered_uncertain",
           "delivery_years", "status", "comments", "tiv_per_unit", "tiv_total_order",
           "tiv_delivered"]
INTEGERS = {"order_year": "Year of order", "number_ordered": "Number ordered",
            "number_delivered": "Number delivered"}
FLOATS = {"tiv_per_unit": "SIPRI TIV per unit", "tiv_total_order": "SIPRI TIV for total order",
          "tiv_delivered": "SIPRI TIV of delivered weapons"}
ID_FIELDS = ["supplier_label", "recipient_label", "order_year", "order_year_uncertain",
             "number_ordered", "weapon_designation", "weapon_description", "status"]

# SIPRI's phrasing for weapons made in the recipient country: "produced under licence in
# India", "licensed production", "production under licence", "assembled from kits in Turkey",
# "incl assembly/production in Romania", "rebuilt ... with kits from USA". Plain "produced in X"
# is NOT used: it mostly describes the platform a component is for ("for 8 MILGEM frigates
# produced in Turkey"). Possibly-licensed deals ("possibly produced under licence") count.
LICENSED_PATTERN = re.compile(
    r"licen[cs]ed production"
    r"|\b(?:produced|production|built|assembled|manufactured|made)\b[^;]{0,40}\blicen[cs]e"
    r"|\bunder\b[^;]{0,20}\blicen[cs]e"
    r"|assembl"
    r"|with kits",
    re.IGNORECASE)


fetch = fetcher(INFO)


def read_export(path: Path, encoding: str) -> list[str]:
    """The lines of a SIPRI CSV export, refusing binary or wrongly encoded text."""
    refuse_non_text(path, "SIPRI CSV export")
    data = path.read_bytes()
    if b"\x00" in data[:4096] or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SourceFormatError(
            path, f"holds NUL bytes or a UTF-16 byte-order mark, so it is not {encoding} text",
            fix="Use SIPRI's original CSV export (it is not UTF-16); re-download it or restore "
                "the mirror copy.")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceFormatError(path, f"byte {data[exc.start:exc.start + 1]!r} cannot be "
                                f"decoded as {encoding}", row=line) from exc
    return text.splitlines()


def check_header(lines: Sequence[str], header: Sequence[str], path: Path, *, preamble: int,
                 what: str, starts: str) -> None:
    """Raise unless the line after the ``preamble`` lines is ``header`` (comma-separated)."""
    if len(lines) <= preamble or lines[preamble].split(",") != list(header):
        found = lines[preamble][:80] if len(lines) > preamble else "(no line)"
        raise SourceFormatError(path, f"line {preamble + 1} should be the {what} header "
                                f"starting '{starts}', found {found!r}", row=preamble + 1)


def check_fields(records: Sequence[str], rows: Sequence[int], width: int, path: Path) -> None:
    """Raise at the first record (at file line ``rows[i]``) without ``width`` fields."""
    for record, row in zip(records, rows, strict=True):
        fields = record.count(",") + 1
        if fields != width:
            raise SourceFormatError(path, f"record has {fields} fields, expected {width} "
                                    f"(starts {record[:60]!r}); the file may be truncated",
                                    row=row)


def to_numbers(raw: pd.Series, *, kind: str, path: Path, column: str,
               line_numbers: pd.Series) -> pd.Series:
    """Type a text column as Int64 or float; a non-number names its file line and column."""
    text = raw.str.strip()
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    reject_rows(text.ne("") & numbers.isna(), path,
                lambda row: f"{text.iloc[row]!r} is not a number", column=column,
                lines=line_numbers)
    if kind == "int":
        reject_rows(numbers.notna() & (numbers % 1 != 0), path,
                    lambda row: f"{text.iloc[row]!r} is not a whole number", column=column,
                    lines=line_numbers)
        return numbers.astype("Int64")
    return numbers.astype("float64")


def _records(path: Path) -> tuple[list[str], list[int]]:
    """Data lines with the split records joined, and each record's 1-based file line."""
    lines = read_export(path, "latin-1")
    check_header(lines, HEADER, path, preamble=PREAMBLE_LINES, what="register",
                 starts="Recipient,Supplier")
    records: list[str] = []
    starts: list[int] = []
    for number, line in enumerate(lines[PREAMBLE_LINES + 1:], start=PREAMBLE_LINES + 2):
        if line.startswith(",") and records:
            records[-1] += line  # a raw newline ended Comments: join the record back
        elif line:
            records.append(line)
            starts.append(number)
    check_fields(records, starts, len(HEADER), path)
    return records, starts


def licensed_production(comments: pd.Series) -> pd.Series:
    """True where SIPRI's comment says the weapon is produced or assembled in the recipient."""
    return comments.fillna("").str.contains(LICENSED_PATTERN).astype("boolean")


def _deal_ids(frame: pd.DataFrame) -> pd.Series:
    parts = frame[ID_FIELDS].astype("string").fillna("")
    keys = parts[ID_FIELDS[0]].str.cat([parts[c] for c in ID_FIELDS[1:]], sep="|")
    digests = pd.Series([hashlib.sha1(k.encode("utf-8")).hexdigest()[:16] for k in keys],
                        index=frame.index)
    occurrence = digests.groupby(digests).cumcount() + 1
    suffix = occurrence.map(lambda n: "" if n == 1 else f"-{n}")
    return (digests + suffix).astype("string")


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["register"]
    records, starts = _records(path)
    raw = pd.read_csv(io.StringIO("\n".join(records)), header=None, names=COLUMNS, dtype=str,
                      keep_default_na=False, sep=",", quoting=3)
    lines = pd.Series(starts, index=raw.index)
    frame = raw.copy()
    for column, label in INTEGERS.items():
        frame[column] = to_numbers(raw[column], kind="int", path=path, column=label,
                                   line_numbers=lines)
    for column, label in FLOATS.items():
        frame[column] = to_numbers(raw[column], kind="float", path=path, column=label,
                                   line_numbers=lines)
    for column in ("order_year_uncertain", "number_ordered_uncertain",
                   "number_delivered_uncertain"):
        frame[column] = raw[column].str.strip().eq("?").astype("boolean")
    for column in ("recipient_label", "supplier_label", "weapon_designation",
                   "weapon_description", "delivery_years", "status", "comments"):
        text = raw[column].str.strip()
        frame[column] = text.where(text != "").astype("string")
    frame["licensed_production"] = licensed_production(frame["comments"])
    frame.insert(0, "deal_id", _deal_ids(frame))
    for role in ("supplier", "recipient"):
        check_actors(frame, [f"{role}_label"], vocab, path, lines=lines,
                     shown=[role.capitalize()], fix=ACTOR_FIX, closest=True)
        frame = attach_codes(frame, f"{role}_label", vocab, prefix=role, path=path,
                             year_column="order_year", lines=lines)
    order = ["deal_id", "supplier_label", "supplier_iso3", "supplier_ccode", "recipient_label",
             "recipient_iso3", "recipient_ccode", *COLUMNS[2:], "licensed_production"]
    return {"sipri_transfers": frame[order]}
