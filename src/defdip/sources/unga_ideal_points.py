"""UNGA ideal-point estimates (Bailey, Strezhnev & Voeten), June 2024 release, sessions 1-78."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["COLUMNS", "INFO", "UNRELIABLE", "fetch", "parse"]

INFO = SourceInfo(
    name="unga_ideal_points",
    title="UN General Assembly ideal point estimates (IdealpointestimatesAll_Jun2024)",
    publisher="Michael A. Bailey, Anton Strezhnev, Erik Voeten (Harvard Dataverse)",
    version="June 2024 release (sessions 1-78)",
    coverage="11,238 country-sessions, 199 COW states, sessions 1-78 (1946-2023)",
    url="https://doi.org/10.7910/DVN/LEJUQZ",
    licence="Dataverse terms CC0 / public domain (as reported by the unvotes data-raw "
            "README); cite Bailey, Strezhnev & Voeten (2017)",
    citation="""@article{bailey2017ideal,
  author = {Bailey, Michael A. and Strezhnev, Anton and Voeten, Erik},
  title = {Estimating Dynamic State Preferences from United Nations Voting Data},
  journal = {Journal of Conflict Resolution}, volume = {61}, number = {2},
  pages = {430--456}, year = {2017}, doi = {10.1177/0022002715595700}
}""",
    files=(RawFile("ideal_points", "unga_ideal_points/IdealpointestimatesAll_Jun2024.csv",
                   "https://dataverse.harvard.edu/api/access/datafile/"
                   ":persistentId?persistentId=doi:10.7910/DVN/LEJUQZ"),),
    tables={"unga_ideal_points": "one row per state and UNGA session: ccode, iso3, session, "
                                 "year (= session + 1945), nvotes, ideal_point, q00..q100, "
                                 "agree_* shares, unreliable (flag)"},
    transformations=(
        "columns renamed to snake_case; the quantile column literally named 'QO%All' "
        "(letter O) becomes q00",
        "year = session + 1945",
        "iso3 from the vocabulary by COW code (the file's iso3c kept as iso3_label)",
        "unreliable = True for Turkey's session-78 row (NVotesAll = 2, probably the "
        "'Türkiye' renaming in the raw votes): kept, but flagged",
    ),
    whole=(
        # this vintage: 11,238 rows
        Whole("unga_ideal_points", floor=10_000, key=("ccode", "session")),
    ),
)

COLUMNS = {
    "ccode": "ccode", "session": "session", "NVotesAll": "nvotes",
    "IdealPointAll": "ideal_point", "QO%All": "q00", "Q5%All": "q05", "Q10%All": "q10",
    "Q50%All": "q50", "Q90%All": "q90", "Q95%All": "q95", "Q100%All": "q100",
    "iso3c": "iso3_label", "Countryname": "country_label",
    "USAgree": "agree_us", "RUSSAgree": "agree_russia", "BrazilAgree": "agree_brazil",
    "ChinaAgree": "agree_china", "IndiaAgree": "agree_india", "IsraelAgree": "agree_israel",
}
# (ccode, session) rows the README calls unreliable: Turkey, session 78 (NVotesAll = 2).
UNRELIABLE: frozenset[tuple[int, int]] = frozenset({(640, 78)})


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["ideal_points"]
    raw = read_csv(path, list(COLUMNS), keep_default_na=False, na_values=["NA", ""],
                   dtype={"iso3c": "string", "Countryname": "string"})
    frame = raw[list(COLUMNS)].rename(columns=COLUMNS)
    for column in ("ccode", "session", "nvotes"):
        reverse = {v: k for k, v in COLUMNS.items()}
        reject_rows(pd.to_numeric(frame[column], errors="coerce").isna(), path,
                    lambda row, c=column: f"{frame[c].iloc[row]!r} is not a whole number",
                    column=reverse[column])
        frame[column] = frame[column].astype("int64")
    iso3 = {}
    for ccode in frame["ccode"].unique():
        try:
            iso3[ccode] = vocab.by_ccode(int(ccode)).iso3
        except LookupError as exc:
            row = int(frame["ccode"].eq(ccode).to_numpy().argmax())
            raise SourceFormatError(path, f"COW code {int(ccode)!r} is not in the vocabulary",
                                    row=row + 2, column="ccode") from exc
    frame.insert(1, "iso3", frame["ccode"].map(iso3).astype("string"))
    frame.insert(3, "year", frame["session"] + 1945)
    frame["unreliable"] = [(c, s) in UNRELIABLE
                           for c, s in zip(frame["ccode"], frame["session"], strict=True)]
    return {"unga_ideal_points": frame}
