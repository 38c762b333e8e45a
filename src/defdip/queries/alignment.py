"""The UN alignment read beside the roll calls: the ideal points by year.

The measures (``defdip.measures.alignment``) compute alignment from the roll calls of
:func:`defdip.queries.series.roll_call_votes` and these ideal points; the stored table's read
for one state is :func:`defdip.queries.everyday.stored_alignment` (the everyday command's).
"""

from __future__ import annotations

import ibis.expr.types as ir

from defdip.queries.tables import Tables

__all__ = ["IDEAL_POINT_YEAR_OFFSET", "ideal_points"]

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

