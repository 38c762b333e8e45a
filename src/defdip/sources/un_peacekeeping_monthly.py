"""UN peacekeeping uniformed personnel by contributor, mission and type, monthly, 2015-2025.

The UN Department of Peace Operations' monthly reports (PDF), as the long table the mirror
parsed from them (every printed subtotal reconciled). They continue the IPI data
(``ipi_peacekeeping``: contributor x mission to 2014-02, contributor totals to 2014-03);
:mod:`defdip.sources._series` joins the two into one series.

Traps (``un_peacekeeping_monthly/README.md``): five report months are missing and 19 reports
have no mission breakdown (``mission`` empty): both stay visible as gaps in
``un_pko_months``, never as zeros. Names truncated in the PDFs carry the ISO3 the mirror
mapped by hand and a ``note``; ten rows of 2019-09 named only ``Republic of`` (Korea or
Moldova) have no ISO3 and stay uncoded. Türkiye is printed ``Turkey`` to 2023-04 and
``Turkiye`` after. Male and female are not given in 2023-09.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Country, Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import ACTOR_FIX, SourceInfo, fetcher
from defdip.sources._checks import iso_dates, read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["COLUMNS", "INFO", "PERSONNEL_TYPES", "fetch", "month_table", "parse"]

INFO = SourceInfo(
    name="un_peacekeeping_monthly",
    title="Contribution of Uniformed Personnel to UN by Mission, Country and Personnel Type, "
          "monthly reports 2015-2025",
    publisher="United Nations, Department of Peace Operations (DPO; DPKO until 2018); table "
              "parsed from the monthly PDFs for the defdip mirror",
    version="122 monthly reports 2015-01 to 2025-07 (PDFs from GitHub kl371218/kl371218 "
            "3589eca, 2025-09-14); long table parsed with pdftotext -layout",
    coverage="122 months 2015-01 to 2025-07 (missing: 2015-03, 2016-03, 2017-03, 2020-06, "
             "2022-07); 146 contributors, 30 missions; no mission split 2018-03 to 2019-08 "
             "and 2023-09",
    url="https://peacekeeping.un.org/en/troop-and-police-contributors",
    licence="UN documents (c) United Nations; UN website terms allow non-commercial use with "
            "attribution (not re-checked); the parsed table is a derivative made for the "
            "mirror, not an official UN product",
    citation="""@misc{undpo2025contributions,
  author = {{United Nations, Department of Peace Operations}},
  title = {Contribution of Uniformed Personnel to {UN} by Mission, Country and Personnel
           Type, monthly reports 2015--2025},
  howpublished = {\\url{https://peacekeeping.un.org/en/troop-and-police-contributors}},
  year = {2025}
}""",
    files=(RawFile("contributions",
                   "un_peacekeeping_monthly/un_pko_contributions_2015-2025_long.csv.gz",
                   "https://peacekeeping.un.org/en/troop-and-police-contributors"),),
    tables={
        "un_pko_monthly": "one row per report month x contributor x mission x personnel type "
                          "(zero rows dropped by the mirror): month (first day), report_date, "
                          "year, contributor_label (as printed), iso3, ccode, mission (null "
                          "where the report has no mission split), personnel_type, male, "
                          "female, total, mission_split, layout, assignment, note",
        "un_pko_months": "one row per month from the first report to the last: month, "
                         "reported (a report is in the data), mission_split (null where not "
                         "reported), personnel, contributors",
    },
    transformations=(
        "personnel types as snake case: troops, staff_officers, experts (Experts on Mission), "
        "individual_police, formed_police",
        "contributor codes from the table's ISO3 (names truncated in the PDFs were mapped by "
        "hand, see note); a printed name that resolves must name the same state",
        "month as the first day of the report month; report_date is the printed 'as of' date",
        "months with no report, and reports without a mission split, listed in un_pko_months",
    ),
    notes="Transcribed from PDFs: every printed subtotal reconciles, but a contributor "
          "assigned by layout geometry could be wrong where mission totals stay intact. "
          "2015-2016 reports have no Staff Officer line.",
    coverage_years=(2015, 2025),
    coverage_states="all contributors of uniformed personnel (146 in 2015-2025)",
)

COLUMNS = ["month", "report_date", "contributor_raw", "contributor_iso3", "mission",
           "personnel_type", "male", "female", "total", "has_mission_breakdown",
           "source_layout", "assignment", "note"]
PERSONNEL_TYPES = {"Troops": "troops", "Staff Officer": "staff_officers",
                   "Experts on Mission": "experts", "Individual Police": "individual_police",
                   "Formed Police Units": "formed_police"}


fetch = fetcher(INFO)


def _counts(raw: pd.DataFrame, column: str, path: Path, *, required: bool) -> pd.Series:
    values = pd.to_numeric(raw[column], errors="coerce")
    bad = raw[column].notna() & (values.isna() | (values < 0) | (values % 1 != 0))
    if required:
        bad |= raw[column].isna()
    reject_rows(bad, path, lambda row: f"count {raw[column].iloc[row]!r} is "
                "not a whole number >= 0", column=column)
    return values.astype("Int64")


def _contributors(raw: pd.DataFrame, vocab: Vocabulary, path: Path) -> pd.DataFrame:
    """iso3 and ccode per row from the table's ISO3, checked against the printed name."""
    pairs = raw[["contributor_raw", "contributor_iso3", "note"]].drop_duplicates(
        ["contributor_raw", "contributor_iso3"])
    codes: dict[tuple[object, object], tuple[str | None, int | None]] = {}
    for position, (printed, iso3, note) in zip(pairs.index, pairs.itertuples(index=False),
                                               strict=True):
        row = int(raw.index.get_loc(position)) + 2
        named = vocab.try_resolve(str(printed)) if pd.notna(printed) else None
        if pd.isna(iso3):
            if pd.isna(note):
                raise SourceFormatError(path, f"contributor {printed!r} has no ISO3 and no note "
                                        "saying why", row=row, column="contributor_iso3")
            codes[(printed, iso3)] = (None, None)
            continue
        state = vocab.try_resolve(str(iso3))
        if not isinstance(state, Country):
            raise SourceFormatError(path, f"ISO3 {iso3!r} is not a known state", row=row,
                                    column="contributor_iso3", fix=ACTOR_FIX)
        if isinstance(named, Country) and named.iso3 != state.iso3:
            raise SourceFormatError(path, f"printed name {printed!r} is {named.iso3!r}, but the "
                                    f"row says {iso3!r}", row=row, column="contributor_iso3")
        if not isinstance(named, Country) and pd.isna(note):
            raise SourceFormatError(path, f"printed name {printed!r} is not a known state and "
                                    "no note gives the mapping", row=row,
                                    column="contributor_raw", fix=ACTOR_FIX)
        codes[(printed, iso3)] = (state.iso3, state.ccode)
    keys = list(zip(raw["contributor_raw"], raw["contributor_iso3"], strict=True))
    return pd.DataFrame({"iso3": pd.array([codes[k][0] for k in keys], dtype="string"),
                         "ccode": pd.array([codes[k][1] for k in keys], dtype="Int64")},
                        index=raw.index)


def month_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Every month from the first to the last in ``frame`` (columns month, mission_split,
    total, iso3): reported or not, split by mission or not, personnel and contributors."""
    months = pd.date_range(frame["month"].min(), frame["month"].max(), freq="MS").date
    by_month = frame.groupby("month").agg(
        mission_split=("mission_split", "any"), personnel=("total", "sum"),
        contributors=("contributor_label", "nunique"))
    out = by_month.reindex(pd.Index(months, name="month")).reset_index()
    out.insert(1, "reported", out["personnel"].notna())
    out["mission_split"] = out["mission_split"].astype("boolean")
    return out.astype({"personnel": "Int64", "contributors": "Int64"})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = Path(files["contributions"])
    raw = read_csv(path, COLUMNS, dtype=str, keep_default_na=False, na_values=[""])
    month = pd.to_datetime(raw["month"], format="%Y-%m", errors="coerce")
    reject_rows(month.isna(), path, lambda row: f"month {raw['month'].iloc[row]!r} is not "
                "YYYY-MM", column="month")
    report = iso_dates(raw, "report_date", path)
    reject_rows(report.dt.to_period("M") != month.dt.to_period("M"), path,
                lambda row: f"report date {raw['report_date'].iloc[row]!r} is not in month "
                f"{raw['month'].iloc[row]!r}", column="report_date")
    kind = raw["personnel_type"].map(PERSONNEL_TYPES)
    reject_rows(kind.isna(), path, lambda row: f"personnel type "
                f"{raw['personnel_type'].iloc[row]!r} is not one of {sorted(PERSONNEL_TYPES)}",
                column="personnel_type")
    split = raw["has_mission_breakdown"].map({"True": True, "False": False})
    reject_rows(split.isna(), path, lambda row: f"{raw['has_mission_breakdown'].iloc[row]!r} "
                "is not True or False", column="has_mission_breakdown")
    reject_rows(split.astype(bool) == raw["mission"].isna(), path, lambda row: (
        f"mission {raw['mission'].iloc[row]!r} does not fit has_mission_breakdown "
        f"{raw['has_mission_breakdown'].iloc[row]!r} (a mission exactly where the report "
        "splits by mission)"), column="mission")
    male, female = (_counts(raw, c, path, required=False) for c in ("male", "female"))
    total = _counts(raw, "total", path, required=True)
    reject_rows((male + female).ne(total).fillna(False), path, lambda row: (
        f"male {raw['male'].iloc[row]!r} + female {raw['female'].iloc[row]!r} is not total "
        f"{raw['total'].iloc[row]!r}"), column="total")
    codes = _contributors(raw, vocab, path)
    table = pd.DataFrame({
        "month": month.dt.date, "report_date": report.dt.date,
        "year": month.dt.year.astype("int64"),
        "contributor_label": raw["contributor_raw"].astype("string"),
        "iso3": codes["iso3"], "ccode": codes["ccode"],
        "mission": raw["mission"].astype("string"), "personnel_type": kind.astype("string"),
        "male": male, "female": female, "total": total.astype("int64"),
        "mission_split": split.astype(bool), "layout": raw["source_layout"].astype("string"),
        "assignment": raw["assignment"].astype("string"), "note": raw["note"].astype("string"),
    })
    return {"un_pko_monthly": table, "un_pko_months": month_table(table)}
