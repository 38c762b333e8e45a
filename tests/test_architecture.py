"""The house rules as tests: imports flow one way, modules stay small, help has examples."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from defdip.cli import app

SRC = Path(__file__).resolve().parents[1] / "src" / "defdip"
# sources -> store -> engagements/panels -> measures -> analysis -> reports/cli
LAYERS = {
    "errors": 0, "paths": 0, "fetch": 0, "plain": 0, "refcache": 0, "countries": 0,
    "sources": 1, "store": 2, "engagements": 3, "panels": 3, "measures": 4,
    "analysis": 5, "reports": 6, "cli": 7,
}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "defdip" or len(parts) < 2:
        return None
    return LAYERS.get(parts[1])


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_import_runs_back_up(path):
    own = _layer("defdip." + ".".join(path.relative_to(SRC).with_suffix("").parts))
    if own is None:
        return  # the package root
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for name in names:
            target = _layer(name)
            assert target is None or target <= own, f"{path.name} imports {name} (layer up)"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):  # a group (typer may vendor its own click)
            out.extend(_commands(command, (*prefix, name)))
        else:
            out.append((*prefix, name))
    return out


COMMANDS = _commands(typer.main.get_command(app))


def test_the_cli_has_the_issue_commands():
    have = {" ".join(c) for c in COMMANDS}
    wanted = {"sources", "cite", "load", "countries resolve", "arms ranking", "arms partners",
              "arms deals", "record add", "record export", "record list",
              "record completeness", "profile", "panel dyad-year", "panel state-year",
              "panel columns", "standing", "brief", "effects", "tension", "screen", "trends",
              "region"}
    assert wanted <= have, wanted - have


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_help_shows_an_example(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"defdip {' '.join(command)} --help has no example"
