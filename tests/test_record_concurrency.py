"""Many writers at once, and writers (or the server) killed mid-burst: no acknowledged write
is lost and no write is left half done — against real PostgreSQL servers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest

from defdip.errors import StaleVersion
from defdip.store.postgres import PostgresStore
from pg_writer import BATCH
from pgserver import PgServer, drop_database, fresh_database, start_server

WRITER = Path(__file__).with_name("pg_writer.py")
RECORD = {"kind": "exercise", "name": "Counter", "natural_key": "counter|2024",
          "classification": "RESTRICTED", "owner_nation": "TUR", "releasable_to": ["NATO"],
          "personnel": 0}
ACTORS = [{"iso3": "TUR", "ccode": 640, "label": "Türkiye", "role": "host"}]


def _editor(url: str) -> tuple[PostgresStore, int]:
    store = PostgresStore(url, pool_size=12)
    uid = store.add_user("writer", nationality="TUR", clearance="SECRET", groups=["NATO"])
    store.set_grant("writer", "editor", "*")
    return store, uid


def test_concurrent_editors_lose_no_update(pg_db):
    """Eight editors each add 1 to one record's personnel ten times, re-reading on 412: the
    record ends at 80, version 81, with 81 versions and 81 audit rows."""
    store, uid = _editor(pg_db.app_url)
    who = store.principal_of(uid)
    store.create_record("counter000000001", RECORD, ACTORS, principal=who)
    conflicts = []

    def editor() -> None:
        done = 0
        while done < 10:
            current = store.get_record("counter000000001", principal=who)
            row = {**RECORD, "personnel": current["personnel"] + 1}
            try:
                store.update_record("counter000000001", current["version"], row, ACTORS,
                                    principal=who)
                done += 1
            except StaleVersion:
                conflicts.append(1)

    threads = [threading.Thread(target=editor) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = store.get_record("counter000000001", principal=who)
    assert (final["personnel"], final["version"]) == (80, 81)
    assert len(store.record_history("counter000000001", principal=who)) == 81
    with psycopg.connect(pg_db.admin_url) as conn:
        audited = conn.execute("SELECT count(*) FROM defdip.audit WHERE record_id = %s",
                               ["counter000000001"]).fetchone()[0]
    assert audited == 81
    assert conflicts  # they did collide: the 412 path ran


def _burst(url: str, uid: int, until: int) -> tuple[subprocess.Popen, list[dict]]:
    """Start a writer and read its acknowledgements until ``until`` batches are in."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, str(WRITER), url, str(uid)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acks: list[dict] = []
    assert child.stdout is not None
    while sum("batch" in a for a in acks) < until:
        line = child.stdout.readline()
        if not line:
            raise AssertionError(f"the writer stopped: {child.stderr.read()}")  # type: ignore
        acks.append(json.loads(line))
    return child, acks


def _check(admin_url: str, acks: list[dict]) -> None:
    """Every acknowledged write is there; every batch is whole or absent; every record's
    versions, actors and audit rows agree with it."""
    with psycopg.connect(admin_url) as conn:
        rows = {r[0]: r[1:] for r in conn.execute(
            "SELECT id, natural_key, version, notes, jsonb_array_length(actors), "
            "(SELECT count(*) FROM defdip.engagement_actors a WHERE a.engagement_id = e.id), "
            "(SELECT count(*) FROM defdip.engagement_versions v WHERE v.id = e.id), "
            "(SELECT max(version) FROM defdip.engagement_versions v WHERE v.id = e.id), "
            "(SELECT count(*) FROM defdip.audit a WHERE a.record_id = e.id) "
            "FROM defdip.engagements e")}
        versions = dict(((r[0], r[1]), r[2]) for r in conn.execute(
            "SELECT id, version, record ->> 'notes' FROM defdip.engagement_versions"))
    for ack in acks:
        if "batch" in ack:
            assert all(i in rows for i in ack["ids"]), ack
        else:
            assert versions[(ack["updated"], ack["version"])] == ack["notes"], ack
    batches: dict[str, int] = {}
    for natural_key, *_ in rows.values():
        batch = natural_key.rsplit(" ", 1)[0]
        batches[batch] = batches.get(batch, 0) + 1
    assert set(batches.values()) == {BATCH}, batches
    for record_id, (_, version, _, actors, actor_rows, count, last, audited) in rows.items():
        assert actors == actor_rows == 2, record_id
        assert count == last == version == audited, record_id


def test_kill_9_of_a_writer_mid_burst_loses_nothing_and_leaves_nothing_half_written(pg_db):
    store, uid = _editor(pg_db.app_url)
    child, acks = _burst(pg_db.app_url, uid, until=12)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    time.sleep(0.5)  # the server notices the dropped connection and rolls its work back
    _check(pg_db.admin_url, acks)


@pytest.fixture()
def own_server(pg_server) -> PgServer:
    """A server of this test's own, to crash, run as a child of the test process (a running
    server named by DEFDIP_TEST_PG_ADMIN_URL cannot be crashed, so this test starts one)."""
    root = Path(tempfile.mkdtemp(prefix="defdip-pg-crash-"))
    server = start_server(root)
    server.stop()
    server.process = server.run_foreground()
    yield server
    if server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=60)
    shutil.rmtree(root, ignore_errors=True)


def test_kill_9_of_the_server_mid_burst_loses_no_committed_write(own_server):
    database = fresh_database(own_server)
    store, uid = _editor(database.app_url)
    child, acks = _burst(database.app_url, uid, until=12)
    postmaster = own_server.postmaster_pid()
    children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and
                _parent(p) == postmaster]
    for pid in [postmaster, *children]:  # the whole server, at once, as a crash would
        os.kill(pid, signal.SIGKILL)
    own_server.process.wait(timeout=60)
    while child.stdout is not None and (line := child.stdout.readline()):
        acks.append(json.loads(line))  # anything acknowledged before the crash counts
    child.wait(timeout=60)
    PostgresStore.close_pools()
    own_server.process = own_server.run_foreground()  # recovery replays the write-ahead log
    log = (own_server.data.parent / "foreground.log").read_text(errors="replace")
    assert "automatic recovery in progress" in log  # it was a crash, and it recovered
    _check(database.admin_url, acks)
    drop_database(database)


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None
