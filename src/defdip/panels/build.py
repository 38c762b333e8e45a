"""Build a panel from names (:func:`build_panel`, the lazy :class:`Panel`) or build and write
it (:func:`write_panel`, a :class:`PanelSummary`): what ``defdip panel`` and the benchmark run.

``NAMES`` are the short names used on the command line (``atop``, ``majors``, …);
``adders.ADDERS`` maps them to the ``add_*`` functions. This module imports neither Ibis nor
the ``add_*`` modules at import time: a Parquet job whose compiled SQL is cached
(``sqlcache``) runs with DuckDB alone, and only a job that must be built imports the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defdip.errors import InvalidArgument
from defdip.panels import sqlcache
from defdip.paths import check_output, writing_output

if TYPE_CHECKING:
    from defdip.panels.core import Panel

__all__ = ["NAMES", "PanelSummary", "build_panel", "parse_adders", "write_panel"]

#: The column families' short names (``--add``), in the order of ``adders.ADDERS``, which
#: maps them to the ``add_*`` functions. Kept here, apart from the functions, so that naming
#: and checking a job needs no Ibis; a test keeps the two in step.
NAMES = ("atop", "majors", "nmc", "igo", "contiguity", "capdist", "mindist", "mids", "wars",
         "rivalries", "arms", "exercises", "peacekeeping", "diplomacy", "agreements",
         "un_alignment", "engagement", "terr_threat", "events")
FORMATS = (".parquet", ".arrow", ".feather", ".csv")


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
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise InvalidArgument(f"--add {', '.join(repr(n) for n in unknown)}: unknown column "
                              f"famil{'y' if len(unknown) == 1 else 'ies'}. Valid names: "
                              f"{', '.join(NAMES)}.")
    return list(dict.fromkeys(names))


def _check_unit(unit: str) -> None:
    if unit not in ("dyad_year", "state_year"):
        raise InvalidArgument(f"unit {unit!r} is not 'dyad_year' or 'state_year'.")


def build_panel(store: Any, *, unit: str, start: int, end: int, add: str | Sequence[str] = (),
                directed: bool = True, system: str = "cow") -> Panel:
    """Create a ``state_year`` or ``dyad_year`` panel and add the named families: the lazy
    :class:`Panel` (nothing runs until it is read or written; :func:`write_panel` writes one).

    ``system`` is ``"cow"`` (Correlates of War) or ``"gw"`` (Gleditsch-Ward, units only: the
    column families join on COW codes).
    """
    names = parse_adders(add)
    _check_unit(unit)
    from defdip.panels.adders import add_all
    from defdip.panels.units import create_dyad_years, create_state_years

    if unit == "dyad_year":
        panel = create_dyad_years(store, start=start, end=end, directed=directed,
                                  system=system)
    else:
        panel = create_state_years(store, start=start, end=end, system=system)
    return add_all(panel, names)


def write_panel(store: Any, *, unit: str, start: int, end: int, out: Path | str,
                add: str | Sequence[str] = (), directed: bool = True, ordered: bool = True,
                cache: bool = True, system: str = "cow", base: bool = True,
                force: bool = False) -> PanelSummary:
    """Build the panel :func:`build_panel` describes and write it to ``out`` (``.parquet``,
    ``.arrow``/``.feather`` for Arrow IPC, or ``.csv``); say what was written.

    ``ordered=False`` skips sorting by the keys. On a DuckDB store, a Parquet or Arrow job
    is answered from the stored dyad-year base when it holds the job (``panels.base``, built
    by ``defdip load``; ``base=False`` skips it), else reuses the SQL compiled for the same job
    before (``panels.sqlcache``, checked against the data first) unless ``cache=False``.
    """
    from defdip.store import Store  # DuckDB only: a cache hit needs nothing more

    names = parse_adders(add)
    _check_unit(unit)
    path = Path(out)
    if path.suffix.lower() not in FORMATS:
        raise InvalidArgument(f"--out {str(path)!r}: write a .parquet, .arrow, .feather or "
                              ".csv file.")
    check_output(path, force=force)  # before any work: never the store, a folder, another's
    arrow = path.suffix.lower() in sqlcache.ARROW_SUFFIXES
    binary = path.suffix.lower() != ".csv" and isinstance(store, Store)
    if binary and base:
        from defdip.panels.base import lookup

        served = lookup(store, unit=unit, system=system, directed=directed, start=start,
                        end=end, names=names)
        if served is not None:
            with writing_output(path, force=force) as partial:
                rows = served.write(store, partial, arrow=arrow)
            return PanelSummary(path, unit, directed, start, end, rows, served.columns,
                                served.sources)
    shape = {"unit": unit, "start": start, "end": end, "add": names, "directed": directed,
             "ordered": ordered, "system": system}
    # a store scoped to a reader (defdip.store.scope) is never cached: its SQL answers what
    # one reader may see
    cacheable = cache and binary and getattr(store, "scope", None) is None
    key = sqlcache.job_key(shape) if cacheable else ""
    if cacheable and (hit := sqlcache.lookup(store, key, sqlcache.cache_dir())):
        with writing_output(path, force=force) as partial:
            rows = store.write_compiled(hit.sql, partial, arrow=arrow)
        return PanelSummary(path, unit, directed if unit == "dyad_year" else False, start, end,
                            rows, list(hit.columns), list(hit.sources))
    panel = build_panel(store, unit=unit, start=start, end=end, add=names, directed=directed,
                        system=system)
    if path.suffix.lower() != ".csv":
        sql = panel.copy_to_file(path, ordered=ordered, force=force)
        if cacheable and sql is not None:
            tables = panel.tables
            entry = sqlcache.Entry(sql, panel.columns, list(panel.sources),
                                   sqlcache.schemas(store, tables.checked),
                                   [[q, a] for q, a in tables.probes])
            sqlcache.save(sqlcache.cache_dir(), key, entry)
    else:
        panel.to_csv(path, ordered=ordered, force=force)
    rows = _rows_written(panel, path)
    return PanelSummary(path, panel.unit, panel.directed, panel.start, panel.end, rows,
                        panel.columns, list(panel.sources))


def _rows_written(panel: Panel, path: Path) -> int:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if path.suffix.lower() in sqlcache.ARROW_SUFFIXES:
        import pyarrow as pa

        with pa.memory_map(str(path)) as source:
            return int(pa.ipc.open_file(source).read_all().num_rows)
    return panel.count()
