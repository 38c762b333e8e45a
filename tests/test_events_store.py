"""The event dataset: month partitions, idempotent appends, duplicates removed and counted,
bad rows kept in a rejects file, and a failed batch that writes nothing."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from defdip.errors import InvalidArgument, SourceFormatError
from defdip.events import CameoBook, ReadContext
from defdip.store.events import EventStore, NoEventData

FIXTURES = Path(__file__).parent / "fixtures" / "events"


@pytest.fixture(scope="module")
def context(vocab, parse_source) -> ReadContext:
    records = parse_source("cameo_codebook")["cameo_codes"].to_dict("records")
    return ReadContext(vocab, {f: CameoBook.from_rows(records, f) for f in ("icews", "gdelt")})


def _rows(dataset: EventStore) -> list[tuple]:
    table = pq.ParquetDataset(dataset.parts()).read().to_pandas()
    return sorted(map(tuple, table[["event_source", "event_id", "event_date", "code",
                                    "line"]].astype(str).to_numpy()))


def _independent_duplicates(path: Path) -> int:
    """Rows minus distinct (day, source, target, code, story), counted with csv."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    keys = {(r["Event Date"], r["Source Name"], r["Target Name"], r["CAMEO Code"].zfill(3),
             r["Story ID"]) for r in rows}
    return len(rows) - len(keys)


def test_icews_sample_loads_once(mirror, context, tmp_path):
    tab = mirror / "icews_events_sample" / "events.2018.sample.tab"
    dataset = EventStore(tmp_path / "events")
    with pytest.raises(NoEventData) as caught:
        dataset.table(None)
    assert "`defdip events load FILE…`" in str(caught.value)
    [first] = dataset.load([tab], context)
    assert (first.status, first.rows, len(first.bad)) == ("loaded", 3705, 0)
    assert first.duplicates == _independent_duplicates(tab) == 80
    assert first.stored == 3705 - 80
    assert dataset.months() == ["2018-06"]
    assert [p.parent.name for p in dataset.parts()] == ["month=2018-06"]
    before = _rows(dataset)
    assert len(before) == 3625
    [again] = dataset.load([tab], context)  # the same file: nothing read, nothing written
    assert again.status == "unchanged" and _rows(dataset) == before
    [forced] = dataset.load([tab], context, force=True)  # read again: all stored already
    assert (forced.duplicates, forced.stored) == (3705, 0) and _rows(dataset) == before
    assert [entry["file"] for entry in dataset.loads()] == ["events.2018.sample.tab"]


def test_the_cleaned_csv_adds_what_the_tab_lacks(mirror, context, tmp_path):
    """icews_sample.csv holds the .tab's 3,705 event ids plus 1,288 from 3 June (README).
    Two of the shared events name an actor differently ('Gen Prayut Chan-o-cha' in the CSV,
    'Prayut Chan-o-cha' in the .tab), so by the key they are different events."""
    dataset = EventStore(tmp_path / "events")
    folder = mirror / "icews_events_sample"
    tab, extra = dataset.load([folder / "events.2018.sample.tab",
                               folder / "icews_sample.csv"], context)
    assert tab.stored == 3625 and extra.rows == 4993
    with (folder / "events.2018.sample.tab").open(encoding="utf-8") as handle:
        seen = {(r["Event Date"], r["Source Name"], r["Target Name"], r["CAMEO Code"].zfill(3),
                 r["Story ID"]) for r in csv.DictReader(handle, delimiter="\t",
                                                         quoting=csv.QUOTE_NONE)}
    with (folder / "icews_sample.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keys = {(r["event_date"], r["source_name"], r["target_name"], r["cameo_code"],
             r["story_id"]) for r in rows}
    new = keys - seen
    assert extra.stored == len(new) == 1254
    assert sum(k[0] != "2018-06-03" for k in new) == 2
    assert extra.duplicates == 4993 - len(new)


def test_bad_rows_go_to_the_rejects_file(context, tmp_path):
    dataset = EventStore(tmp_path / "events")
    [result] = dataset.load([FIXTURES / "icews_bad_rows.tab"], context)
    assert (result.rows, len(result.bad), result.duplicates, result.stored) == (14, 7, 1, 6)
    with result.rejects.open(newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert [int(r["line"]) for r in rejects] == [7, 8, 9, 10, 11, 12, 15]
    assert rejects[0]["problem"] == "'2018-06-31' is not a date (YYYY-MM-DD)"
    assert rejects[0]["text"].startswith("1006\t2018-06-31\tTurkey")
    assert dataset.months() == ["2018-06", "2018-07"]
    entry = json.loads((dataset.root / "_loads.json").read_text())[0]
    assert (entry["bad"], entry["duplicates"], entry["stored"]) == (7, 1, 6)


def test_a_truncated_zip_fails_the_batch_and_writes_nothing(context, tmp_path):
    good = tmp_path / "20180601001500.export.CSV.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(FIXTURES / "20180601001500.export.CSV", "20180601001500.export.CSV")
    cut = tmp_path / "20180601003000.export.CSV.zip"
    cut.write_bytes(good.read_bytes()[:300])
    dataset = EventStore(tmp_path / "events")
    with pytest.raises(SourceFormatError) as caught:
        dataset.load([good, cut], context)
    assert str(caught.value).startswith(f"{cut}: is not a complete zip archive")
    assert dataset.parts() == [] and dataset.loads() == []
    assert not list((dataset.root / "_staging").glob("*"))
    [one] = dataset.load([good], context)
    assert (one.events, one.duplicates, one.stored) == (9, 1, 8)
    assert dataset.months() == ["2018-05", "2018-06"]


def test_polecat_and_gdelt_share_the_dataset(context, tmp_path):
    dataset = EventStore(tmp_path / "events")
    gdelt = tmp_path / "20180601001500.export.CSV"
    shutil.copyfile(FIXTURES / "20180601001500.export.CSV", gdelt)
    results = dataset.load([gdelt, FIXTURES / "polecat_ngec_2023_06.txt"], context)
    assert [(r.format, r.stored, r.duplicates) for r in results] == [("gdelt", 8, 1),
                                                                     ("polecat", 7, 1)]
    assert dataset.months() == ["2018-05", "2018-06", "2023-06", "2023-07"]


def test_the_same_name_twice_is_refused(context, tmp_path):
    copy = tmp_path / "elsewhere" / "icews_bad_rows.tab"
    copy.parent.mkdir()
    shutil.copyfile(FIXTURES / "icews_bad_rows.tab", copy)
    with pytest.raises(InvalidArgument) as caught:
        EventStore(tmp_path / "events").load([FIXTURES / "icews_bad_rows.tab", copy], context)
    assert str(caught.value).startswith("['icews_bad_rows.tab'] named twice in one load")


def test_the_dataset_lives_beside_the_store(store, tmp_path):
    assert EventStore.beside(store).root == tmp_path / "events"
    assert EventStore.for_backend(store.ibis()).root == tmp_path / "events"
