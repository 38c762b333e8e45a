"""COW Intergovernmental Organizations v3.0: membership spells, organisations, state-year
and dyad-year counts (manyios and peacesciencer derivatives).

The spells' 3-letter ``stateID`` mixes ISO3 (``DEU``, ``TUR``) and COW letters (``BAV``,
``YUG``), gives one code to both Koreas, Germanies and Vietnams, and is empty for seven
states. ``StateName`` is COW's own state column name (``turkey``, ``wgermany``) and is
unambiguous, so it decides; ``stateID`` must agree where it names a state. Every spell
resolves to a COW code or the parse stops: nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Country, Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import file_kind, read_csv, require_columns
from defdip.sources._peacesciencer import (
    PS_NOTE,
    ps_url,
    read_rda,
    read_table,
    to_ints,
)

pd = lazy_import("pandas")

__all__ = ["COW_IGO_NAMES", "INFO", "fetch", "parse"]

_MANYIOS = "https://github.com/globalgov/manyios/raw/74cdb4d/data/"
INFO = SourceInfo(
    name="cow_igo",
    title="Correlates of War Intergovernmental Organizations, v3.0 (derivatives)",
    publisher="Correlates of War Project; spells and organisations via the manyios R package "
              "(globalgov), counts via peacesciencer (Steven V. Miller)",
    version="v3.0",
    coverage="1816-2014; 14,317 membership spells (192 states, 450 IGOs), 15,557 state-years, "
             "917,695 non-directed dyad-years",
    url="https://correlatesofwar.org/data-sets/igos/",
    licence="COW data free to use with citation; manyios CC BY 4.0; peacesciencer GPL-2",
    citation="""@article{pevehouse2020igo,
  author = {Pevehouse, Jon C. W. and Nordstrom, Timothy and McManus, Roseanne W.
            and Jamison, Anne Spencer},
  title = {Tracking Organizations in the World: The Correlates of War {IGO} Version 3.0
           Datasets},
  journal = {Journal of Peace Research}, volume = {57}, number = {3},
  pages = {492--503}, year = {2020}, doi = {10.1177/0022343319881175}
}""",
    files=(
        RawFile("spells", "cow_igo/cow_igo_v3_membership_spells.csv",
                _MANYIOS + "memberships.rda"),
        RawFile("orgs", "cow_igo/cow_igo_v3_organizations_igo_year.csv",
                _MANYIOS + "organizations.rda"),
        RawFile("state_year", "cow_igo/peacesciencer_cow_igo_state_year_counts.csv",
                ps_url("cow_igo_sy")),
        RawFile("dyad_year", "cow_igo/peacesciencer_cow_igo_dyad_year_counts.parquet",
                ps_url("cow_igo_ndy")),
    ),
    tables={
        "cow_igo_spells": "state x IGO full-membership spells (first to last year, gaps "
                          "collapsed): ccode, iso3, state_id, state_label, igo, title, ionum, "
                          "start_year, end_year",
        "cow_igo_orgs": "IGO-years: igo, title, ionum, founded, ended, year, orgname, dead, "
                        "integrated, replaced, igocode, version, accuracy, notes, imputed, "
                        "political, social, economic",
        "cow_igo_state_year": "state-years: ccode, year, sum_igo_full, sum_igo_associate, "
                              "sum_igo_observer, sum_igo_anytype",
        "cow_igo_dyad_year": "non-directed dyad-years (ccode1 < ccode2): year, dyadigos "
                             "(IGOs in which both are full members)",
    },
    transformations=(
        "spells: COW code from COW's state name (StateName), checked against stateID",
        "spells: stateID kept as state_id, StateName as state_label; Beg/End as years",
        "organisations: columns renamed to snake_case; years typed as integers",
        "counts typed as integers; the dyad-year parquet read with pyarrow"),
    notes=PS_NOTE + " The manyios .rda objects are lists; a download of them is not read by "
                    "this parser (use the mirror's CSV extracts).",
    whole=(
        # this vintage: 14,317 rows
        Whole("cow_igo_spells", floor=12_000, key=("ccode", "ionum", "title", "start_year"),
              file="spells"),
        # this vintage: 16,139 rows
        Whole("cow_igo_orgs", floor=14_000, key=("ionum", "year"), file="orgs"),
        # this vintage: 15,557 rows
        Whole("cow_igo_state_year", floor=14_000, key=("ccode", "year"), file="state_year"),
        # this vintage: 917,695 rows
        Whole("cow_igo_dyad_year", floor=820_000, key=("ccode1", "ccode2", "year"),
              file="dyad_year"),
    ),
)

# COW IGO state column names the vocabulary cannot place (divided states, COW short names).
COW_IGO_NAMES: dict[str, int] = {
    "wgermany": 260, "egermany": 265, "nokorea": 731, "sokorea": 732, "svietnam": 817,
    "yugoslaviaserb": 345, "micronesiafs": 987, "car": 482, "soafrica": 560, "etimor": 860,
    "hessegrand": 275, "domrepublic": 42, "sierraleone": 451, "stlucia": 56,
    "austriahungary": 300, "nyemen": 678, "syemen": 680,
}
SPELLS = ["stateID", "StateName", "igoID", "Title", "cowigoNR", "Beg", "End"]
ORGS = {"igoID": "igo", "Title": "title", "cowigoNR": "ionum", "Beg": "founded", "End": "ended",
        "Year": "year", "orgname": "orgname", "dead": "dead", "integrated": "integrated",
        "replaced": "replaced", "igocode": "igocode", "version": "version",
        "accuracyofpre1965membershipdates": "accuracy", "sourcesandnotes": "notes",
        "imputed": "imputed", "political": "political", "social": "social",
        "economic": "economic"}
STATE_YEAR = ["ccode", "year", "sum_igo_full", "sum_igo_associate", "sum_igo_observer",
              "sum_igo_anytype"]
DYAD_YEAR = ["ccode1", "ccode2", "year", "dyadigos"]


fetch = fetcher(INFO)


def _state(state_id: object, name: str, vocab: Vocabulary) -> Country | None:
    """The state a spell belongs to, or None when the name and the id do not settle it."""
    if name in COW_IGO_NAMES:
        return vocab.by_ccode(COW_IGO_NAMES[name])
    named = vocab.try_resolve(name)
    named = named if isinstance(named, Country) and named.ccode is not None else None
    text = state_id if isinstance(state_id, str) else ""
    ids = [c for c in (vocab.countries.get(text), vocab.by_cow_abb(text))
           if c is not None and c.ccode is not None]
    if named is not None and (not ids or named.ccode in {c.ccode for c in ids}):
        return named
    if named is None and len({c.ccode for c in ids}) == 1:
        return ids[0]
    return None


def _spells(path: Path, vocab: Vocabulary) -> pd.DataFrame:
    raw = read_csv(path, SPELLS, keep_default_na=False, na_values=[""])  # not manyios' .rda
    pairs = raw[["stateID", "StateName"]].drop_duplicates()
    found: dict[tuple[object, str], Country] = {}
    for state_id, name in pairs.itertuples(index=False):
        country = _state(state_id, str(name), vocab)
        if country is None:
            same = raw["stateID"].isna() if pd.isna(state_id) else raw["stateID"].eq(state_id)
            row = int((same & raw["StateName"].eq(name)).to_numpy().argmax())
            raise SourceFormatError(
                path, f"state {name!r} (stateID {state_id!r}) does not resolve to one COW "
                "state", row=row + 2, column="StateName",
                fix="Add the COW IGO state name to COW_IGO_NAMES in defdip/sources/cow_igo.py.")
        found[(state_id, str(name))] = country
    keys = pd.Series(list(zip(raw["stateID"], raw["StateName"].astype(str), strict=True)))
    states = keys.map(found)
    table = pd.DataFrame({
        "ccode": states.map(lambda c: c.ccode).astype("int64"),
        "iso3": states.map(lambda c: c.iso3).astype("string"),
        "state_id": raw["stateID"].astype("string"),
        "state_label": raw["StateName"].astype("string"),
        "igo": raw["igoID"].astype("string"), "title": raw["Title"].astype("string"),
        "ionum": raw["cowigoNR"], "start_year": raw["Beg"], "end_year": raw["End"]})
    return to_ints(table, ["ionum", "start_year", "end_year"], path)


def _orgs(path: Path) -> pd.DataFrame:
    raw = read_csv(path, list(ORGS))[list(ORGS)].rename(columns=ORGS)
    raw = to_ints(raw, ["ionum", "founded", "year", "dead", "integrated", "replaced",
                        "imputed", "political", "social", "economic"], path)
    raw = to_ints(raw, ["ended", "igocode"], path, nullable=True)
    text = ["igo", "title", "orgname", "version", "accuracy", "notes"]
    return raw.astype({c: "string" for c in text})


def _dyad_year(path: Path) -> pd.DataFrame:
    if file_kind(path) != "parquet":
        frame = read_rda(path, "cow_igo_ndy", DYAD_YEAR)  # checks the columns
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            frame = pq.read_table(path).to_pandas()
        except (OSError, pa.ArrowException) as exc:
            raise SourceFormatError(path, f"cannot be read as Parquet ({exc})") from exc
        require_columns(frame, DYAD_YEAR, path)
    return to_ints(frame[DYAD_YEAR].copy(), DYAD_YEAR, path)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    state_year = read_table(files["state_year"], "cow_igo_sy", STATE_YEAR)[STATE_YEAR].copy()
    return {
        "cow_igo_spells": _spells(files["spells"], vocab),
        "cow_igo_orgs": _orgs(files["orgs"]),
        "cow_igo_state_year": to_ints(state_year, STATE_YEAR, files["state_year"]),
        "cow_igo_dyad_year": _dyad_year(files["dyad_year"]),
    }
