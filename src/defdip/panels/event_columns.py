"""``add_events``: interstate cooperation and conflict from the event dataset (ICEWS, GDELT,
POLECAT files loaded with ``defdip events load``), directed from ``ccode_1`` to ``ccode_2``.

The columns come from the dyad-year aggregate (:func:`defdip.events.aggregate.dyad_years`):
counts per QuadClass, the Goldstein sum and mean, net cooperation, and ``ev_months``, the
months of the year the loaded files cover. Inside a covered year a dyad without events has 0
events (its mean stays NULL); in a year no file covers every column is NULL.
"""

from __future__ import annotations

import ibis

from defdip.events.aggregate import COUNTS, coverage, dyad_years
from defdip.panels._ops import join_columns
from defdip.panels.core import Panel
from defdip.store.events import EventStore

__all__ = ["EVENT_COLUMNS", "add_events"]

#: aggregate column → panel column
EVENT_COLUMNS: dict[str, str] = {"events": "ev_n", "verbal_coop": "ev_verbal_coop",
                                 "material_coop": "ev_material_coop",
                                 "verbal_conflict": "ev_verbal_conflict",
                                 "material_conflict": "ev_material_conflict",
                                 "goldstein_sum": "ev_goldstein_sum",
                                 "goldstein_mean": "ev_goldstein_mean",
                                 "net_coop": "ev_net_coop"}


def add_events(panel: Panel, events: EventStore | None = None) -> Panel:
    """Event counts 1 → 2 per dyad-year (``ev_n``, ``ev_verbal_coop`` … ``ev_net_coop``) and
    ``ev_months``. ``events`` defaults to the dataset beside the panel's store.

    Example: ``add_events(create_dyad_years(store, start=2018, end=2018))``.
    """
    panel.require_unit("add_events", "dyad_year")
    names = [*EVENT_COLUMNS.values(), "ev_months"]
    panel.require_new("add_events", names)
    dataset = events if events is not None else EventStore.for_backend(panel.tables.backend)
    table = dataset.table(panel.tables.backend)
    if panel.tables.engine == "duckdb":  # the SQL cache re-asks this: files added or removed
        panel.tables.probe(dataset.file_count(panel.tables.backend))
    years = dyad_years(table)
    expr = join_columns(panel.expr, years, {"ccode_1": "ccode_1", "ccode_2": "ccode_2",
                                            "year": "year"}, EVENT_COLUMNS)
    months = coverage(table)
    per_year = months.group_by(year=months.year.cast("int64")).aggregate(
        months=months.count().cast("int64"))
    expr = join_columns(expr, per_year, {"year": "year"}, {"months": "ev_months"})
    covered = expr.ev_months.notnull()
    filled = {EVENT_COLUMNS[name]: ibis.ifelse(covered, expr[EVENT_COLUMNS[name]].fill_null(0),
                                               ibis.null("int64"))
              for name in (*COUNTS, "net_coop")}
    filled["ev_goldstein_sum"] = ibis.ifelse(covered, expr.ev_goldstein_sum.fill_null(0.0),
                                             ibis.null("float64"))
    return panel.evolve(expr.mutate(**filled), "events")
