"""Engagement index: how much two states engage militarily and diplomatically in a year.

Why: the instruments of defence diplomacy (exercises, arms, agreements, alliances,
peacekeeping, embassies) are recorded in different units — counts, TIV millions, 0/1 presence.
A single, documented composite per dyad-year lets the network-standing measures and the
effect models treat "engagement" as one quantity while keeping each instrument visible.

Per dyad-year and instrument (directed rows in both orders, like ``un_alignment``):

========================  ======================================================  =========
column                    what, from which table                                  component
========================  ======================================================  =========
``exercises``             distinct exercises both joined as host/participant/     log1p-max
                          organiser, by start year (``engagements`` kind
                          exercise; else ``mme_participants``)
``arms_tiv_1to2``/``2to1`` SIPRI TIV delivered that year, 1→2 and 2→1             log1p-max
                          (``sipri_deliveries``, per-year deliveries)              of the sum
``agreements``            defence agreements in force with both as parties        log1p-max
                          (``engagements`` kind defence_agreement)
``alliance``              1 if any ATOP obligation binds the pair, in either      0/1
                          direction (``atop_dyad_year``)
``peacekeeping``          distinct UN missions both contributed personnel to      log1p-max
                          (``ipi_contributor_mission_month``; 2009–2014 only)
``embassy_1in2``/``2in1`` 1 if 1 has an embassy in 2 (``lowy_posts``; the Lowy     mean of
                          editions 2016, 2017, 2019, 2021, 2023 only)             the two
========================  ======================================================  =========

"log1p-max" scales ``log(1 + x)`` by the year's largest ``log(1 + x)`` over all dyads, so each
component is in [0, 1], a heavy tail (the US–Saudi TIV) does not flatten everyone else, and
years stay comparable in rank. The index is the weighted mean of the components with
:class:`EngagementWeights` (weights of instruments whose table is not loaded are dropped and
the rest renormalised), so it is in [0, 1]. Rows exist only where some instrument is non-zero;
a missing dyad-year means no recorded engagement.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from defdip.errors import InvalidArgument, NotLoaded
from defdip.store import Store

__all__ = [
    "INDEX_COLUMNS",
    "EngagementWeights",
    "engagement_index",
    "instrument_sources",
]

INDEX_COLUMNS = ("ccode_1", "ccode_2", "year", "exercises", "arms_tiv_1to2", "arms_tiv_2to1",
                 "agreements", "alliance", "peacekeeping", "embassy_1in2", "embassy_2in1",
                 "instruments", "engagement_index")
#: The index's six components and the raw columns behind each (in INDEX_COLUMNS' order).
INSTRUMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "exercises": ("exercises",), "arms": ("arms_tiv_1to2", "arms_tiv_2to1"),
    "agreements": ("agreements",), "alliance": ("alliance",),
    "peacekeeping": ("peacekeeping",), "diplomatic": ("embassy_1in2", "embassy_2in1"),
}


@dataclass(frozen=True)
class EngagementWeights:
    """Weights of the index's six components (see ``docs/measures.md`` for the defaults)."""

    exercises: float = 0.25
    arms: float = 0.20
    agreements: float = 0.20
    alliance: float = 0.15
    peacekeeping: float = 0.10
    diplomatic: float = 0.10

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not np.isfinite(value) or value < 0:
                raise InvalidArgument(f"weight {name}={value!r} must be a finite number >= 0 "
                                      "(e.g. EngagementWeights(exercises=0.3)).")
        if sum(asdict(self).values()) <= 0:
            raise InvalidArgument("every engagement weight is 0: give at least one instrument "
                                  "a positive weight.")


# Each query yields directed rows (ccode_1, ccode_2, year, instrument, value).
_PAIRS_FROM_GROUPS = """
    SELECT a.ccode AS ccode_1, b.ccode AS ccode_2, a.year, '{name}' AS instrument,
           count(DISTINCT a.grp)::DOUBLE AS value
    FROM g a JOIN g b ON a.grp = b.grp AND a.year = b.year AND a.ccode <> b.ccode
    GROUP BY ALL"""

_QUERIES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "exercises": (
        (("engagements", "engagement_actors"), """
         WITH g AS (SELECT DISTINCT e.id AS grp, year(e.start)::BIGINT AS year,
                           x.ccode::BIGINT AS ccode
                    FROM engagements e JOIN engagement_actors x ON x.engagement_id = e.id
                    WHERE e.kind = 'exercise' AND e.start IS NOT NULL AND x.ccode IS NOT NULL
                      AND x.role IN ('host', 'participant', 'organiser'))"""
         + _PAIRS_FROM_GROUPS.format(name="exercises")),
        (("mme_participants",), """
         WITH g AS (SELECT DISTINCT mme_id AS grp, year::BIGINT AS year, ccode::BIGINT AS ccode
                    FROM mme_participants WHERE ccode IS NOT NULL AND year IS NOT NULL)"""
         + _PAIRS_FROM_GROUPS.format(name="exercises")),
    ),
    "arms": ((("sipri_deliveries",), """
         WITH t AS (SELECT supplier_ccode::BIGINT AS s, recipient_ccode::BIGINT AS r,
                           year::BIGINT AS year, sum(tiv) AS tiv
                    FROM sipri_deliveries
                    WHERE supplier_ccode IS NOT NULL AND recipient_ccode IS NOT NULL
                      AND supplier_ccode <> recipient_ccode AND tiv > 0 GROUP BY ALL)
         SELECT s, r, year, 'arms_tiv_1to2', tiv FROM t
         UNION ALL SELECT r, s, year, 'arms_tiv_2to1', tiv FROM t"""),),
    "agreements": ((("engagements", "engagement_actors"), """
         WITH e AS (SELECT id, year(start)::BIGINT AS y0, year("end")::BIGINT AS y1
                    FROM engagements WHERE kind = 'defence_agreement' AND start IS NOT NULL),
              horizon AS (SELECT max(y0) AS last FROM e),
              g AS (SELECT DISTINCT e.id AS grp, r.year, x.ccode::BIGINT AS ccode
                    FROM e JOIN engagement_actors x ON x.engagement_id = e.id, horizon,
                         range(1800, 2200) r(year)
                    WHERE x.role = 'party' AND x.ccode IS NOT NULL
                      AND r.year BETWEEN e.y0 AND greatest(coalesce(e.y1, horizon.last), e.y0))
         """ + _PAIRS_FROM_GROUPS.format(name="agreements")),),
    "alliance": ((("atop_dyad_year",), """
         WITH t AS (SELECT DISTINCT least(ccode1, ccode2)::BIGINT AS a,
                           greatest(ccode1, ccode2)::BIGINT AS b, year::BIGINT AS year
                    FROM atop_dyad_year
                    WHERE greatest(atop_defense, atop_offense, atop_neutral, atop_nonagg,
                                   atop_consul) > 0)
         SELECT a, b, year, 'alliance', 1.0 FROM t
         UNION ALL SELECT b, a, year, 'alliance', 1.0 FROM t"""),),
    "peacekeeping": ((("ipi_contributor_mission_month",), """
         WITH g AS (SELECT DISTINCT mission AS grp, year(date)::BIGINT AS year,
                           ccode::BIGINT AS ccode
                    FROM ipi_contributor_mission_month WHERE ccode IS NOT NULL AND total > 0)
         """ + _PAIRS_FROM_GROUPS.format(name="peacekeeping")),),
    "diplomatic": ((("lowy_posts",), """
         WITH t AS (SELECT DISTINCT sender_ccode::BIGINT AS s, host_ccode::BIGINT AS h,
                           year::BIGINT AS year
                    FROM lowy_posts WHERE post_type = 'embassy' AND sender_ccode IS NOT NULL
                      AND host_ccode IS NOT NULL AND sender_ccode <> host_ccode)
         SELECT s, h, year, 'embassy_1in2', 1.0 FROM t
         UNION ALL SELECT h, s, year, 'embassy_2in1', 1.0 FROM t"""),),
}


def instrument_sources(store: Store) -> dict[str, str | None]:
    """For each component, the table it will be computed from, or None when none is loaded."""
    present = set(store.tables())
    chosen: dict[str, str | None] = {}
    for component, options in _QUERIES.items():
        chosen[component] = None
        for tables, _sql in options:
            if set(tables) <= present and _has_rows(store, tables[0], component):
                chosen[component] = tables[0]
                break
    return chosen


def _has_rows(store: Store, table: str, component: str) -> bool:
    if table != "engagements":
        return True
    kind = "exercise" if component == "exercises" else "defence_agreement"
    return bool(store.sql("SELECT count(*) AS n FROM engagements WHERE kind = ?",
                          [kind])["n"].iloc[0])


def _log_scaled(values: pd.Series, year: pd.Series) -> pd.Series:
    logged = np.log1p(values.fillna(0.0))
    top = logged.groupby(year).transform("max")
    return (logged / top.where(top > 0)).fillna(0.0)


def engagement_index(store: Store, weights: EngagementWeights | None = None, *,
                     start: int | None = None, end: int | None = None,
                     sources: dict[str, str | None] | None = None) -> pd.DataFrame:
    """The engagement index per directed dyad-year (columns :data:`INDEX_COLUMNS`).

    Instruments whose table is not loaded are null columns and carry no weight; raises
    :class:`NotLoaded` when none is loaded. ``sources`` is :func:`instrument_sources` of the
    store, for a caller that has asked already.
    """
    weights = weights or EngagementWeights()
    sources = sources if sources is not None else instrument_sources(store)
    parts = []
    for component, table in sources.items():
        if table is None:
            continue
        sql = next(q for tables, q in _QUERIES[component] if tables[0] == table)
        parts.append(f"SELECT * FROM ({sql}) AS q(ccode_1, ccode_2, year, instrument, value)")
    if not parts:
        raise NotLoaded("sipri_deliveries", "sipri_deliveries")
    where = []
    if start is not None:
        where.append(f"year >= {int(start)}")
    if end is not None:
        where.append(f"year <= {int(end)}")
    raw_columns = INDEX_COLUMNS[3:-2]
    pivot = ", ".join(f"sum(value) FILTER (WHERE instrument = '{c}') AS {c}"
                      for c in raw_columns)
    frame = store.sql(f"SELECT ccode_1, ccode_2, year, {pivot} FROM ("
                      + " UNION ALL ".join(parts) + ") AS u "
                      + (f"WHERE {' AND '.join(where)} " if where else "")
                      + "GROUP BY ALL ORDER BY year, ccode_1, ccode_2")
    return _combine(frame, sources, weights)


def _combine(frame: pd.DataFrame, sources: dict[str, str | None],
             weights: EngagementWeights) -> pd.DataFrame:
    """Fill known-zero instruments, normalise each component and take the weighted mean."""
    for component, columns in INSTRUMENT_GROUPS.items():
        for column in columns:
            frame[column] = frame[column].astype("float64")
            if sources[component] is not None:
                frame[column] = frame[column].fillna(0.0)
    year = frame["year"]
    components = {
        "exercises": _log_scaled(frame["exercises"], year),
        "arms": _log_scaled(frame["arms_tiv_1to2"] + frame["arms_tiv_2to1"], year),
        "agreements": _log_scaled(frame["agreements"], year),
        "alliance": frame["alliance"].clip(0, 1),
        "peacekeeping": _log_scaled(frame["peacekeeping"], year),
        "diplomatic": (frame["embassy_1in2"] + frame["embassy_2in1"]) / 2.0,
    }
    chosen = {c: w for c, w in asdict(weights).items() if sources[c] is not None}
    total = sum(chosen.values())
    index = sum((w / total) * components[c].fillna(0.0) for c, w in chosen.items()) \
        if total > 0 else pd.Series(np.nan, index=frame.index)
    frame["instruments"] = sum((components[c].fillna(0.0) > 0).astype("int64")
                               for c in INSTRUMENT_GROUPS)
    frame["engagement_index"] = index
    for column in ("ccode_1", "ccode_2", "year"):
        frame[column] = frame[column].astype("int64")
    return frame[list(INDEX_COLUMNS)].reset_index(drop=True)
