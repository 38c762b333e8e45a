"""Building the CLI stays light: `defdip --help` imports no data library.

The ``cmd_*`` modules import the library inside the commands; where a help text names
library data, the CLI keeps a copy of the names, and these tests keep the copy in step.
"""

from __future__ import annotations

import subprocess
import sys

import defdip.engagements
import defdip.panels
from defdip.cli import cmd_panel, cmd_record

# Every heavy library the commands use, and what they pull in. None has to be imported to
# build the CLI or print any help: typer needs only click and rich (and, to build a command's
# parameters, pydantic, which is why pydantic is not listed here).
HEAVY = {"pandas", "ibis", "duckdb", "networkx", "pyfixest", "plotly", "statsmodels",
         "differences", "numpy", "scipy", "pyarrow", "sqlglot"}

# Prints every command's help in-process, then the heavy modules that got imported.
EVERY_HELP = """
import sys, typer
from typer.testing import CliRunner
from defdip.cli import app

def paths(group, prefix=()):
    out = [prefix]
    for name, command in group.commands.items():
        out.extend(paths(command, (*prefix, name)) if hasattr(command, "commands")
                   else [(*prefix, name)])
    return out

for path in paths(typer.main.get_command(app)):
    assert CliRunner().invoke(app, [*path, "--help"]).exit_code == 0, path
"""


def _fresh(code: str) -> str:
    """What ``code`` prints, run in a fresh Python process (it must exit cleanly)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _heavy_after(code: str) -> str:
    return _fresh(code + "\nprint(sorted(m for m in sys.modules "
                  f"if m.split('.')[0] in {sorted(HEAVY)!r}))")


def test_building_the_cli_imports_no_heavy_library():
    assert _heavy_after("import sys, defdip.cli") == "[]"


def test_every_help_imports_no_heavy_library():
    assert _heavy_after(EVERY_HELP) == "[]"


def test_panel_add_help_names_every_adder():
    assert list(defdip.panels.NAMES) == list(defdip.panels.ADDERS)  # build.py vs adders.py
    assert f"{', '.join(defdip.panels.NAMES)}." in cmd_panel.AddOption.help


def test_record_kind_help_names_every_kind():
    assert list(cmd_record.KINDS) == list(defdip.engagements.KINDS)


def test_printing_a_summary_imports_no_pandas():
    """A cached `defdip panel` job prints a dict: emit() must not import pandas to do it."""
    code = ("from defdip.cli._common import emit\n"
            "emit({'rows': 3, 'path': 'x.parquet'}, as_json=True)\n"
            "emit([{'a': 1}], as_json=False)")
    assert _heavy_after("import sys\n" + code).splitlines()[-1] == "[]"


def test_cite_imports_no_data_library():
    """`defdip cite` parses nothing: it imports neither pandas, DuckDB, Ibis nor httpx (the
    sources import them on first use, defdip.lazy)."""
    code = ("import sys; sys.argv = ['defdip', 'cite', 'sipri_transfers']\n"
            "from defdip.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'duckdb', 'ibis', 'httpx') "
            "if m in sys.modules))")
    printed = _fresh(code)
    assert "@" in printed  # the BibTeX was printed
    assert printed.splitlines()[-1] == "[]"


def test_a_server_imports_what_its_routes_import_before_it_serves() -> None:
    """Two request threads importing a package for the first time at once can fail with
    'cannot import name … from partially initialized module' (bench/record_load.py got 15
    answers of 500 so): building the routes imports the service's lazy imports first."""
    code = ("import sys\nfrom defdip.web.records_api import build_router\n"
            "before = {m for m in sys.modules if m.startswith('defdip.')}\n"
            "build_router(lambda: None)\n"
            "wanted = ('defdip.engagements.query', 'defdip.engagements.validate', "
            "'defdip.service.records', 'defdip.reports.brief', 'defdip.measures.arms')\n"
            "print([m in before for m in wanted], [m in sys.modules for m in wanted])")
    lazy, loaded = _fresh(code).split("] [")
    assert "True" in loaded and "False" not in loaded
    assert "False" in lazy  # the module alone does not import them: the call does
