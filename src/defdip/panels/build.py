"""One call that builds a panel from names: what ``defdip panel`` and the benchmark run.

``ADDERS`` maps the short names used on the command line (``atop``, ``majors``, …) to the
``add_*`` functions, so the CLI stays a thin parser and the names are documented in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from defdip.errors import InvalidArgument
from defdip.panels import sqlcache
from defdip.panels.add_alliances import add_atop_alliance, add_igos
from defdip.panels.add_conflict import add_mids, add_rivalries, add_terr_threat, add_wars
from defdip.panels.add_cow import (
    add_capital_distance,
    add_contiguity,
    add_cow_majors,
    add_minimum_distance,
    add_nmc,
)
from defdip.panels.add_engagement import (
    add_agreements,
    add_arms_transfers,
    add_diplomacy,
    add_engagement,
    add_exercises,
    add_peacekeeping,
    add_un_alignment,
)
from defdip.panels.core import Panel, Tables
from defdip.panels.units import create_dyad_years, create_state_years
from defdip.paths import replacing

__all__ = ["ADDERS", "PanelSummary", "build_panel", "parse_adders"]

ADDERS: dict[str, Callable[[Panel], Panel]] = {
    "atop": add_atop_alliance,
    "majors": add_cow_majors,
    "nmc": add_nmc,
    "igo": add_igos,
    "contiguity": add_contiguity,
    "capdist": add_capital_distance,
    "mindist": add_minimum_distance,
    "mids": add_mids,
    "wars": add_wars,
    "rivalries": add_rivalries,
    "arms": add_arms_transfers,
    "exercises": add_exercises,
    "peacekeeping": add_peacekeeping,
    "diplomacy": add_diplomacy,
    "agreements": add_agreements,
    "un_alignment": add_un_alignment,
    "engagement": add_engagement,
    "terr_threat": add_terr_threat,
}
FORMATS = (".parquet", ".csv")
#: Families whose first step is a monadic join; applied first (see ``_add_all``).
MONADIC_FIRST = ("majors", "nmc", "igo")


@dataclass(frozen=True)
class PanelSummary:
    """What a build wrote: the file, its rows and columns, the sources to cite."""

    path: Path
    unit: str
    directed: bool
    start: int
    end: int
    rows: int
    columns: list[str]
    sources: list[str]


def parse_adders(text: str | Sequence[str]) -> list[str]:
    """'atop, majors' → ['atop', 'majors']; unknown names → :class:`InvalidArgument`."""
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in ADDERS]
    if unknown:
        raise InvalidArgument(f"--add {', '.join(repr(n) for n in unknown)}: unknown column "
                              f"famil{'y' if len(unknown) == 1 else 'ies'}. Valid names: "
                              f"{', '.join(ADDERS)}.")
    return list(dict.fromkeys(names))


def build_panel(store: Any, *, unit: str, start: int, end: int, add: str | Sequence[str] = (),
                directed: bool = True, out: Path | str | None = None, ordered: bool = True,
                cache: bool = True) -> Panel | PanelSummary:
    """Create a ``state_year`` or ``dyad_year`` panel, add the named families, and write it.

    With ``out`` (``.parquet`` or ``.csv``) the panel is written and a :class:`PanelSummary`
    returned; without, the lazy :class:`Panel`. ``ordered=False`` skips sorting by the keys.
    A Parquet job on a DuckDB store reuses the SQL compiled for the same job before
    (``panels.sqlcache``, checked against the data first) unless ``cache=False``.
    """
    names = parse_adders(add)
    if unit not in ("dyad_year", "state_year"):
        raise InvalidArgument(f"unit {unit!r} is not 'dyad_year' or 'state_year'.")
    path = Path(out) if out is not None else None
    if path is not None and path.suffix.lower() not in FORMATS:
        raise InvalidArgument(f"--out {str(path)!r}: write a .parquet or .csv file.")
    shape = {"unit": unit, "start": start, "end": end, "add": names, "directed": directed,
             "ordered": ordered}
    cacheable = cache and path is not None and path.suffix.lower() == ".parquet" \
        and not isinstance(store, Tables) and hasattr(store, "con")
    key = sqlcache.job_key(shape) if cacheable else ""
    if cacheable and (hit := sqlcache.lookup(store.con, key, sqlcache.cache_dir())):
        assert path is not None
        with replacing(path) as partial:
            rows = sqlcache.copy_parquet(store.con, hit.sql, partial)
        return PanelSummary(path, unit, directed if unit == "dyad_year" else False, start, end,
                            rows, list(hit.columns), list(hit.sources))
    if unit == "dyad_year":
        panel = create_dyad_years(store, start=start, end=end, directed=directed)
    else:
        panel = create_state_years(store, start=start, end=end)
    panel = _add_all(panel, names)
    if path is None:
        return panel
    if path.suffix.lower() == ".parquet":
        sql = panel.copy_to_parquet(path, ordered=ordered)
        if cacheable and sql is not None:
            tables = panel.tables
            entry = sqlcache.Entry(sql, panel.columns, list(panel.sources),
                                   sqlcache.schemas(store.con, tables.checked),
                                   [[q, a] for q, a in tables.probes])
            sqlcache.save(sqlcache.cache_dir(), key, entry)
    else:
        panel.to_csv(path, ordered=ordered)
    rows = _rows_written(panel, path)
    return PanelSummary(path, panel.unit, panel.directed, panel.start, panel.end, rows,
                        panel.columns, list(panel.sources))


def _add_all(panel: Panel, names: list[str]) -> Panel:
    """Apply the families; those that start with a monadic join go first (while the dyads are
    still the bare pairing, their columns are attached to the state-years before pairing), then
    columns and sources are put back in the order asked for. Every ``add_*`` only left-joins
    its own columns, so the order of application changes no value."""
    order = [n for n in MONADIC_FIRST if n in names] + [n for n in names if n not in
                                                         MONADIC_FIRST]
    base_columns, base_sources = panel.columns, panel.sources
    added: dict[str, list[str]] = {}
    cited: dict[str, tuple[str, ...]] = {}
    for name in order:
        before = panel.columns
        applied = ADDERS[name](replace(panel, sources=()))
        added[name] = [c for c in applied.columns if c not in before]
        cited[name] = applied.sources
        panel = replace(applied, sources=tuple(dict.fromkeys((*panel.sources, *cited[name]))))
    if order == names:
        return panel
    columns = [*base_columns, *(c for n in names for c in added[n])]
    sources = tuple(dict.fromkeys((*base_sources, *(s for n in names for s in cited[n]))))
    return replace(panel, expr=panel.expr.select(*columns), sources=sources, states=None)


def _rows_written(panel: Panel, path: Path) -> int:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    return panel.count()
