"""Output files (panels, record exports, briefs) are written whole or not at all: a write that
fails part-way leaves the file an earlier run wrote exactly as it was, and no stray pieces."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from defdip.paths import replacing

VALID = Path(__file__).parent / "fixtures" / "engagements_valid.yaml"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def test_replacing_swaps_in_the_new_file_with_the_usual_permissions(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with replacing(target) as partial:
        assert partial.parent == tmp_path and partial.suffix == ".csv" and partial != target
        assert target.read_text() == "old\n"  # the old file stays readable during the write
        partial.write_text("new\n")
    assert target.read_text() == "new\n"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask  # not mkstemp's 0600
    assert _leftovers(tmp_path) == []


def test_replacing_keeps_the_old_file_when_the_write_fails(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError, match="disk full"), replacing(target) as partial:
        partial.write_text("half a fi")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_replacing_creates_the_folder(tmp_path):
    target = tmp_path / "new" / "folder" / "out.json"
    with replacing(target) as partial:
        partial.write_text("{}")
    assert target.read_text() == "{}"


def test_a_failed_panel_write_leaves_the_earlier_file(loaded_store, tmp_path, monkeypatch):
    from defdip.panels import build
    from defdip.store import compiled_panels

    out = tmp_path / "dyads.parquet"
    first = build.write_panel(loaded_store, unit="dyad_year", start=1990, end=1991,
                              add="majors", out=out, cache=False)
    before = out.read_bytes()
    assert pq.ParquetFile(out).metadata.num_rows == first.rows

    def broken(con, sql, path):  # writes a few bytes, then fails like a full disk would
        Path(path).write_bytes(b"PAR1 partial")
        raise OSError("No space left on device")

    monkeypatch.setattr(compiled_panels, "copy_parquet", broken)  # every Parquet write goes here
    with pytest.raises(OSError, match="No space"):
        build.write_panel(loaded_store, unit="dyad_year", start=1990, end=2000, add="majors",
                          out=out, cache=False)
    assert out.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_a_failed_export_leaves_the_earlier_export(store, vocab, tmp_path, monkeypatch):
    from defdip.engagements import add_records, export_records, fileio

    add_records(store, vocab, VALID)
    out = tmp_path / "records.yaml"
    assert export_records(store, out)["records"] == 3  # engagements_valid.yaml holds three records
    before = out.read_text()

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(fileio.yaml, "safe_dump", broken)
    with pytest.raises(OSError, match="No space"):
        export_records(store, out)
    assert out.read_text() == before
    assert _leftovers(tmp_path) == []
