"""Gleditsch & Ward list of independent states since 1816, with COW codes where they exist.

G&W codes mostly equal COW codes; where they differ (Germany, Serbia, Yemen, Vietnam) the
``countrycode`` concordance decides, through the vocabulary. :func:`gw_to_cow` is the one
translation every source with G&W codes uses (UCDP, for instance).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Country, Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "gw_concordance", "gw_country", "gw_to_cow", "parse"]

INFO = SourceInfo(
    name="gw_states",
    title="Gleditsch & Ward list of independent states since 1816 (R package states)",
    publisher="Kristian S. Gleditsch and Michael D. Ward; packaged by Andreas Beger (states)",
    version="states package, commit b154482 (2025-08-25)",
    coverage="1816-present; 239 state spells, 197 open-ended",
    url="http://ksgleditsch.com/data-4.html",
    licence="Data: research use with citation; the states R package: MIT (Andreas Beger, 2017)",
    citation="""@article{gleditsch1999interstate,
  author = {Gleditsch, Kristian S. and Ward, Michael D.},
  title = {Interstate System Membership: A Revised List of the Independent States since 1816},
  journal = {International Interactions}, volume = {25}, number = {4},
  pages = {393--413}, year = {1999}, doi = {10.1080/03050629908434958}
}""",
    files=(RawFile("gwstates", "state_system_panels/gwstates.csv",
                   "https://raw.githubusercontent.com/andybega/states/"
                   "b15448281b4bfc59d5bd24177174d04d906543a9/data/gwstates.rda"),),
    tables={"gw_states": "G&W state spells: gwcode, gwc, name, start, end (null = still "
                         "existing), microstate, ccode (COW, null where no COW state), iso3"},
    transformations=(
        "end date 9999-12-31 (still existing) stored as null",
        "ccode: the concordance's COW code for the G&W code (countrycode gwn -> iso3 -> COW), "
        "else the same number when COW has that code; kept only if the COW state exists "
        "during the G&W spell",
        "iso3 from the concordance, else from the COW code"),
    notes="The mirror holds a lossless CSV conversion of data/gwstates.rda; a download "
          "returns the .rda, which this parser does not read (use the mirror).",
    whole=(
        # this vintage: 239 rows
        Whole("gw_states", floor=210, key=("gwcode", "start")),
    ),
)

COLUMNS = ["gwcode", "gwc", "country_name", "start", "end", "microstate"]
OPEN_END = "9999-12-31"


fetch = fetcher(INFO)


def gw_country(gwcode: int, name: str, vocab: Vocabulary) -> Country | None:
    """The vocabulary's country for a G&W state: the concordance's for the G&W code, else
    the country the G&W name resolves to, else (unresolved names) the same COW number.

    Numbers alone mislead for micro-states: G&W 970 is Kiribati, COW 970 is Nauru.
    """
    for country in vocab.countries.values():
        if country.gwcode == gwcode:
            return country
    named = vocab.try_resolve(name)
    if isinstance(named, Country):
        return named
    try:
        return vocab.by_ccode(gwcode)
    except LookupError:
        return None


def gw_concordance(gw: pd.DataFrame, vocab: Vocabulary) -> dict[int, Country | None]:
    """Country per G&W code, from the parsed ``gw_states`` table (gwcode, name)."""
    names = gw.drop_duplicates("gwcode", keep="last")
    return {int(g): gw_country(int(g), str(n), vocab)
            for g, n in zip(names["gwcode"], names["name"], strict=True)}


def gw_to_cow(gwcodes: pd.Series, years: pd.Series, concordance: Mapping[int, Country | None],
              vocab: Vocabulary) -> pd.Series:
    """COW codes for G&W codes in given years (nullable Int64; null where none maps).

    The year picks between COW codes that share a country (DEU 1955-1990 -> 260, YEM up to
    1990 -> 678), as the vocabulary's ``year_codes`` say.
    """
    pairs = pd.DataFrame({"gw": gwcodes.astype("Int64"), "year": years.astype("Int64")})
    found: dict[tuple[int, int], int | None] = {}
    for gw, year in pairs.dropna().drop_duplicates().itertuples(index=False):
        country = concordance.get(int(gw))
        if country is not None and country.ccode is not None:
            hit = vocab.try_resolve(country.iso3, year=int(year))
            country = hit if isinstance(hit, Country) and hit.ccode is not None else country
        found[(int(gw), int(year))] = country.ccode if country is not None else None
    keys = pd.Series(list(zip(pairs["gw"], pairs["year"], strict=True)), index=gwcodes.index)
    return keys.map(lambda k: found.get(k)).astype("Int64")


def _spell_ccode(country: Country | None, start: str, end: str, vocab: Vocabulary
                 ) -> int | None:
    if country is None or country.ccode is None:
        return None
    spells = vocab.by_ccode(country.ccode).spells
    return country.ccode if any(s <= end and start <= e for s, e in spells) else None


def _dates(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    text = raw[column].astype("string")
    is_open = text.eq(OPEN_END).fillna(False) if column == "end" else text.isna() & False
    dates = pd.to_datetime(text.where(~is_open), format="%Y-%m-%d", errors="coerce")
    reject_rows(dates.isna() & ~is_open, path, lambda row: f"value {raw[column].iloc[row]!r} "
                "is not a date (YYYY-MM-DD)", column=column)
    return dates.dt.date.astype(object).where(dates.notna(), None)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["gwstates"]
    raw = read_csv(path, COLUMNS, what="UTF-8 CSV", dtype={"gwc": str}, keep_default_na=False,
                   na_values=[""])
    codes = pd.to_numeric(raw["gwcode"], errors="coerce")
    reject_rows(codes.isna(), path, lambda row: f"value {raw['gwcode'].iloc[row]!r} is not a "
                "G&W code", column="gwcode")
    table = pd.DataFrame({"gwcode": codes.astype("int64"),
                          "gwc": raw["gwc"].astype("string"),
                          "name": raw["country_name"].astype("string"),
                          "start": _dates(raw, "start", path),
                          "end": _dates(raw, "end", path)})
    table["microstate"] = raw["microstate"].astype(str).str.lower().eq("true")
    countries = [gw_country(int(g), str(n), vocab)
                 for g, n in zip(table["gwcode"], table["name"], strict=True)]
    table["ccode"] = pd.array(
        [_spell_ccode(c, s, e, vocab) for c, s, e in
         zip(countries, raw["start"].astype(str), raw["end"].astype(str), strict=True)],
        dtype="Int64")
    table["iso3"] = pd.array([c.iso3 if c is not None else None for c in countries],
                             dtype="string")
    return {"gw_states": table}
