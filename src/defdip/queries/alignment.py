"""The UN alignment reads: ideal points by year and the stored dyad-year alignment of one state.

The measures (``defdip.measures.alignment``) compute alignment from the roll calls of
:func:`defdip.queries.series.roll_call_votes`; these are the two other reads they make, written
once here as Ibis expressions so they run on every backend the query layer supports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis.expr.types as ir

from defdip.queries.tables import Tables, to_frame

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


def stored_alignment(tables: Tables, ccode: int, partners: Iterable[int], *,
                     start: int | None = None, end: int | None = None) -> Any:
    """The stored ``un_alignment`` rows of ``ccode`` with each of ``partners`` in the years
    ``start``..``end`` (either open), as a DataFrame with the table's own columns."""
    table = tables.table("un_alignment")
    chosen = table.filter(table.ccode_1 == ccode, table.ccode_2.isin([int(p) for p in partners]))
    if start is not None:
        chosen = chosen.filter(chosen.year >= start)
    if end is not None:
        chosen = chosen.filter(chosen.year <= end)
    return to_frame(chosen)
