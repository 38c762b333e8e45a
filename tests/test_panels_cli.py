"""`defdip panel …`: thin commands over write_panel and the catalogue."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from defdip.cli import app
from defdip.errors import InvalidArgument
from defdip.panels import ADDERS, CATALOGUE, build_panel, parse_adders


def _run(args):
    return CliRunner().invoke(app, args)


def test_dyad_year_writes_the_file(loaded_store, tmp_path):
    out = tmp_path / "dyads.parquet"
    result = _run(["panel", "dyad-year", "--from", "2000", "--to", "2001", "--add",
                   "atop,majors,contiguity", "--undirected", "--out", str(out), "--json",
                   "--store", str(loaded_store.path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    frame = pd.read_parquet(out)
    expected = build_panel(loaded_store, unit="dyad_year", start=2000, end=2001,
                           add="atop,majors,contiguity", directed=False).to_pandas()
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert summary["rows"] == len(frame) and summary["directed"] is False
    assert summary["sources"] == ["cow_states", "atop", "cow_majors", "cow_contiguity"]


def test_state_year_writes_csv(loaded_store, tmp_path):
    out = tmp_path / "states.csv"
    result = _run(["panel", "state-year", "--from", "2014", "--to", "2014", "--add", "nmc",
                   "--out", str(out), "--json", "--store", str(loaded_store.path)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert len(frame) == json.loads(result.output)["rows"]
    turkey = frame[frame.ccode == 640].iloc[0]
    nmc = loaded_store.table("cow_nmc")
    assert turkey.cinc == nmc[(nmc.ccode == 640) & (nmc.year == 2014)].cinc.iloc[0]


def test_unknown_family_lists_the_valid_ones():
    try:
        parse_adders("atop,bogus")
    except InvalidArgument as error:
        assert str(error) == ("--add 'bogus': unknown column family. Valid names: "
                              + ", ".join(ADDERS) + ".")
    else:
        raise AssertionError("no error")
    assert parse_adders(" atop, majors ,atop") == ["atop", "majors"]


def test_columns_json_is_the_catalogue():
    result = _run(["panel", "columns", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["column"] for r in rows] == list(CATALOGUE)
    atop = next(r for r in rows if r["column"] == "atop_defense")
    assert atop["source"] == "atop" and atop["citation"].startswith("leeds2002atop")
    assert all(r["meaning"] and r["unit"] and r["citation"] for r in rows)


def test_every_command_has_an_example():
    for command in ("dyad-year", "state-year", "columns"):
        result = _run(["panel", command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output


def test_every_public_name_of_panels_is_the_function_or_class_it_names():
    """defdip.panels loads its names lazily; a submodule called like one of its functions
    would shadow the function once imported, so every submodule is imported first."""
    import importlib
    import pkgutil
    import types

    import defdip.panels as panels

    for module in pkgutil.iter_modules(panels.__path__):
        importlib.import_module(f"defdip.panels.{module.name}")
    shadowed = [n for n in panels.__all__ if isinstance(getattr(panels, n), types.ModuleType)]
    assert shadowed == []
    assert set(panels.__all__) <= set(dir(panels))
    assert callable(panels.add_engagement) and panels.ADDERS["engagement"] is panels.add_engagement


def test_build_and_write_each_return_one_type(loaded_store, tmp_path, monkeypatch):
    """build_panel gives the lazy Panel, write_panel what it wrote: one return type each."""
    import inspect

    from defdip.panels import Panel, PanelSummary, write_panel

    # the annotations as written (the module imports Panel only for type checking)
    assert inspect.signature(build_panel).return_annotation == "Panel"
    assert inspect.signature(write_panel).return_annotation == "PanelSummary"
    assert "out" not in inspect.signature(build_panel).parameters
    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    lazy = build_panel(loaded_store, unit="state_year", start=2000, end=2001, add="majors")
    written = write_panel(loaded_store, unit="state_year", start=2000, end=2001, add="majors",
                          out=tmp_path / "s.parquet")
    assert isinstance(lazy, Panel) and isinstance(written, PanelSummary)
    assert written.rows == lazy.count() and written.columns == lazy.columns
