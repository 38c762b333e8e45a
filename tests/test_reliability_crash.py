"""Reliability, interruptions (issue 11, "Why" 7 and 8): kill -9 during a load and during
`record add`, Ctrl-C, and a full disk leave a store that reopens whole, in the state before
or after the command (never between), with one line instead of a traceback.

The processes are the real `defdip` command; the kill points are spread over a run so that
they land in different stages (parsing, storing, rebuilding the record and measures).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from defdip.store import Store

DEFDIP = str(Path(sys.executable).with_name("defdip"))
LOWY = "lowy_global_diplomacy_index/lowy_gdi_posts_2016_2023.csv"


def _start(*args: str, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DEFDIP_HOME": str(home)}
    return subprocess.Popen([DEFDIP, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def _lowy_state(path: Path) -> tuple[int, int]:
    with Store(path) as store:
        posts = int(store.sql("SELECT count(*) AS n FROM lowy_posts")["n"][0])
        derived = int(store.sql("SELECT count(*) AS n FROM engagements "
                                "WHERE source = 'lowy_gdi'")["n"][0])
    return posts, derived


@pytest.fixture()
def smaller_lowy(built_store, mirror, tmp_path):
    """A store copy and a mirror whose Lowy file lacks its last 100 posts (a valid file)."""
    from test_reliability_loads import lines_of, mirror_of, store_copy

    root = mirror_of(tmp_path / "mirror", mirror, "lowy_gdi", "atop", "cow_igo")
    lines = lines_of(root / LOWY)
    (root / LOWY).write_bytes(b"".join(lines[:-100]))
    return store_copy(built_store, tmp_path / "base"), root


def test_kill_9_during_a_load_leaves_the_state_before_or_after(smaller_lowy, tmp_path):
    """A load is one transaction with the rebuild of the record and the measures: killed at
    any point, the store reopens with the old sources and the old record, or the new ones;
    never new sources beside a stale record (the old per-source commits did that)."""
    import shutil

    base, root = smaller_lowy
    args = ("load", "lowy_gdi", "atop", "cow_igo", "--force", "--mirror", str(root), "--json")
    before = _lowy_state(base)
    done = tmp_path / "done" / "defdip.duckdb"
    done.parent.mkdir()
    shutil.copyfile(base, done)
    finished = _start(*args, "--store", str(done), home=tmp_path / "home")
    assert finished.wait(timeout=600) == 0, finished.stderr.read()
    after = _lowy_state(done)
    assert after[0] == before[0] - 100 and after != before
    for delay in (2.5, 5.0, 8.0):
        path = tmp_path / f"kill{delay}" / "defdip.duckdb"
        path.parent.mkdir()
        shutil.copyfile(base, path)
        process = _start(*args, "--store", str(path), home=tmp_path / "home")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        assert _lowy_state(path) in (before, after), f"killed after {delay} s"


def test_kill_9_during_record_add_adds_all_or_nothing(empty_store, tmp_path):
    records = [{"kind": "exercise", "name": f"Generated exercise {i}",
                "start": f"{2000 + i % 20}-03-01",
                "actors": [{"country": "TUR", "role": "host"},
                           {"country": "AZE", "role": "participant"}],
                "source": {"url": f"https://example.org/exercise/{i}"}} for i in range(6000)]
    file = tmp_path / "many.yaml"
    file.write_text(yaml.safe_dump({"records": records}))
    for delay in (1.5, 3.0):
        process = _start("record", "add", str(file), "--store", str(empty_store),
                         home=empty_store.parent)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        with Store(empty_store) as store:
            entered = int(store.sql("SELECT count(*) AS n FROM engagements")["n"][0])
        assert entered in (0, 6000), f"killed after {delay} s: {entered} records"


@pytest.mark.parametrize("delay", [4.0, 9.0])
def test_ctrl_c_exits_130_with_one_line_and_changes_nothing(mirror, tmp_path, delay):
    """Ctrl-C printed nothing (or a traceback) and kept the sources loaded so far. Two delays:
    the signal lands in Python (KeyboardInterrupt) or inside a DuckDB query ("Query
    interrupted")."""
    path = tmp_path / "fresh" / "defdip.duckdb"
    process = _start("load", "--mirror", str(mirror), "--store", str(path), "--json",
                     home=tmp_path / "home")
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.strip() == ("Interrupted. Nothing was changed: every write is all or nothing "
                           "(the store's transaction rolled back; an --out file is written "
                           "beside and renamed into place).")
    with Store(path) as store:
        assert not [t for t in store.tables() if not t.startswith("_")
                    and t not in ("engagements", "engagement_actors")]


def test_a_full_disk_during_an_export_is_one_line(empty_store, tmp_path, monkeypatch, capsys):
    import errno

    from defdip import cli
    from defdip.engagements import fileio

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.yaml, "safe_dump", full)
    monkeypatch.setenv("DEFDIP_HOME", str(empty_store.parent))
    out = tmp_path / "records.yaml"
    monkeypatch.setattr("sys.argv", ["defdip", "record", "export", "--out", str(out),
                                     "--store", str(empty_store)])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    assert capsys.readouterr().err.startswith(
        "Error: The disk is full ([Errno 28] No space left on device). Nothing was changed")
    assert not out.exists() and not list(tmp_path.glob(".records*"))
