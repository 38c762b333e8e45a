"""The download path of every source, through an injected ``httpx.MockTransport``.

No test touches the network: the transport serves the mirror's bytes (or what the publisher's
URL really serves: an ``.rda``, a workbook, a web page) keyed by each ``RawFile.url``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from defdip import sources
from defdip.countries import Vocabulary
from defdip.errors import MirrorFileMissing, SourceFormatError
from defdip.fetch import RawFile, fetch_file
from defdip.sources._checks import MIRROR_FIX

NAMES = list(sources.all_sources())

# What each official URL serves, per (source, file key):
#   "file"  the file the parser reads (the mirror copy is the publisher's file, or the same
#           table in the same format);
#   "rda"   peacesciencer's .rda, which the parser reads as well as the mirror's CSV;
#   "rda!", "xls!", "html!", "topojson!", "404!"  something the parser cannot read, so the
#           source needs the mirror (the reason is the second element).
FILE = "file"
OFFICIAL: dict[tuple[str, str], tuple[str, str]] = {
    ("country_codes", "codelist"): (FILE, "codelist_without_cldr.csv, copied byte-for-byte"),
    ("cow_states", "cow_states"): (FILE, "COW states2016.csv: the same columns as the mirror's "
                                         "conversion of peacesciencer's copy"),
    ("cow_states", "system_years"): (FILE, "countrycode data_cow.csv, copied byte-for-byte"),
    ("gw_states", "gwstates"): ("rda!", "states data/gwstates.rda; the mirror holds its CSV"),
    ("sipri_transfers", "register"): ("html!", "the TradeRegister query form, not the export"),
    ("sipri_deliveries", "deliveries"): ("html!", "the TradeRegister query form"),
    **{("sipri_milex", key): ("html!", "the database's web page for all five sheets")
       for key in ("milex_constant_2023_usd_m", "milex_current_usd_m", "milex_share_gdp",
                   "milex_per_capita_usd", "milex_share_govt")},
    ("cow_nmc", "cow_nmc"): ("rda", "peacesciencer data/cow_nmc.rda"),
    **{(name, key): (FILE, f"peacesciencer data/{key}.rda, as in the mirror")
       for name, key in (("cow_majors", "cow_majors"), ("cow_contiguity", "cow_contdir"),
                         ("cow_capitals", "cow_capitals"), ("cow_mindist", "cow_mindist"),
                         ("cow_mids", "cow_mid_dirdisps"), ("cow_mids", "cow_mid_ddydisps"),
                         ("cow_wars", "cow_war_inter"), ("td_rivalries", "td_rivalries"),
                         ("tss_rivalries", "tss_rivalries"), ("terr_threat", "terrthreat"),
                         ("ucdp_acd", "ucdp_acd"), ("maoz_powers", "maoz_powers"))},
    ("ucdp_acd", "gwstates"): ("rda!", "states data/gwstates.rda (G&W concordance)"),
    **{("atop", key): (FILE, "DoDL copy of the ATOP 5.1 CSV")
       for key in ("alliances", "members", "state_year")},
    ("atop", "dyad_year"): ("rda", "peacesciencer data/atop_alliance.rda"),
    ("cow_igo", "spells"): ("rda!", "manyios memberships.rda, an R list, not a data frame"),
    ("cow_igo", "orgs"): ("rda!", "manyios organizations.rda, an R list"),
    ("cow_igo", "state_year"): ("rda", "peacesciencer data/cow_igo_sy.rda"),
    ("cow_igo", "dyad_year"): ("rda", "peacesciencer data/cow_igo_ndy.rda"),
    ("mme_exercises", "mme_wide"): (FILE, "troopdata mme_v7.csv, copied byte-for-byte"),
    ("jme_exercises", "jme"): ("xls!", "troopdata jme_v3.xls; the mirror holds sheet Sheet1_2 "
                                       "as CSV"),
    ("us_defense_visits", "visits"): ("xls!", "troopdata visits.xls; the mirror holds sheet 1 "
                                              "as CSV"),
    ("ipi_peacekeeping", "contributor_month"): ("404!", "a folder of 148 per-country files "
                                                        "(GitHub raw answers 404); the mirror "
                                                        "stacks them"),
    ("ipi_peacekeeping", "contributor_mission_month"): (FILE, "TCC-DataScraper Gender.Full.csv"),
    ("ipi_peacekeeping", "mission_month"): (FILE, "PPP_Loader data_mission.csv"),
    **{("unga_votes", key): ("rda!", f"unvotes data/{name}.rda; the mirror holds CSV")
       for key, name in (("votes", "un_votes"), ("roll_calls", "un_roll_calls"),
                         ("issues", "un_roll_call_issues"))},
    ("unga_votes", "codelist"): (FILE, "codelist_without_cldr.csv, copied byte-for-byte"),
    **{("unga_votes_dgacm", f"session_{s}"): (FILE, f"UNxml/GAresolutions data_extract/{s}.json "
                                                  "at the mirrored commit, byte-for-byte")
       for s in ("74", "75", "76", "77", "78", "79", "80", "ES-10", "ES-11", "S-32")},
    ("un_peacekeeping_monthly", "contributions"): ("html!", "the UN's contributors page (monthly "
                                                            "PDFs); the mirror holds the table "
                                                            "parsed from them"),
    ("dcad_agreements", "main"): ("html!", "the COW data-set page; the CSV comes in "
                                           "kinne_dca.zip"),
    ("unga_ideal_points", "ideal_points"): ("404!", "a dataset DOI, not a datafile id: the "
                                                    "Dataverse access API answers 404"),
    ("lowy_gdi", "posts"): ("html!", "the GDI website; the data is an .xlsx download"),
    ("icews_sample", "events"): ("rda!", "icews data/icews_sample.rda; the mirror holds CSV"),
    ("cameo_codebook", "icews"): (FILE, "icews data-raw/cameo-codes.csv (mirror: mojibake "
                                        "repaired)"),
    ("cameo_codebook", "gdelt"): (FILE, "gdeltPyR cameoCodeTable.tsv"),
    **{("plover_codebook", key): ("rda!", f"rpolecat data/{key}.rda; the mirror holds CSV")
       for key in ("types", "modes", "contexts")},
    ("natural_earth", "countries"): ("topojson!", "world-atlas TopoJSON; the mirror holds it "
                                                  "decoded to GeoJSON"),
    ("us_troops", "troops"): (FILE, "troopdata-rebuild-country-year.csv, byte-for-byte"),
    ("us_troops", "bases"): (FILE, "troopdata basedata.csv, byte-for-byte"),
}
# Real copies of what the URL serves, where the mirror keeps them.
ORIGINALS = {
    ("unga_votes", "votes"): "unga_votes/original_rda/un_votes.rda",
    ("unga_votes", "roll_calls"): "unga_votes/original_rda/un_roll_calls.rda",
    ("unga_votes", "issues"): "unga_votes/original_rda/un_roll_call_issues.rda",
    ("jme_exercises", "jme"): "military_exercises_mme/jme_v3.xls",
    ("us_defense_visits", "visits"): "military_exercises_mme/us_defense_official_visits.xls",
    ("natural_earth", "countries"): "natural_earth_110m/countries-110m.json",
}
# The R object each peacesciencer .rda holds (what the parser looks for).
RDA_OBJECT = {("cow_nmc", "cow_nmc"): "cow_nmc", ("atop", "dyad_year"): "atop_alliance",
              ("cow_igo", "state_year"): "cow_igo_sy", ("cow_igo", "dyad_year"): "cow_igo_ndy"}
HTML = b"<!DOCTYPE html>\n<html><head><title>Database</title></head><body></body></html>\n"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _transport(bodies: dict[str, list[bytes | int]]) -> httpx.MockTransport:
    """Serve each URL's bodies in order (several raw files may share one URL); an int is an
    HTTP error status."""
    queues = {url: deque(items) for url, items in bodies.items()}

    def handler(request: httpx.Request) -> httpx.Response:
        queue = queues.get(str(request.url))
        if not queue:
            return httpx.Response(404, text="not served by this test")
        body = queue.popleft()
        return httpx.Response(body) if isinstance(body, int) else httpx.Response(200,
                                                                                 content=body)

    return httpx.MockTransport(handler)


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


_MIRROR_ROWS: dict[str, dict[str, tuple[int, list[str]]]] = {}


def _shape(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[int, list[str]]]:
    return {name: (len(frame), list(frame.columns)) for name, frame in tables.items()}


def _mirror_shape(name: str, mirror: Path, vocab: Vocabulary) -> dict[str, tuple[int, list[str]]]:
    if name not in _MIRROR_ROWS:
        module = sources.get(name)
        files = {raw.key: mirror / raw.mirror_path for raw in module.INFO.files}
        _MIRROR_ROWS[name] = _shape(module.parse(files, vocab))
    return _MIRROR_ROWS[name]


def _files(name: str) -> Iterator[RawFile]:
    yield from sources.get(name).INFO.files


def test_every_raw_file_says_what_its_url_serves():
    declared = {(name, raw.key) for name in NAMES for raw in _files(name)}
    assert declared == set(OFFICIAL)


@pytest.mark.parametrize("name", NAMES)
def test_download_path_matches_mirror(name, mirror, vocab, home):
    """Every source fetched through the transport: same bytes, URL origin, same tables."""
    bodies: dict[str, list[bytes | int]] = defaultdict(list)
    for raw in _files(name):
        bodies[raw.url].append((mirror / raw.mirror_path).read_bytes())
    fetched = sources.get(name).fetch(mirror=None, transport=_transport(bodies))
    for raw in _files(name):
        got = fetched[raw.key]
        assert got.origin == raw.url
        assert got.path.parent == home / "raw" / name
        assert got.sha256 == _sha((mirror / raw.mirror_path).read_bytes()) == _sha(
            got.path.read_bytes())
    assert [p.name for p in (home / "raw" / name).iterdir() if ".part" in p.name] == []
    tables = sources.get(name).parse({k: f.path for k, f in fetched.items()}, vocab)
    assert _shape(tables) == _mirror_shape(name, mirror, vocab)


def _rda(frame: pd.DataFrame, name: str, tmp: Path) -> bytes:
    import pyreadr

    path = tmp / f"{name}.rda"
    pyreadr.write_rdata(str(path), frame, df_name=name, compress="gzip")
    return path.read_bytes()


def _official_body(name: str, raw: RawFile, mirror: Path, tmp: Path) -> bytes | int:
    kind = OFFICIAL[(name, raw.key)][0]
    source = mirror / raw.mirror_path
    if (name, raw.key) in ORIGINALS:
        return (mirror / ORIGINALS[(name, raw.key)]).read_bytes()
    if kind == FILE:
        return source.read_bytes()
    if kind == "404!":
        return 404
    if kind == "html!":
        return HTML
    if source.suffix == ".parquet":
        frame = pd.read_parquet(source)
    else:
        frame = pd.read_csv(source, keep_default_na=False, na_values=["", "NA"])
    if kind == "rda":  # a frame the parser reads, as peacesciencer ships it
        return _rda(frame, RDA_OBJECT[(name, raw.key)], tmp)
    return _rda(frame.head(50), raw.key, tmp)  # "rda!": refused before its content is read


@pytest.mark.parametrize("name", NAMES)
def test_official_urls(name, mirror, vocab, home, tmp_path):
    """What each publisher's URL serves either parses like the mirror or fails clearly."""
    bodies: dict[str, list[bytes | int]] = defaultdict(list)
    for raw in _files(name):
        bodies[raw.url].append(_official_body(name, raw, mirror, tmp_path))
    kinds = {raw.key: OFFICIAL[(name, raw.key)][0] for raw in _files(name)}
    module = sources.get(name)
    missing = [raw for raw in _files(name) if kinds[raw.key] == "404!"]
    if missing:
        with pytest.raises(MirrorFileMissing) as caught:
            module.fetch(mirror=None, transport=_transport(bodies))
        assert str(caught.value).startswith(
            f"Could not download {missing[0].url} for {missing[0].key!r}: HTTP 404 Not Found.")
        assert f"pass --mirror DIR (or set $DEFDIP_MIRROR) to a folder holding " \
               f"{missing[0].mirror_path!r}" in str(caught.value)
        return
    fetched = module.fetch(mirror=None, transport=_transport(bodies))
    paths = {key: got.path for key, got in fetched.items()}
    if all(not kind.endswith("!") for kind in kinds.values()):
        assert _shape(module.parse(paths, vocab)) == _mirror_shape(name, mirror, vocab)
        return
    with pytest.raises(SourceFormatError) as caught:
        module.parse(paths, vocab)
    message = str(caught.value)
    refused = [key for key, kind in kinds.items() if kind.endswith("!")]
    assert any(message.startswith(f"{paths[key]}: is ") for key in refused), message
    assert message.endswith(MIRROR_FIX)


# ---- the download mechanics --------------------------------------------------------------

RAW = RawFile("demo", "demo_folder/demo.csv", "https://example.org/data/demo.csv")


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"),
                                                (500, "Internal Server Error")])
def test_http_error_names_url_and_mirror(tmp_path, status, reason):
    with pytest.raises(MirrorFileMissing) as caught:
        fetch_file(RAW, mirror=None, cache_dir=tmp_path,
                   transport=_transport({RAW.url: [status]}))
    assert str(caught.value) == (
        f"Could not download https://example.org/data/demo.csv for 'demo': HTTP {status} "
        f"{reason}. Without network, or where the publisher no longer serves the file, pass "
        "--mirror DIR (or set $DEFDIP_MIRROR) to a folder holding 'demo_folder/demo.csv'.")
    assert list(tmp_path.iterdir()) == []


class _Interrupted(httpx.SyncByteStream):
    """A body that breaks off after its first block, like a dropped connection."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"a,b\n1,2\n" * 1000
        raise httpx.ReadError("connection reset by peer")


def _interrupting(handler_body: Callable[[], httpx.SyncByteStream]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, stream=handler_body()))


def test_interrupted_download_leaves_no_partial_file(tmp_path):
    with pytest.raises(MirrorFileMissing) as caught:
        fetch_file(RAW, mirror=None, cache_dir=tmp_path, transport=_interrupting(_Interrupted))
    assert str(caught.value).startswith(
        "Could not download https://example.org/data/demo.csv for 'demo': ReadError: "
        "connection reset by peer. ")
    assert "--mirror DIR" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_download_keeps_the_cached_copy(tmp_path):
    good = fetch_file(RAW, mirror=None, cache_dir=tmp_path,
                      transport=_transport({RAW.url: [b"a,b\n1,2\n"]}))
    with pytest.raises(MirrorFileMissing):
        fetch_file(RAW, mirror=None, cache_dir=tmp_path, transport=_interrupting(_Interrupted))
    assert [p.name for p in tmp_path.iterdir()] == ["demo.csv"]
    assert _sha(good.path.read_bytes()) == good.sha256
