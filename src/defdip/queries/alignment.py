"""The UN alignment reads: ideal points by year and the stored dyad-year alignment of one state.

The measures (``defdip.measures.alignment``) compute alignment from the roll calls of
:func:`defdip.queries.series.roll_call_votes`; these are the two other reads they make,
written once here: the ideal points as an Ibis expression, the everyday read of the stored
table as one plain statement (its docstring says why).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis.expr.types as ir

from defdip.queries.tables import Tables

__all__ = ["IDEAL_POINT_YEAR_OFFSET", "ideal_points", "stored_alignment"]

#: An ideal-point session s is placed in year s + 1945, the year the session opens (the
#: measures' module docstring says why).
IDEAL_POINT_YEAR_OFFSET = 1945


def ideal_points(tables: Tables) -> ir.Table:
    """ccode, year (session + 1945), ideal_point of every reliable estimate: rows the source
    flags ``unreliable`` (Turkey's session 78, estimated from 2 votes) are left out, so their
    distances are NULL rather than wrong."""
    points = tables.table("unga_ideal_points")
    reliable = points.filter(~points.unreliable.fill_null(False))
    return reliable.select(ccode=reliable.ccode,
                           year=reliable.session + IDEAL_POINT_YEAR_OFFSET,
                           ideal_point=reliable.ideal_point)


def stored_alignment(store: Any, ccode: int, partners: Iterable[int], *,
                     start: int | None = None, end: int | None = None) -> Any:
    """The stored ``un_alignment`` rows of ``ccode`` with each of ``partners`` in the years
    ``start``..``end`` (either open), as a DataFrame with the table's own columns.

    Plain SQL, on purpose: this is ``defdip alignment``'s everyday read, one filter over one
    stored table, and building an Ibis expression for it costs ~0.2 s in a fresh process
    (the Ibis compiler or backend import) against a 0.5 s budget for the whole command. The
    statement is standard SQL any store runs.
    """
    chosen = [int(p) for p in partners]
    marks = ", ".join("?" for _ in chosen)
    return store.sql(f"SELECT * FROM un_alignment WHERE ccode_1 = ? AND ccode_2 IN ({marks}) "
                     "AND year BETWEEN ? AND ?",
                     [int(ccode), *chosen, start if start is not None else -1,
                      end if end is not None else 10**6])
