"""UN General Assembly roll-call votes, 1946-2020 (Voeten et al., via the unvotes package)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from defdip.countries import COUNTRY_FILES, Country, Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import (
    iso_dates,
    read_csv,
    refuse_non_text,
    reject_rows,
    require_columns,
)

pd = lazy_import("pandas")

__all__ = ["INFO", "VOTE_CODES", "fetch", "parse"]

_UNVOTES = "https://github.com/dgrtwo/unvotes/raw/master/data/"

INFO = SourceInfo(
    name="unga_votes",
    title="United Nations General Assembly Voting Data (roll calls, sessions 1-74)",
    publisher="Erik Voeten, Anton Strezhnev, Michael Bailey (Harvard Dataverse); packaged by "
              "David Robinson in the R package unvotes",
    version="unvotes commit 7eb7034 (2021-03-08); last vote 2020-01-14",
    coverage="6,203 roll calls, 870,109 yes/abstain/no votes of 200 countries, 1946-2020",
    url="https://doi.org/10.7910/DVN/LEJUQZ",
    licence="Dataverse source files in the public domain (CC0) per the unvotes data-raw README; "
            "unvotes package MIT; cite Voeten et al.",
    citation="""@data{voeten2009unga,
  author = {Voeten, Erik and Strezhnev, Anton and Bailey, Michael},
  title = {United Nations General Assembly Voting Data},
  publisher = {Harvard Dataverse}, year = {2009},
  doi = {10.7910/DVN/LEJUQZ}, note = {hdl:1902.1/12379}
}""",
    files=(
        RawFile("votes", "unga_votes/un_votes.csv.gz", _UNVOTES + "un_votes.rda"),
        RawFile("roll_calls", "unga_votes/un_roll_calls.csv", _UNVOTES + "un_roll_calls.rda"),
        RawFile("issues", "unga_votes/un_roll_call_issues.csv",
                _UNVOTES + "un_roll_call_issues.rda"),
        COUNTRY_FILES[0],
    ),
    tables={
        "unga_votes": "one row per roll call and voting state: rcid, ccode, iso3, "
                      "country_label, country_code (ISO2 as published), vote (1 yes, "
                      "2 abstain, 3 no), year",
        "unga_roll_calls": "one row per roll call: rcid, session, year (from the date), date, "
                           "importantvote, unres, amend, para, short, descr",
        "unga_issues": "issue tags of roll calls: rcid, short_name, issue",
    },
    transformations=(
        "votes read with pyarrow, every column as text (keeps Namibia's ISO2 'NA')",
        "vote coded 1 yes, 2 abstain, 3 no",
        "ccode from the ISO2 code through the countrycode concordance; where the code is "
        "empty (Federal Republic of Germany, Yemen Arab Republic, Zanzibar) or not a current "
        "ISO2 code (CS, DD, YD, YU), from the country name with the roll call's year",
        "year = calendar year of the roll-call date; 0/1 flags typed as nullable BOOLEAN",
    ),
    whole=(
        # this vintage: 870,109 rows
        Whole("unga_votes", floor=780_000, key=("rcid", "ccode"), file="votes"),
        # this vintage: 6,203 rows
        Whole("unga_roll_calls", floor=5_500, key=("rcid",), file="roll_calls"),
        # this vintage: 5,745 rows
        Whole("unga_issues", floor=5_100, key=("rcid", "short_name"), file="issues"),
    ),
)

VOTE_CODES = {"yes": 1, "abstain": 2, "no": 3}
VOTE_COLUMNS = ["rcid", "country", "country_code", "vote"]
ROLL_CALL_COLUMNS = ["rcid", "session", "importantvote", "date", "unres", "amend", "para",
                     "short", "descr"]


fetch = fetcher(INFO)


def _roll_calls(path: Path) -> pd.DataFrame:
    raw = read_csv(path, ROLL_CALL_COLUMNS,
                   dtype={"unres": "string", "short": "string", "descr": "string"})
    dates = iso_dates(raw, "date", path)
    frame = pd.DataFrame({"rcid": raw["rcid"].astype("int64"),
                          "session": raw["session"].astype("int64"),
                          "year": dates.dt.year.astype("int64"), "date": dates.dt.date})
    for column in ("importantvote", "amend", "para"):
        frame[column] = raw[column].map({1.0: True, 0.0: False}).astype("boolean")
    for column in ("unres", "short", "descr"):
        frame[column] = raw[column]
    return frame


def _read_votes(path: Path) -> pd.DataFrame:
    options = pacsv.ConvertOptions(column_types={c: pa.string() for c in VOTE_COLUMNS},
                                   strings_can_be_null=False)
    refuse_non_text(path)
    try:
        table = pacsv.read_csv(path, convert_options=options)
    except pa.ArrowInvalid as exc:
        raise SourceFormatError(path, f"cannot be read as CSV ({exc})") from exc
    frame = table.to_pandas()
    require_columns(frame, VOTE_COLUMNS, path)
    return frame


def _iso2_map(path: Path) -> dict[str, str]:
    codelist = read_csv(path, ["iso2c", "iso3c"], dtype=str, keep_default_na=False,
                        na_values=[""])[["iso2c", "iso3c"]].dropna()
    return dict(zip(codelist["iso2c"], codelist["iso3c"], strict=True))


def _actor_keys(votes: pd.DataFrame, iso2: dict[str, str], vocab: Vocabulary,
                path: Path) -> pd.DataFrame:
    """iso3 and ccode for each distinct (country, country_code, year) of the votes."""
    keys = votes[["country", "country_code", "year"]].drop_duplicates()
    iso3s, ccodes = [], []
    for position, (name, code, year) in zip(keys.index, keys.itertuples(index=False),
                                            strict=True):
        actor = (vocab.try_resolve(iso2[code]) if code in iso2
                 else vocab.try_resolve(name, year=int(year)))
        if not isinstance(actor, Country):
            raise SourceFormatError(
                path, f"country {name!r} (code {code!r}) in {year} does not resolve to a state",
                row=int(position) + 2, column="country",
                fix="Add the spelling to an alias file in defdip/data/actors/ (aliases:).")
        iso3s.append(actor.iso3)
        ccodes.append(actor.ccode)
    return keys.assign(iso3=pd.array(iso3s, dtype="string"),
                       ccode=pd.array(ccodes, dtype="Int64"))


def _votes(path: Path, roll_calls: pd.DataFrame, iso2: dict[str, str],
           vocab: Vocabulary) -> pd.DataFrame:
    raw = _read_votes(path)
    rcid = pd.to_numeric(raw["rcid"], errors="coerce")
    vote = raw["vote"].map(VOTE_CODES)
    year = rcid.map(dict(zip(roll_calls["rcid"], roll_calls["year"], strict=True)))
    reject_rows(vote.isna(), path, lambda row: f"vote {raw['vote'].iloc[row]!r} is not yes, "
                "abstain or no", column="vote")
    reject_rows(year.isna(), path, lambda row: f"rcid {raw['rcid'].iloc[row]!r} is not a roll "
                "call in un_roll_calls.csv", column="rcid")
    frame = pd.DataFrame({"rcid": rcid.astype("int64"), "country": raw["country"],
                          "country_code": raw["country_code"], "vote": vote.astype("int64"),
                          "year": year.astype("int64")})
    keys = _actor_keys(frame, iso2, vocab, path)
    frame = frame.merge(keys, on=["country", "country_code", "year"], how="left", sort=False)
    return pd.DataFrame({
        "rcid": frame["rcid"], "ccode": frame["ccode"], "iso3": frame["iso3"],
        "country_label": frame["country"].astype("string"),
        "country_code": frame["country_code"].replace({"": None}).astype("string"),
        "vote": frame["vote"], "year": frame["year"]})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    roll_calls = _roll_calls(files["roll_calls"])
    issues_path = files["issues"]
    issues = read_csv(issues_path, ["rcid", "short_name", "issue"],
                      dtype={"short_name": "string", "issue": "string"})
    votes = _votes(files["votes"], roll_calls, _iso2_map(files["codelist"]), vocab)
    return {"unga_votes": votes, "unga_roll_calls": roll_calls,
            "unga_issues": issues[["rcid", "short_name", "issue"]].astype({"rcid": "int64"})}
