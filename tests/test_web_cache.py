"""Caches never serve a stale figure: a load changes the vintage, every ETag and every cached
response; a result is computed once however many ask at once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pandas as pd
from fastapi.testclient import TestClient

from defdip.service.cache import Memo, known_vintage, vintage
from defdip.service.context import Context
from defdip.store.session import writing
from defdip.web import create_app

URL = "/api/v1/panels/columns?unit=state_year"


def fresh_vintage(path) -> str:
    """The store's vintage read by another process (this one may hold connections to an
    older version of the file, and DuckDB would hand that version back)."""
    code = ("import sys; from defdip.store import Store; "
            "print(Store(sys.argv[1], read_only=True).vintage())")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout.strip()


def _load(path, rows: int) -> None:
    with writing(path) as staged:  # as `defdip load` does: a copy swapped in whole
        staged.replace_tables({"t": pd.DataFrame({"x": range(rows)})}, owner="test")


def test_a_load_changes_the_vintage_every_etag_and_the_cached_answers(tmp_path):
    path = tmp_path / "defdip.duckdb"
    _load(path, 1)
    client = TestClient(create_app(path))
    first = client.get(URL)
    assert first.headers["x-defdip-vintage"] == first.json()["vintage"] == fresh_vintage(path)
    etag = first.headers["etag"]
    assert client.get(URL, headers={"if-none-match": etag}).status_code == 304
    _load(path, 2)  # a load while the server runs
    second = client.get(URL, headers={"if-none-match": etag})
    assert second.status_code == 200
    assert second.json()["vintage"] == fresh_vintage(path) != first.json()["vintage"]
    assert second.headers["etag"] != etag


def test_the_vintage_is_read_once_per_version_of_the_file(tmp_path):
    path = tmp_path / "defdip.duckdb"
    _load(path, 1)
    ctx = Context(path)
    before = vintage(ctx)
    assert known_vintage(ctx) == before  # now one stat answers
    _load(path, 3)
    assert known_vintage(ctx) is None  # a new file: must be read again
    assert vintage(ctx) != before
    assert known_vintage(Context(tmp_path / "missing.duckdb")) == "none"


def test_memo_computes_each_key_once_under_concurrency():
    memo, calls = Memo(size=2), []

    def compute() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    threads = [threading.Thread(target=memo.get, args=("k", compute)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and memo.get("k", compute) == 42
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)  # bounded: the least recently used key goes
    assert len(memo) == 2 and memo.get("k", lambda: 0) == 0


def test_after_a_load_every_read_sees_the_new_data(tmp_path):
    """DuckDB shares one database per file within a process: while any connection to the
    old file is open, opening the path again gives the old data. The server's pooled
    connections must therefore all let go of the old version before one opens the new."""
    path = tmp_path / "defdip.duckdb"
    _load(path, 1)
    client = TestClient(create_app(path))
    for _ in range(3):  # worker threads now hold pooled connections to this version
        assert client.get("/api/v1/sources").status_code == 200
    _load(path, 5)
    expected = fresh_vintage(path)
    body = client.get("/api/v1/sources").json()
    assert body["vintage"] == expected
    assert client.get("/api/v1/sources").headers["x-defdip-vintage"] == expected


def test_a_reader_in_flight_finishes_on_its_version_and_the_next_sees_the_new(tmp_path):
    from defdip.service.context import Context

    path = tmp_path / "defdip.duckdb"
    _load(path, 1)
    ctx = Context(path, pooled=True)
    seen: dict[str, int] = {}
    inside, release = threading.Event(), threading.Event()

    def long_reader() -> None:
        with ctx.reading() as store:
            store.rows("SELECT 1")  # connected to this version
            inside.set()
            release.wait(10)
            seen["old"] = store.rows("SELECT count(*) AS n FROM t")[0]["n"]

    thread = threading.Thread(target=long_reader)
    thread.start()
    inside.wait(10)
    _load(path, 7)

    def new_reader() -> None:
        with ctx.reading() as store:
            seen["new"] = store.rows("SELECT count(*) AS n FROM t")[0]["n"]

    other = threading.Thread(target=new_reader)
    other.start()
    time.sleep(0.2)
    release.set()
    thread.join(10)
    other.join(10)
    assert seen == {"old": 1, "new": 7}


def _held_store_files(path) -> list[str]:
    """The files this process holds open whose path is the store's (Linux: /proc/self/fd);
    an old store file swapped out by a load shows as '<path> (deleted)'."""
    import os

    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(path)) and not target.endswith((".lock", ".wal")):
            held.append(target)
    return held


def test_after_a_load_the_server_lets_go_of_the_old_file(tmp_path):
    """A long-running server keeps read-only connections per thread; `defdip load` renames a
    new file over the store. The next request notices (inode, size, mtime changed), closes
    every connection to the old file — no descriptor of the swapped-out file stays open —
    and answers from the new one."""
    from defdip.store.pool import open_connections

    path = tmp_path / "defdip.duckdb"
    _load(path, 1)
    client = TestClient(create_app(path))
    for _ in range(3):
        assert client.get("/api/v1/sources").status_code == 200
    assert open_connections(path) >= 1
    assert _held_store_files(path) and not any(
        f.endswith("(deleted)") for f in _held_store_files(path))
    _load(path, 4)
    assert any(f.endswith("(deleted)") for f in _held_store_files(path))  # still the old one
    assert client.get("/api/v1/sources").json()["vintage"] == fresh_vintage(path)
    held = _held_store_files(path)
    assert held and not any(f.endswith("(deleted)") for f in held), held


def test_service_results_are_cached_by_data_vintage(tmp_path):
    """``service.cache.memo`` keys a result by (question, vintage): the same question after a
    load is computed again on the new data, never served from the old."""
    from defdip.service.cache import memo

    path = tmp_path / "defdip.duckdb"
    _load(path, 2)
    ctx = Context(path, pooled=True)

    def count() -> int:
        with ctx.reading() as store:
            return int(store.table("t")["x"].count())

    assert memo(ctx, "rows of t", "", count) == 2
    assert memo(ctx, "rows of t", "", lambda: -1) == 2  # same data: the cached answer
    _load(path, 6)
    assert memo(ctx, "rows of t", "", count) == 6
