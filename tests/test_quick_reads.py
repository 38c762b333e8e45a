"""The everyday commands' compiled path (``service.quick``) gives the library's answer.

``arms ranking``, ``record list``, ``profile``, ``alignment`` and ``standing`` run the query
layer's expressions as SQL templates kept per data vintage (``store.compiled``), without
pandas or Ibis. These tests ask each question both ways — the compiled path, and the library
function through Ibis and pandas (``service.reads``) — for several states and compare what
the CLI prints (JSON and table), and check that a template is never used once the store
changed.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from defdip.cli import _common
from defdip.errors import InvalidArgument
from defdip.plain import json_text, records
from defdip.service import quick, reads
from defdip.service.context import Context
from defdip.store import compiled

FIXTURES = Path(__file__).parent / "fixtures"


def _printed(emit, *args, **kwargs) -> str:
    """What an emit function prints to the terminal (a wide console, no colours)."""
    from rich.console import Console

    held = _common.console
    _common.console = Console(file=io.StringIO(), width=400, color_system=None)
    try:
        emit(*args, **kwargs)
        return _common.console.file.getvalue()
    finally:
        _common.console = held


def _same(found, frame, *, columns=None, float_format="{:,.2f}") -> None:
    """The compiled rows equal the library's frame: as JSON and as the printed table."""
    assert found is not None
    assert found.columns == [str(c) for c in frame.columns]
    assert json_text(found.dicts()) == json_text(records(frame))
    shown = frame if columns is None else frame[list(columns)]
    assert _printed(_common.emit_rows, found, as_json=False, title="t", columns=columns,
                    float_format=float_format) == _printed(
        _common.emit, shown, as_json=False, title="t", float_format=float_format)


@pytest.fixture(scope="module")
def ctx(built_store) -> Context:
    return Context(built_store.path)


@pytest.mark.parametrize(("role", "years", "top"), [
    ("supplier", (2020, 2024), None), ("recipient", (2015, 2019), 10),
    ("supplier", (1995, 1995), 3)])
def test_arms_ranking_compiled_equals_library(ctx, role, years, top):
    for _ in range(2):  # compiled now, then from the kept template
        found = quick.arms_ranking(ctx, role, *years, top=top)
        _same(found, reads.arms_ranking(ctx, role, *years, top=top).table)


def test_arms_ranking_outside_sipri_is_not_a_plain_question(ctx):
    """SIPRI's deliveries cover 1995-2024 (mirror README): 1990 is refused, not an empty
    ranking, and 2020-2030 is clipped with a note — both left to ``reads``."""
    assert quick.arms_ranking(ctx, "supplier", 1990, 1990) is None
    assert quick.arms_ranking(ctx, "supplier", 2020, 2030) is None
    with pytest.raises(InvalidArgument, match=r"^--years 1990 is before the first year"):
        reads.arms_ranking(ctx, "supplier", 1990, 1990)


@pytest.mark.parametrize(("country", "year"), [("TUR", 2022), ("PAK", 2015), ("USA", 2019),
                                               ("Nigeria", 2010), ("FRA", 1995)])
def test_profile_compiled_equals_library(ctx, country, year):
    found, coverage = quick.profile(ctx, country, year)
    result = reads.profile(ctx, country, year)
    frame = result.table
    assert len(frame) or country == "FRA"  # the record holds partners for these states
    _same(found, frame)
    assert coverage == result.coverage  # the same sample line on both paths
    curated = "the curated record covers only" not in coverage
    assert curated == (country == "TUR")  # coverage.yaml's focal states: TUR


@pytest.mark.parametrize("filters", [
    {"country": "TUR", "partner": "PAK"},
    {"country": "Türkiye", "kind": ("exercise",), "year_from": 2015, "year_to": 2024},
    {"country": "USA", "year_from": 2019, "year_to": 2019},
    {"country": "NGA", "kind": ("peacekeeping_deployment", "membership")},
])
def test_record_list_compiled_equals_library(ctx, filters):
    from defdip.cli.cmd_record import RECORD_SHOWN, _actors_text

    found = quick.list_records(ctx, **filters)
    frame = reads.list_records(ctx, **filters).table
    assert len(frame)
    assert json_text(found.dicts()) == json_text(records(frame))
    at = found.columns.index("actors")
    shown = compiled.Rows(found.columns, found.numeric, [
        (*row[:at], _actors_text(row[at]), *row[at + 1:]) for row in found.rows])
    table = frame.assign(actors=frame["actors"].map(_actors_text))[list(RECORD_SHOWN)]
    assert _printed(_common.emit_rows, shown, as_json=False, title="t",
                    columns=RECORD_SHOWN) == _printed(_common.emit, table, as_json=False,
                                                      title="t")


@pytest.mark.parametrize(("country", "partners", "years"), [
    ("TUR", ("USA",), (None, None)), ("TUR", ("USA", "RUS", "CHN"), (1990, 2019)),
    ("PAK", ("IND", "PAK", "USA"), (2000, 2025)), ("Brazil", ("ARG",), (1946, 1960))])
def test_alignment_compiled_equals_library(ctx, country, partners, years):
    found = quick.alignment(ctx, country, partners=partners, start=years[0], end=years[1])
    frame = reads.alignment(ctx, country, partners=partners, start=years[0],
                            end=years[1]).table
    assert len(frame)
    _same(found, frame, float_format="{:,.3f}")


@pytest.mark.parametrize(("year", "top"), [(2019, None), (2010, 20), (2000, 5)])
def test_standing_compiled_equals_library(ctx, year, top):
    from defdip.cli.cmd_measures import STANDING_SHOWN

    found = quick.standing(ctx, year, top=top)
    result = reads.standing(ctx, year, top=top)
    assert found is not None and found[1] == result.coverage
    _same(found[0], result.table, columns=STANDING_SHOWN, float_format="{:,.3f}")


def test_countries_resolve_kept_equals_catalog(ctx):
    from defdip.service.catalog import resolve_countries

    names = ["Türkiye", "Cote d'Ivoire", "640", "PKK (Turkiye)*", "Federal Republic of Germany"]
    for year in (None, 1960):
        for _ in range(2):  # resolved now, then kept
            assert quick.resolve_countries(ctx, names, year=year) == resolve_countries(
                ctx, names, year=year).document


def test_questions_the_compiled_path_leaves_to_the_library(ctx):
    """Bad arguments and options the stored tables do not answer go to ``service.reads``,
    which gives the answer or the one error message."""
    assert quick.arms_ranking(ctx, "broker", 2020, 2024) is None
    assert quick.alignment(ctx, "TUR", partners=("TUR",)) is None
    assert quick.alignment(ctx, "TUR", resolutions_only=True) is None
    assert quick.alignment(ctx, "Atlantis") is None
    assert quick.profile(ctx, "Atlantis", 2020) is None
    assert quick.standing(ctx, 1700) is None


def test_min_joint_votes_is_the_alignment_codes():
    from defdip.measures.alignment import MIN_JOINT_VOTES

    assert quick.MIN_JOINT_VOTES == MIN_JOINT_VOTES


def test_a_template_is_not_used_after_the_store_changed(built_store, tmp_path):
    """A record entered after the template was kept shows up at once: a write changes the
    store's vintage, and templates are kept per vintage."""
    from defdip.engagements import add_records
    from defdip.store.session import writing

    path = tmp_path / "defdip.duckdb"
    shutil.copyfile(built_store.path, path)
    copy = Context(path)
    question = {"country": "TUR", "partner": "JPN", "year_from": 2022, "year_to": 2022}
    before = quick.list_records(copy, **question)
    assert "Test Exercise 2022" not in [r["name"] for r in before.dicts()]
    assert list((compiled.cache_dir()).glob("*/record_rows-*.json"))
    with writing(path) as handle:
        add_records(handle, handle.ensure_vocabulary(), FIXTURES / "engagements_valid.yaml")
    after = quick.list_records(copy, **question)
    assert "Test Exercise 2022" in [r["name"] for r in after.dicts()]
    assert json_text(after.dicts()) == json_text(records(
        reads.list_records(copy, **question).table))


def test_a_template_of_other_schemas_is_not_used(ctx):
    with ctx.reading() as store:
        key = compiled.template_key("standing_year", {"test": "schema"})
        template = compiled.Template(["SELECT 1"], [], ["x"], [True],
                                     [["network_standing", "ccode", "VARCHAR"]])
        assert compiled.save(store, key, template)
        assert compiled.lookup(store, key) is None


def test_literals_are_quoted_or_refused():
    assert compiled.literal("Cote d'Ivoire") == "'Cote d''Ivoire'"
    assert compiled.literal(-12) == "-12"
    for bad in (1.5, True, "a\x00b", 10**30, None):
        with pytest.raises(ValueError):
            compiled.literal(bad)


def test_a_warm_everyday_command_imports_no_pandas_or_ibis(built_store, tmp_path):
    """The second run of each command answers from kept templates: no pandas, Ibis or
    sqlglot (the first run compiles)."""
    code = ("import sys\nsys.argv = ['defdip', *sys.argv[1:]]\nfrom defdip.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'pandas', 'ibis', 'sqlglot', 'numpy', 'networkx'}), file=sys.stderr)")
    env = {**os.environ, "DEFDIP_HOME": str(tmp_path), "DEFDIP_STORE": str(built_store.path),
           "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    for args in (["arms", "ranking"], ["record", "list", "--country", "TUR", "--partner", "PAK"],
                 ["profile", "TUR", "--year", "2022"], ["alignment", "TUR", "--partner", "USA"],
                 ["standing", "--year", "2019", "--json"]):
        runs = [subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                               text=True, timeout=300, env=env) for _ in range(2)]
        assert runs[0].stdout == runs[1].stdout, args
        assert runs[1].stderr.strip().splitlines()[-1] == "[]", (args, runs[1].stderr)


def test_templates_of_long_unused_vintages_are_removed(tmp_path, monkeypatch):
    import os
    import time

    class Stub:  # a read-only store of a given vintage: all that keeping a template asks
        read_only = True

        def __init__(self, vintage: str) -> None:
            self._vintage = vintage

        def vintage(self) -> str:
            return self._vintage

    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path))
    template = compiled.Template(["SELECT 1"], [], ["x"], [True], [])
    assert compiled.save(Stub("old"), "k", template)
    assert compiled.save(Stub("recent"), "k", template)
    old = compiled.cache_dir() / "old"
    os.utime(old, (time.time() - compiled.STALE_SECONDS - 60,) * 2)
    assert compiled.save(Stub("new"), "k", template)
    assert sorted(p.name for p in compiled.cache_dir().iterdir()) == ["new", "recent"]
