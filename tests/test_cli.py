"""The command-line edge: library errors become one line on stderr and exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DEFDIP = str(Path(sys.executable).with_name("defdip"))


def run(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEFDIP_HOME": str(home)} if home is not None else None
    return subprocess.run([DEFDIP, *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_unknown_country_is_one_clear_line():
    done = run("countries", "resolve", "Mauritanya")
    assert done.returncode == 2
    assert done.stderr.startswith("Error: Unknown country 'Mauritanya'. Closest matches: "
                                  "Mauritania (MRT)")
    assert "Traceback" not in done.stderr


def test_unknown_source_names_the_known_ones():
    done = run("cite", "sipri_transfer")
    assert done.returncode == 2
    assert "Unknown source 'sipri_transfer'. Did you mean 'sipri_transfers'" in done.stderr


def test_bad_argument_and_usage_errors_exit_2(tmp_path):
    assert run("arms", "ranking", "--years", "2024-2020").stderr.strip() == (
        "Error: --years '2024-2020' is not a year range: write 2020-2024 or 2022.")
    usage = run("no-such-command")
    assert usage.returncode == 2 and "No such command 'no-such-command'" in usage.stderr


def test_missing_mirror_folder_is_named(tmp_path):
    done = run("load", "cow_states", "--mirror", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert f"--mirror {str(tmp_path / 'nowhere')!r} is not a folder" in done.stderr


def test_sources_lists_each_source_with_its_caveats(tmp_path):
    """`defdip sources --json`: every registered source, with the notes its module declares
    (e.g. that the mirror holds a CSV conversion of gwstates.rda), also before any load (and
    without creating a store)."""
    import json

    from defdip import sources

    done = run("sources", "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "defdip.duckdb").exists()
    listed = {row["name"]: row for row in json.loads(done.stdout)}
    assert set(listed) == set(sources.all_sources())
    for name, module in sources.all_sources().items():
        assert listed[name]["notes"] == (module.INFO.notes or None)
    assert "gwstates.rda" in listed["gw_states"]["notes"]
