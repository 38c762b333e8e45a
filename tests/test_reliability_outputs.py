"""Reliability, outputs (issue 11, "Why" 1): ``--out`` never replaces the store, a device, a
FIFO or a folder; a file defdip did not write needs ``--force``; a symlink stays a link; the
path is checked before any work; partial files of writers that died are cleaned up.

Every test here failed on the code before issue 11 (see the issue's closing note).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("target", ["the store", "another store"])
def test_export_onto_a_store_is_refused_and_the_store_survives(defdip_cli, empty_store,
                                                               tmp_path, target):
    """`record export --out $DEFDIP_HOME/defdip.duckdb` replaced the 116 MB store with a CSV."""
    out = empty_store
    if target == "another store":
        out = tmp_path / "copy.db"
        out.write_bytes(empty_store.read_bytes())
    before = _digest(out)
    done = defdip_cli("record", "export", "--format", "csv", "--out", str(out), "--store",
                      str(empty_store), home=empty_store.parent)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"Error: --out {str(out)!r} is a defdip store (a DuckDB database); writing there "
        "would destroy it. Choose another file.")
    assert _digest(out) == before


def test_a_device_is_never_written_even_with_force():
    """`brief TUR --out /dev/full` (as root) replaced the device node with an HTML file. Only
    checked here, never written: the check refuses before anything is opened."""
    from defdip.errors import OutputRefused
    from defdip.paths import check_output

    for device in ("/dev/null", "/dev/full"):
        if not Path(device).exists():
            continue
        for force in (False, True):
            with pytest.raises(OutputRefused) as caught:
                check_output(device, force=force)
            assert str(caught.value) == (f"--out {device!r} is a device, not a file; defdip "
                                         "writes only regular files. Choose a file path.")


def test_a_fifo_stays_a_fifo(defdip_cli, empty_store, tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    done = defdip_cli("record", "export", "--out", str(pipe), "--store", str(empty_store),
                      home=empty_store.parent)
    assert done.returncode == 2
    assert "is a FIFO (named pipe), not a file" in done.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.parametrize("exists", [True, False])
def test_a_folder_is_refused_before_any_work(defdip_cli, empty_store, tmp_path, exists):
    """`--out somedir/` was a traceback after 28 s of work (or a file named 'somedir')."""
    folder = tmp_path / "somedir"
    if exists:
        folder.mkdir()
    done = defdip_cli("record", "export", "--format", "csv", "--out", f"{folder}/",
                      "--store", str(empty_store), home=empty_store.parent)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"--out '{folder}/' names a folder. Name a file inside it" in done.stderr
    assert folder.is_dir() == exists


def test_the_brief_checks_its_path_before_building(store, tmp_path, monkeypatch):
    """The check comes first: the brief (seconds of work) is not even started."""
    from defdip.errors import OutputRefused
    from defdip.reports import brief

    def never(*args, **kwargs):
        raise AssertionError("the brief was built before --out was checked")

    monkeypatch.setattr(brief, "build_brief", never)
    (tmp_path / "folder").mkdir()
    with pytest.raises(OutputRefused, match="is a folder"):
        brief.write_brief(store, "TUR", tmp_path / "folder")
    (tmp_path / "mine.html").write_text("<p>my notes</p>")
    with pytest.raises(OutputRefused, match="defdip did not write it"):
        brief.write_brief(store, "TUR", tmp_path / "mine.html")


def test_a_file_defdip_did_not_write_needs_force(defdip_cli, empty_store, tmp_path):
    home = empty_store.parent
    mine = tmp_path / "notes.csv"
    mine.write_text("my,own\ndata,here\n")
    args = ("record", "export", "--format", "csv", "--store", str(empty_store), "--out",
            str(mine))
    refused = defdip_cli(*args, home=home)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"Error: --out {str(mine)!r} already exists and defdip did not write it (or it "
        "changed since). Pass --force to replace it, or choose another file.")
    assert mine.read_text() == "my,own\ndata,here\n"
    assert defdip_cli(*args, "--force", home=home).returncode == 0
    assert mine.read_text().startswith("kind,subtype,name")
    assert defdip_cli(*args, home=home).returncode == 0  # defdip's own file: no --force
    with mine.open("a") as handle:  # edited by the user since: asks again
        handle.write("my edit\n")
    assert defdip_cli(*args, home=home).returncode == 2
    assert mine.read_text().endswith("my edit\n")


def test_a_symlink_stays_a_link(defdip_cli, empty_store, tmp_path):
    """`--out` on a symlink replaced the link itself with a file."""
    home = empty_store.parent
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    args = ("record", "export", "--format", "csv", "--store", str(empty_store))
    assert defdip_cli(*args, "--out", str(real), home=home).returncode == 0
    link.symlink_to(real)
    done = defdip_cli(*args, "--out", str(link), home=home)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("kind,subtype,name")


def test_partial_files_of_dead_writers_are_removed(tmp_path):
    """A writer killed with -9 leaves its partial file; the next write of the same output
    removes it (and leaves a live writer's alone)."""
    from defdip.paths import replacing

    dead = 2 ** 22 + 12345  # above Linux's default pid_max, so no process has it
    with pytest.raises(ProcessLookupError):
        os.kill(dead, 0)
    stale = tmp_path / f".out.{dead}.k3x9q1.part.csv"
    live = tmp_path / f".out.{os.getpid()}.z8y7w6.part.csv"
    stale.write_text("half")
    live.write_text("busy")
    with replacing(tmp_path / "out.csv") as partial:
        partial.write_text("whole\n")
    assert not stale.exists() and live.exists()
    assert (tmp_path / "out.csv").read_text() == "whole\n"
