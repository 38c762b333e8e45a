"""Dyad-month and dyad-year aggregates, add_events, and the tension monitor's event balance.

Expected numbers are computed here independently: with pandas from the stored rows, or with
the csv module from the ICEWS sample itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from defdip.events import EVENT_SCHEMA, CameoBook, ReadContext
from defdip.events.aggregate import MEASURES, coverage, dyad_months, dyad_years
from defdip.store.events import EventStore

FIXTURES = Path(__file__).parent / "fixtures" / "events"


@pytest.fixture(scope="module")
def sample(tmp_path_factory, vocab, parse_source, mirror) -> EventStore:
    """The real ICEWS sample (.tab) loaded into a dataset of its own."""
    records = parse_source("cameo_codebook")["cameo_codes"].to_dict("records")
    context = ReadContext(vocab, {f: CameoBook.from_rows(records, f) for f in ("icews",
                                                                               "gdelt")})
    dataset = EventStore(tmp_path_factory.mktemp("sample") / "events")
    dataset.load([mirror / "icews_events_sample" / "events.2018.sample.tab"], context)
    return dataset


def _made(root: Path, rows: list[dict]) -> EventStore:
    """A dataset written by hand: rows of the event schema, one part per month."""
    frame = pd.DataFrame(rows)
    for column in EVENT_SCHEMA.names:
        if column not in frame:
            frame[column] = None
    frame["month"] = frame["event_date"].map(lambda d: d.strftime("%Y-%m"))
    for month, part in frame.groupby("month"):
        table = pa.Table.from_pandas(part[list(EVENT_SCHEMA.names)], schema=EVENT_SCHEMA,
                                     preserve_index=False)
        (root / f"month={month}").mkdir(parents=True)
        pq.write_table(table, root / f"month={month}" / "part-0.parquet")
    return EventStore(root)


def _event(day: str, one: int | None, two: int | None, quad: int, goldstein: float | None,
           *, sectors: tuple[str | None, str | None] = ("government", "government")) -> dict:
    return {"event_source": "test", "event_id": f"{day}-{one}-{two}-{quad}",
            "event_date": dt.date.fromisoformat(day), "source_ccode": one, "target_ccode": two,
            "source_sector": sectors[0], "target_sector": sectors[1], "code": str(quad),
            "quad_class": quad, "goldstein": goldstein}


def test_empty_months_are_explicit_and_coverage_is_declared(tmp_path):
    dataset = _made(tmp_path / "events", [
        _event("2018-05-02", 640, 365, 1, 1.0), _event("2018-05-09", 640, 365, 4, -10.0),
        _event("2018-07-01", 350, 640, 3, -2.0),
        _event("2018-07-01", 640, 350, 2, None),  # an event without intensity (PLOVER crime)
        _event("2018-07-03", 640, 2, 1, 3.0, sectors=("government", None)),  # US non-state
        _event("2018-07-04", 640, 640, 1, 1.0),  # domestic: not a dyad
    ])
    table = dataset.table(ibis.duckdb.connect())
    cover = coverage(table).execute().sort_values("month")
    assert cover[["year", "month", "days_covered", "events_all"]].values.tolist() == [
        [2018, 5, 2, 2], [2018, 7, 3, 4]]  # June holds no event: not covered
    months = dyad_months(table).execute().sort_values(["ccode_1", "ccode_2", "month"])
    assert list(months.columns) == ["ccode_1", "ccode_2", "year", "month", "days_covered",
                                    *MEASURES]
    # 3 dyads seen x 2 covered months; June has no row at all
    assert months[["ccode_1", "ccode_2", "month", "events"]].values.tolist() == [
        [350, 640, 5, 0], [350, 640, 7, 1], [640, 350, 5, 0], [640, 350, 7, 1],
        [640, 365, 5, 2], [640, 365, 7, 0]]
    row = months.set_index(["ccode_1", "ccode_2", "month"])
    assert row.loc[(640, 365, 5), ["verbal_coop", "material_conflict", "net_coop"]].tolist() \
        == [1, 1, 0]
    assert row.loc[(640, 365, 5), "goldstein_mean"] == -4.5
    assert row.loc[(640, 365, 7), "goldstein_sum"] == 0 and \
        pd.isna(row.loc[(640, 365, 7), "goldstein_mean"])
    assert pd.isna(row.loc[(640, 350, 7), "goldstein_mean"])  # its one event has none
    undirected = dyad_months(table, directed=False).execute()
    assert sorted(map(tuple, undirected[["ccode_1", "ccode_2"]].drop_duplicates().values)) == [
        (350, 640), (365, 640)]
    assert undirected.query("ccode_1 == 350 and month == 7")["events"].item() == 2
    years = dyad_years(table).execute().set_index(["ccode_1", "ccode_2"])
    assert years.loc[(640, 365), ["months_covered", "days_covered", "events"]].tolist() == [
        2, 5, 2]


def test_dyad_months_of_the_icews_sample(sample):
    table = sample.table(ibis.duckdb.connect())
    months = dyad_months(table).execute()
    rows = pq.ParquetDataset(sample.parts()).read().to_pandas()
    state = rows[rows.source_sector.notna() & rows.target_sector.notna()
                 & rows.source_ccode.notna() & rows.target_ccode.notna()
                 & (rows.source_ccode != rows.target_ccode)]
    expected = state.groupby(["source_ccode", "target_ccode"]).agg(
        events=("quad_class", "size"), conflict=("quad_class", lambda q: int((q >= 3).sum())),
        goldstein_sum=("goldstein", "sum")).reset_index()
    got = months.set_index(["ccode_1", "ccode_2"]).sort_index()
    want = expected.set_index(["source_ccode", "target_ccode"]).sort_index()
    assert len(got) == len(want) > 300  # one covered month: one row per dyad seen
    assert got["events"].tolist() == want["events"].tolist()
    assert (got["verbal_conflict"] + got["material_conflict"]).tolist() == \
        want["conflict"].tolist()
    assert got["goldstein_sum"].round(6).tolist() == want["goldstein_sum"].round(6).tolist()
    assert int(months["events"].sum()) == len(state)
    assert set(months["days_covered"]) == {2}  # the .tab holds 1-2 June 2018


def _turkey_balance(mirror: Path) -> dict[str, int]:
    """Interstate events between Türkiye's state actors and another state's in the .tab,
    deduplicated by (day, source, target, code, story), counted by partner with csv."""
    def state(name: str, sectors: str, country: str) -> bool:
        return country not in ("", "NA") and (
            bool({"Government", "Military"} & set(sectors.split(",")))
            or name in (country, "Turkey", "Russia"))

    path = mirror / "icews_events_sample" / "events.2018.sample.tab"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    seen, counts = set(), {}
    for r in rows:
        key = (r["Event Date"], r["Source Name"], r["Target Name"], r["CAMEO Code"],
               r["Story ID"])
        countries = {r["Source Country"], r["Target Country"]}
        if key in seen or "Turkey" not in countries or len(countries) != 2:
            continue
        seen.add(key)
        if state(r["Source Name"], r["Source Sectors"], r["Source Country"]) and \
                state(r["Target Name"], r["Target Sectors"], r["Target Country"]):
            partner = (countries - {"Turkey"}).pop()
            counts[partner] = counts.get(partner, 0) + 1
    return counts


def test_tension_shows_the_june_2018_balance(loaded_store, sample, mirror):
    from defdip.analysis import tension_monitor

    result = tension_monitor(loaded_store, "TUR", year=2018, events=sample)
    months = result.events.months
    assert set(zip(months["year"], months["month"], strict=True)) == {(2018, 6)}
    got = dict(zip(months["name_2"], months["events"], strict=True))
    expected = _turkey_balance(mirror)
    assert expected == {"Russian Federation": 15, "Georgia": 7, "Syria": 2, "Armenia": 1}
    assert got == {"Russia": 15, "Georgia": 7, "Syria": 2, "Armenia": 1}
    armenia = months.set_index("iso3_2").loc["ARM"]
    assert (armenia["verbal_conflict"], armenia["net_coop"], armenia["goldstein_mean"]) == \
        (1, -1, -2.0)  # README: Armenia → Turkey "Accuse" (112, −2.0)
    assert "months covered in 2018–2018: 2018-06" in result.events.note
    signal = result.dyad_years.set_index("iso3_2")
    assert signal.loc["ARM", "events_conflictual"] == 1 and \
        signal.loc["RUS", "events_conflictual"] == 0
    other = tension_monitor(loaded_store, "TUR", year=2016, events=sample)
    assert other.events.months.empty
    assert other.events.note == ("Event balance: no loaded event file covers 2016–2016 "
                                 "(covered months: 2018-06).")


def test_tension_says_when_no_event_data_exist(loaded_store, tmp_path):
    from defdip.analysis import tension_monitor

    result = tension_monitor(loaded_store, "TUR", year=2018,
                             events=EventStore(tmp_path / "none"))
    assert result.events.months.empty and "events_n" not in result.dyad_years
    assert result.events.note == (
        f"Event balance: no event data loaded ({tmp_path / 'none'} is empty); load ICEWS, "
        "GDELT or POLECAT files with `defdip events load FILE…`. (The store's icews_events "
        "table, from source icews_sample, is not read here: load the sample's .tab with "
        "`defdip events load`.)")


def test_add_events_keeps_rows_and_nulls_uncovered_years(loaded_store, sample):
    from defdip.panels import add_events, create_dyad_years

    panel = create_dyad_years(loaded_store, start=2017, end=2018)
    added = add_events(panel, events=sample)
    frame = added.to_pandas()
    assert len(frame) == panel.count()
    assert not frame.duplicated(["ccode_1", "ccode_2", "year"]).any()
    before, covered = frame[frame.year == 2017], frame[frame.year == 2018]
    assert before["ev_n"].isna().all() and before["ev_months"].isna().all()
    assert covered["ev_n"].notna().all() and set(covered["ev_months"]) == {1}
    years = dyad_years(sample.table(ibis.duckdb.connect())).execute()
    pair = years.set_index(["ccode_1", "ccode_2"]).loc[(640, 365)]
    row = covered.set_index(["ccode_1", "ccode_2"]).loc[(640, 365)]
    assert (row["ev_n"], row["ev_net_coop"]) == (pair["events"], pair["net_coop"])
    assert row["ev_goldstein_mean"] == pytest.approx(pair["goldstein_mean"])
    quiet = covered[covered.ev_n == 0]
    assert len(quiet) > 0 and quiet["ev_goldstein_mean"].isna().all()
    assert "events" in added.sources


def test_cli_load_status_and_tension(loaded_store, mirror, tmp_path):
    import zipfile

    from defdip.cli import app

    loaded_store.close()  # the CLI opens the file read-only; one mode per process
    events = tmp_path / "events"
    gdelt = tmp_path / "20180601001500.export.CSV.zip"
    with zipfile.ZipFile(gdelt, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(FIXTURES / "20180601001500.export.CSV", "20180601001500.export.CSV")
    runner = CliRunner()
    common = ["--store", str(loaded_store.path), "--events", str(events)]
    out = runner.invoke(app, ["events", "load", str(FIXTURES / "icews_bad_rows.tab"), str(gdelt),
                              str(FIXTURES / "polecat_ngec_2023_06.txt"), *common])
    assert out.exit_code == 0, out.output
    flat = " ".join(out.output.split())  # the console wraps long lines
    assert "bad row: icews_bad_rows.tab, line 7, column 'Event Date': '2018-06-31' is not " \
           "a date" in flat
    assert "… 2 more bad rows of icews_bad_rows.tab: all are in" in flat
    assert "bad row: 20180601001500.export.CSV.zip, line 6, column 'EventCode'" in flat
    assert "note: 20180601001500.export.CSV.zip: 1 rows: published QuadClass differs" in flat
    out = runner.invoke(app, ["events", "load", str(mirror / "icews_events_sample" /
                                                    "events.2018.sample.tab"), *common,
                              "--json"])
    assert json.loads(out.output)[0] | {"rejects": None} == {
        "file": "events.2018.sample.tab", "status": "loaded", "format": "icews", "rows": 3705,
        "bad": 0, "duplicates": 80, "stored": 3625, "notes": {}, "rejects": None}
    status = json.loads(runner.invoke(app, ["events", "status", *common, "--json"]).output)
    assert status["months"] == ["2018-05", "2018-06", "2018-07", "2023-06", "2023-07"]
    assert [(f["file"], f["bad"], f["duplicates"]) for f in status["files"]] == [
        ("icews_bad_rows.tab", 7, 1), ("20180601001500.export.CSV.zip", 4, 1),
        ("polecat_ngec_2023_06.txt", 3, 1), ("events.2018.sample.tab", 0, 80)]
    out = runner.invoke(app, ["tension", "TUR", "--year", "2018", *common])
    assert out.exit_code == 0, out.output
    assert "Event balance of Türkiye by partner and month" in out.output
    assert "months covered in 2018–2018: 2018-05, 2018-06, 2018-07" in \
        " ".join(out.output.split())
    target = tmp_path / "dm.parquet"
    out = runner.invoke(app, ["events", "aggregate", "--out", str(target), *common, "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["rows"] == len(pd.read_parquet(target))


def test_a_cached_panel_job_notices_the_event_files(loaded_store, sample, tmp_path):
    """`defdip panel … --add events --out x.parquet` reuses compiled SQL; the cache asks how
    many event files there are, so loads and removals are seen."""
    import shutil

    from defdip.panels import write_panel
    from defdip.store import Store
    from defdip.store.events import NoEventData

    small = Store(tmp_path / "defdip.duckdb")
    small.replace_tables({t: loaded_store.table(t) for t in ("cow_system", "cow_states")},
                         owner="cow_states")
    shutil.copytree(sample.root, tmp_path / "events")
    first = write_panel(small, unit="dyad_year", start=2018, end=2018, add="events",
                        out=tmp_path / "a.parquet")
    again = write_panel(small, unit="dyad_year", start=2018, end=2018, add="events",
                        out=tmp_path / "b.parquet")
    assert first.rows == again.rows and "ev_n" in again.columns
    assert pd.read_parquet(tmp_path / "a.parquet").equals(pd.read_parquet(tmp_path / "b.parquet"))
    for part in EventStore(tmp_path / "events").parts():
        part.unlink()
    with pytest.raises(NoEventData):
        write_panel(small, unit="dyad_year", start=2018, end=2018, add="events",
                    out=tmp_path / "c.parquet")
    small.close()
