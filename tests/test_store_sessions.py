"""Readers and writers in separate processes never get in each other's way, and a write that
fails leaves the store as it was (defdip.store.session)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from defdip.errors import DefdipError, NoStore
from defdip.store import Store
from defdip.store.session import reading, writing

WRITER = """
import sys, time
import pandas as pd
from defdip.store.session import writing
with writing(sys.argv[1]) as store:
    store.replace_tables({"t": pd.DataFrame({"x": [1, 2, 3]})}, owner="test")
    print("writing", flush=True)
    time.sleep(float(sys.argv[2]))
"""
READER = """
import sys, time
from defdip.store.session import reading
with reading(sys.argv[1]) as store:
    print(store.rows("SELECT count(*) AS n FROM t")[0]["n"], flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _seed(path: Path) -> None:
    with writing(path) as store:
        store.replace_tables({"t": pd.DataFrame({"x": [1]})}, owner="test")


def _start(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_load_and_reads_run_at_once(tmp_path: Path) -> None:
    path = tmp_path / "defdip.duckdb"
    _seed(path)
    writer = _start(WRITER, str(path), "4")
    assert writer.stdout.readline().strip() == "writing"  # the write is under way
    # While it writes, readers in other processes open the store and read the old version.
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", READER, str(path), "0"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "1"
    assert writer.wait(timeout=60) == 0, writer.stderr.read()
    with reading(path) as store:  # the write landed whole
        assert store.rows("SELECT count(*) AS n FROM t")[0]["n"] == 3


def test_a_reader_never_makes_a_load_fail(tmp_path: Path) -> None:
    path = tmp_path / "defdip.duckdb"
    _seed(path)
    reader = _start(READER, str(path), "6")
    assert reader.stdout.readline().strip() == "1"  # the reader holds the store open
    done = subprocess.run([sys.executable, "-c", WRITER, str(path), "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert reader.wait(timeout=60) == 0, reader.stderr.read()
    with reading(path) as store:
        assert store.rows("SELECT count(*) AS n FROM t")[0]["n"] == 3


def test_two_writers_run_one_after_the_other(tmp_path: Path) -> None:
    path = tmp_path / "defdip.duckdb"
    _seed(path)
    started = time.monotonic()
    first = _start(WRITER, str(path), "2")
    assert first.stdout.readline().strip() == "writing"
    second = subprocess.run([sys.executable, "-c", WRITER, str(path), "0"],
                            capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert first.wait(timeout=60) == 0
    assert time.monotonic() - started >= 2  # the second waited for the first's lock


def test_a_failed_write_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "defdip.duckdb"
    _seed(path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="boom"), writing(path) as store:
        store.replace_tables({"t": pd.DataFrame({"x": [7, 8]})}, owner="test")
        raise RuntimeError("boom")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["defdip.duckdb", "defdip.duckdb.lock"]


def test_reading_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(NoStore, match=r"No store at .*missing\.duckdb.*Run `defdip load` to "
                                      r"create and fill it"), \
            reading(tmp_path / "missing.duckdb") as store:
        store.tables()
    assert not (tmp_path / "missing.duckdb").exists()  # reading created nothing
    with pytest.raises(DefdipError, match="is a folder"), reading(tmp_path):
        pass


def test_the_vocabulary_comes_from_the_store(tmp_path: Path, mirror: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """After a load, reading commands need neither the mirror nor the reference-file cache."""
    path = tmp_path / "defdip.duckdb"
    with writing(path) as store:
        store.load_source("country_codes", mirror=mirror)
    monkeypatch.setenv("DEFDIP_MIRROR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "empty-home"))
    with reading(path) as store:
        vocab = store.vocabulary()
        assert vocab.resolve("Türkiye").ccode == 640
        assert vocab.resolve("Namibia").iso3 == "NAM"
    assert not (tmp_path / "empty-home").exists()


def test_library_store_still_writes_directly(tmp_path: Path) -> None:
    """A library user's own Store keeps writing in place (one process, no session)."""
    store = Store(tmp_path / "own.duckdb")
    store.replace_tables({"t": pd.DataFrame({"x": [1]})}, owner="test")
    assert store.rows("SELECT x FROM t") == [{"x": 1}]
    store.close()
