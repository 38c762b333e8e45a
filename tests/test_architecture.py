"""The house rules as tests: imports flow one way, modules stay small, help has examples."""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from defdip.cli import app

SRC = Path(__file__).resolve().parents[1] / "src" / "defdip"
# sources/events -> store -> engagements/panels -> measures -> analysis -> reports/cli
LAYERS = {
    "errors": 0, "paths": 0, "fetch": 0, "plain": 0, "countries": 0, "lazy": 0,
    "refcache": 0,
    "sources": 1, "events": 1, "store": 2, "queries": 3, "engagements": 3, "panels": 3,
    "measures": 4,
    "analysis": 5, "reports": 6, "service": 7, "cli": 8, "web": 8,
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
              "region", "events load", "events status", "events aggregate",
              "events fetch-gdelt", "events fetch-dataverse"}
    assert wanted <= have, wanted - have


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_help_shows_an_example(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output, f"defdip {' '.join(command)} --help has no example"


# ---- no SQL outside the store and the query layer ---------------------------------------------
#: Where SQL may be written: the store (connections, DDL, writes) and the query layer.
SQL_LAYERS = ("store", "queries")
#: Modules exempt from the rule while their SQL moves to the query layer: none any more
#: (issue 9). Nothing may be added here without a reason written beside it.
SQL_NOT_YET_CONVERTED: tuple[str, ...] = ()
SQL_KEYWORDS = re.compile(r"\s*(SELECT|WITH|INSERT|CREATE|DELETE|UPDATE|COPY|DROP|ALTER)\s")
SQL_LOWER = re.compile(r"\s*select\s.*\sfrom\s", re.IGNORECASE | re.DOTALL)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (module, class, function): prose, not SQL."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def sql_uses(source: str) -> list[str]:
    """Where ``source`` writes SQL: calls to ``.sql(…)``, ``.execute(<statement>)`` (a
    connection's; an Ibis expression's ``.execute()`` takes none), the ``.con`` connection,
    and string literals that start a SQL statement."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "sql":
                found.append(f"{where}: .sql(…)")
            if node.func.attr in ("execute", "executemany") and node.args:
                found.append(f"{where}: .{node.func.attr}(<statement>)")
        elif isinstance(node, ast.Attribute) and node.attr == "con":
            found.append(f"{where}: .con (a database connection)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in prose:
            if SQL_KEYWORDS.match(node.value) or SQL_LOWER.match(node.value):
                found.append(f"{where}: SQL text {node.value.strip()[:40]!r}")
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and (
                    SQL_KEYWORDS.match(first.value) or SQL_LOWER.match(first.value)):
                found.append(f"{where}: SQL f-string {first.value.strip()[:40]!r}")
    return found


def _sql_allowed(path: Path) -> bool:
    relative = path.relative_to(SRC)
    return relative.parts[0] in SQL_LAYERS or any(
        fnmatch.fnmatch(str(relative), pattern) for pattern in SQL_NOT_YET_CONVERTED)


@pytest.mark.parametrize("path", [p for p in _modules() if not _sql_allowed(p)],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_no_sql_outside_the_store_and_the_query_layer(path):
    found = sql_uses(path.read_text(encoding="utf-8"))
    assert not found, (f"{path.relative_to(SRC)} writes SQL ({'; '.join(found)}): express the "
                       "read in Ibis in defdip.queries (or over Tables.from_store(store)).")


def test_the_sql_detector_finds_each_form():
    """The detector itself, on snippets of each form it must catch and of what it must not."""
    caught = {
        'store.sql("SELECT 1")': ".sql(",
        'con.execute("DELETE FROM t")': ".execute(<statement>)",
        "store.con.close()": ".con",
        'q = "SELECT a FROM t"': "SQL text",
        "q = f'WITH x AS (SELECT {n}) SELECT 1'": "SQL f-string",
        'q = "select a from t"': "SQL text",
        'q = "COPY t TO \'x.parquet\'"': "SQL text",
    }
    for snippet, what in caught.items():
        found = sql_uses(snippet)
        assert len(found) >= 1 and what in " ".join(found), (snippet, found)
    clean = ['frame = expr.execute()', 'msg = "Update the list, then select a region."',
             'def f():\n    """SELECT is how SQL reads; we do not."""\n    return 1',
             'msg = "With no bound at all, every record."']
    for snippet in clean:
        assert sql_uses(snippet) == [], snippet
