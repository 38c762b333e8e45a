"""Kinne's Defense Cooperation Agreement Dataset (DCAD) v1.0: bilateral DCAs, 1980-2010.

One row per agreement: the two signatories (COW codes), sign and entry-into-force dates,
``type`` (general or sector), up to three categories (DCA framework, DIC defence industry,
TREX training and exercises, PROCUREMENT, RESEARCH, COMMISSION), duration, termination, and
where the record comes from (a treaty series or news reports via Factiva).

Traps (``defence_cooperation_agreements/README.md``): day and month are missing for some
dates (kept as month- or year-precise dates, with a precision column); negative numbers in
``span``, ``renewYears`` and ``durationActual`` are DCAD's missing/not-applicable codes (null
here; ``renewType`` and ``terminated`` keep their codes, which are categories); the COW
letter codes are not always the code's (145 is once 'VEN', 652 once 'EGY', 'HUN ' has a
trailing space), so the numeric COW code is the key and the letters are kept as printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, fetcher
from defdip.sources._checks import partial_dates, read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["CATEGORIES", "CONFIDENCE", "INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="dcad_agreements",
    title="Defense Cooperation Agreement Dataset (DCAD) v1.0, main (agreement-level) file",
    publisher="Brandon J. Kinne; distributed by the author and the Correlates of War Project "
              "(kinne_dca.zip)",
    version="1.0 (DCAD-v1.0-main.csv, copy from GitHub QiqiNerd/dcad_mining d3398b0)",
    coverage="1,871 bilateral agreements signed 1980-2010, 1,215 dyads, 160 states",
    url="https://correlatesofwar.org/data-sets/defense-cooperation-agreement-dataset/",
    licence="No licence text came with this copy; COW data are normally free for academic use "
            "with citation; DCAD's own terms not checked; cite Kinne (2020)",
    citation="""@article{kinne2020dcad,
  author = {Kinne, Brandon J.},
  title = {The Defense Cooperation Agreement Dataset ({DCAD})},
  journal = {Journal of Conflict Resolution}, volume = {64}, number = {4},
  pages = {729--755}, year = {2020}, doi = {10.1177/0022002719857796}
}""",
    files=(RawFile("main", "defence_cooperation_agreements/DCAD-v1.0-main.csv",
                   "https://correlatesofwar.org/data-sets/defense-cooperation-agreement-"
                   "dataset/"),),
    tables={"dcad_agreements": "one row per agreement: dcad_id, ccode_1, iso3_1, cow_abb_1, "
                               "ccode_2, iso3_2, cow_abb_2, sign_date, sign_precision, "
                               "sign_year, eif_date, eif_precision, type, category_1..3, "
                               "span, renew_type, renew_years, terminated, duration_actual, "
                               "end_year_estimate, asymmetry, category_conf, unts, full_text, "
                               "source_type, source, factiva_conf, factiva_sign, factiva_eif"},
    transformations=(
        "columns renamed to snake case (signYear -> sign_year, DCAid -> dcad_id, ...)",
        "sign and entry-into-force dates from day/month/year; a missing day or month gives a "
        "month- or year-precise date (first day of the span) and a precision column",
        "iso3 from the vocabulary by COW code; the COW letters kept as printed (cow_abb_*)",
        "negative span, renewYears and durationActual (DCAD missing codes -56 ... -99) -> null",
    ),
    notes="Coverage ends in 2010; news-sourced records (source_type factiva) have lower "
          "confidence. The codebook was not available: column meanings are read from the data.",
    coverage_years=(1980, 2010),
    coverage_states="all states (bilateral agreements of 160 states)",
)

CATEGORIES = ("DCA", "DIC", "TREX", "PROCUREMENT", "RESEARCH", "COMMISSION")
CONFIDENCE = ("high", "med", "low", "atypical")
TYPES = ("general", "sector")
SOURCE_TYPES = ("treaty", "factiva")
RENAMES = {
    "DCAid": "dcad_id", "type": "type", "category1": "category_1", "category2": "category_2",
    "category3": "category_3", "span": "span", "renewType": "renew_type",
    "renewYears": "renew_years", "terminated": "terminated", "durationActual":
    "duration_actual", "endYearEstimate": "end_year_estimate", "asymmetry": "asymmetry",
    "categoryConf": "category_conf", "UNTS": "unts", "fullText": "full_text",
    "sourceType": "source_type", "source": "source", "factivaConf": "factiva_conf",
    "factivaSign": "factiva_sign", "factivaEIF": "factiva_eif",
}
REQUIRED = ["ccode1", "cowName1", "ccode2", "cowName2", "signDay", "signMonth", "signYear",
            "EIFDay", "EIFMonth", "EIFYear", *RENAMES]
_MISSING_CODES = ("span", "renewYears", "durationActual")


fetch = fetcher(INFO)


def _whole(raw: pd.DataFrame, column: str, path: Path, *, required: bool) -> pd.Series:
    values = pd.to_numeric(raw[column], errors="coerce")
    bad = raw[column].notna() & (values.isna() | (values % 1 != 0))
    if required:
        bad |= raw[column].isna()
    reject_rows(bad, path, lambda row: f"{raw[column].iloc[row]!r} is not a whole number",
                column=column)
    return values.astype("Int64")


def _choice(raw: pd.DataFrame, column: str, allowed: tuple[str, ...], path: Path, *,
            required: bool) -> pd.Series:
    values = raw[column].str.strip()
    bad = values.notna() & ~values.isin(allowed)
    if required:
        bad |= values.isna()
    reject_rows(bad, path, lambda row: f"{raw[column].iloc[row]!r} is not one of "
                f"{', '.join(allowed)}", column=column)
    return values.astype("string")


def _dates(raw: pd.DataFrame, prefix: str, path: Path) -> tuple[pd.Series, pd.Series]:
    parts = pd.DataFrame({f"{prefix}year": raw[f"{prefix}Year"],
                          f"{prefix}month": raw[f"{prefix}Month"],
                          f"{prefix}day": raw[f"{prefix}Day"]})
    dates, precision = partial_dates(parts, prefix, end=False)
    given = pd.to_numeric(raw[f"{prefix}Month"], errors="coerce")
    day = pd.to_numeric(raw[f"{prefix}Day"], errors="coerce")
    lost = raw[f"{prefix}Year"].notna() & ((given.notna() & precision.eq("year"))
                                           | (day.notna() & precision.ne("day")))
    reject_rows(lost.fillna(False), path, lambda row: "date {!r} does not exist".format(
        "-".join(str(raw[f"{prefix}{p}"].iloc[row]) for p in ("Year", "Month", "Day"))),
        column=f"{prefix}Day")
    return dates, precision


def _parties(raw: pd.DataFrame, side: str, vocab: Vocabulary, path: Path) -> pd.DataFrame:
    codes = _whole(raw, f"ccode{side}", path, required=True)
    iso3: dict[int, str] = {}
    for code in codes.unique():
        try:
            iso3[int(code)] = vocab.by_ccode(int(code)).iso3
        except LookupError:
            row = int(codes.eq(code).to_numpy().argmax()) + 2
            raise SourceFormatError(path, f"COW code {int(code)!r} is not in the vocabulary",
                                    row=row, column=f"ccode{side}") from None
    return pd.DataFrame({f"ccode_{side}": codes.astype("int64"),
                         f"iso3_{side}": codes.map(iso3).astype("string"),
                         f"cow_abb_{side}": raw[f"cowName{side}"].str.strip().astype("string")})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = Path(files["main"])
    raw = read_csv(path, REQUIRED, dtype=str, keep_default_na=False, na_values=[""])
    ids = raw["DCAid"].str.strip()
    reject_rows(ids.isna() | ids.duplicated(), path, lambda row: f"agreement id "
                f"{raw['DCAid'].iloc[row]!r} is empty or repeats an earlier row",
                column="DCAid")
    sign, sign_precision = _dates(raw, "sign", path)
    reject_rows(sign.isna(), path, lambda row: f"sign year {raw['signYear'].iloc[row]!r} is "
                "missing or not a year", column="signYear")
    eif, eif_precision = _dates(raw, "EIF", path)
    table = pd.concat([pd.DataFrame({"dcad_id": ids.astype("string")}),
                       _parties(raw, "1", vocab, path), _parties(raw, "2", vocab, path)],
                      axis=1)
    table["sign_date"], table["sign_precision"] = sign, sign_precision
    table["sign_year"] = _whole(raw, "signYear", path, required=True).astype("int64")
    table["eif_date"], table["eif_precision"] = eif, eif_precision
    table["type"] = _choice(raw, "type", TYPES, path, required=True)
    for number in (1, 2, 3):
        table[f"category_{number}"] = _choice(raw, f"category{number}", CATEGORIES, path,
                                              required=number == 1)
    for column in ("span", "renewType", "renewYears", "terminated", "durationActual",
                   "endYearEstimate", "asymmetry", "UNTS", "factivaConf", "factivaSign",
                   "factivaEIF"):
        values = _whole(raw, column, path, required=column in ("terminated",
                                                                "endYearEstimate"))
        if column in _MISSING_CODES:
            values = values.where(values >= 0)
        table[RENAMES[column]] = values
    table["category_conf"] = _choice(raw, "categoryConf", CONFIDENCE, path, required=True)
    table["source_type"] = _choice(raw, "sourceType", SOURCE_TYPES, path, required=True)
    for column in ("fullText", "source"):
        table[RENAMES[column]] = raw[column].str.strip().astype("string")
    order = ["dcad_id", "ccode_1", "iso3_1", "cow_abb_1", "ccode_2", "iso3_2", "cow_abb_2",
             "sign_date", "sign_precision", "sign_year", "eif_date", "eif_precision", "type",
             "category_1", "category_2", "category_3", "span", "renew_type", "renew_years",
             "terminated", "duration_actual", "end_year_estimate", "asymmetry",
             "category_conf", "unts", "full_text", "source_type", "source", "factiva_conf",
             "factiva_sign", "factiva_eif"]
    return {"dcad_agreements": table[order]}
