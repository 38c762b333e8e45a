"""Documentation that runs: every `defdip` command and the Python example in the README.

The commands run in order, as a newcomer would type them, against a fresh ``$DEFDIP_HOME``:
first the README's `defdip load`, then everything else on the store it built.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from defdip.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
NEW_RECORD = """records:
  - kind: exercise
    name: README-Example-2024
    start: 2024-05
    actors:
      - {country: TUR, role: host}
      - {country: PAK, role: participant}
    source:
      title: Example record from the README test
      url: https://example.org/readme-example
      retrieved: 2026-11-24
"""


def readme_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    commands = []
    for block in blocks:
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            if line.startswith("$ defdip "):
                command = line[2:].split("  #")[0]
                commands.append(shlex.split(command)[1:])
    return commands


def readme_python() -> str:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)[0]


def test_readme_lists_the_tour():
    commands = readme_commands()
    assert commands[0][0] == "load" and len(commands) >= 20


@pytest.fixture(scope="module")
def readme_home(tmp_path_factory, mirror, monkeypatch_module):
    home = tmp_path_factory.mktemp("readme-home")
    work = tmp_path_factory.mktemp("readme-work")
    (work / "my_engagements.yaml").write_text(NEW_RECORD, encoding="utf-8")
    monkeypatch_module.setenv("DEFDIP_HOME", str(home))
    monkeypatch_module.delenv("DEFDIP_STORE", raising=False)
    monkeypatch_module.chdir(work)
    return work


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_every_readme_command_runs(readme_home, mirror):
    runner = CliRunner()
    for args in readme_commands():
        args = [str(mirror) + a[len("../shared/data"):] if a.startswith("../shared/data")
                else a for a in args]
        result = runner.invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, f"defdip {' '.join(args)}\n{result.output}"
    # the brief is one self-contained page with inline SVG figures: well under 2 MB
    assert 100_000 < (readme_home / "brief-TUR.html").stat().st_size <= 2_000_000
    assert (readme_home / "dyads.parquet").exists()


def test_readme_python_example(readme_home):
    namespace: dict[str, object] = {}
    exec(compile(readme_python(), "README.md", "exec"), namespace)
    frame = namespace["frame"]
    assert {"ccode_1", "ccode_2", "year", "atop_defense", "conttype"} <= set(frame.columns)
