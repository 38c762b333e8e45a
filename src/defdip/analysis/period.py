"""The years an analysis runs over: to the last year its inputs cover, never past it.

Every analysis reads inputs whose years are data (:mod:`defdip.queries.coverage`): the UN
roll-call series runs 1946-2026 (Voeten, then the UN's recorded votes), the ideal points to
their last session, SIPRI to its last delivery year, and so on. So no analysis has a
hard-coded last year: left out, ``end`` is the last year the analysis's inputs cover for the
focal state; a year range past the data is clipped to it, with a notice in the result; a
range entirely outside the data is an error naming the argument and the covered years.

Two ways to combine inputs: an analysis that needs every input in a row (an event study needs
both the onset and the outcome) runs over the years they *all* cover (``need="all"``); one that
shows several series side by side (trends, a region, the tension monitor) runs over the years
*any* covers (``need="any"``), each series blank outside its own years.

Forecasts follow one rule, :func:`forecast_refusal`: only a series that reaches into the
last :data:`FORECAST_REACH` years of the period is forecast (the brief's outlook and
``defdip trends`` both ask it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from defdip.errors import InvalidArgument
from defdip.queries import instruments, series
from defdip.queries.coverage import Coverage, Segment, table_coverage
from defdip.queries.tables import Tables

__all__ = [
    "FORECAST_REACH",
    "INPUTS",
    "Period",
    "analysis_period",
    "forecast_refusal",
    "input_coverage",
]

#: A series is forecast only if it runs to within ``FORECAST_REACH`` years of the end of the
#: period asked for (its last observed year is end − 2, end − 1 or end; issue 10's rule): a
#: forecast from a series that stopped earlier would be a forecast of years already past.
FORECAST_REACH = 2


def forecast_refusal(last_seen: int, end: int) -> str | None:
    """None if a series observed to ``last_seen`` may be forecast in a period ending in
    ``end``; otherwise the reason in words (for the table's ``note``/``why``)."""
    if end - last_seen <= FORECAST_REACH:
        return None
    return (f"the data end in {last_seen}, more than {FORECAST_REACH} years before the end "
            f"of the period ({end}): a forecast would be of years already past")


def _roll_calls(tables: Tables) -> Coverage:
    """The UN roll-call series (``queries.series.roll_calls``), one segment per origin, cut
    at the last year of the stored ``un_alignment`` measure the analyses read (a store whose
    measures were built to an earlier year covers only that far)."""
    if not (tables.has("unga_roll_calls") or tables.has("dgacm_resolutions")):
        return Coverage("un_votes", ())
    calls = series.roll_calls(tables)
    spans = calls.group_by("origin").aggregate(lo=calls.year.min(), hi=calls.year.max())
    cap = 10_000
    if tables.has("un_alignment"):
        built = tables.table("un_alignment")
        (top,) = tables.probe(built.aggregate(top=built.year.max()))
        cap = int(top) if top is not None else -1
    names = {"voeten": "unga_votes", "dgacm": "unga_votes_dgacm"}
    return Coverage("un_votes", tuple(Segment(names[o], int(lo), min(int(hi), cap))
                                      for o, lo, hi in sorted(tables.rows(spans),
                                                              key=lambda r: r[1])
                                      if int(lo) <= cap))


def _peacekeepers(tables: Tables) -> Coverage:
    """Contributor totals 1990-2025 (``queries.series.peacekeeping``), one segment per
    origin (IPI, then the UN's monthly reports); months no source reports are gaps."""
    if not any(tables.has(t) for t in ("ipi_contributor_month", "un_pko_monthly")):
        return Coverage("peacekeepers", ())
    rows = series.peacekeeping(tables)
    spans = rows.group_by("origin").aggregate(lo=rows.year.min(), hi=rows.year.max())
    names = {"ipi": "ipi_peacekeeping", "un_monthly": "un_peacekeeping_monthly"}
    return Coverage("peacekeepers", tuple(Segment(names[o], int(lo), int(hi))
                                          for o, lo, hi in sorted(tables.rows(spans),
                                                                  key=lambda r: r[1])))


def _spells(name: str, table: str, source: str, lo: str, hi: str
            ) -> Callable[[Tables], Coverage]:
    """Coverage of a table of spells (rivalries): its first start to its last end."""
    def read(tables: Tables) -> Coverage:
        if not tables.has(table):
            return Coverage(name, ())
        t = tables.table(table)
        first, last = tables.probe(t.aggregate(a=t[lo].min(), b=t[hi].max()))
        if first is None:
            return Coverage(name, ())
        return Coverage(name, (Segment(source, int(first), int(last)),))
    return read


def _table(name: str, table: str, source: str, column: str = "year"
           ) -> Callable[[Tables], Coverage]:
    return lambda tables: table_coverage(tables, name, table, source, column)


def _instrument(name: str) -> Callable[[Tables], Coverage]:
    return lambda tables: instruments.coverage(tables, name)


#: input name → how its coverage is read (the one place an analysis's inputs are named).
INPUTS: dict[str, Callable[[Tables], Coverage]] = {
    "un_votes": _roll_calls,
    "ideal_points": _table("ideal_points", "unga_ideal_points", "unga_ideal_points"),
    "arms": _instrument("arms"),
    "exercises": _instrument("exercises"),
    "agreements": _instrument("agreements"),
    "peacekeeping": _instrument("peacekeeping"),
    "peacekeepers": _peacekeepers,
    "embassies": _instrument("diplomatic"),
    "alliance": _instrument("alliance"),
    "mid": _table("mid", "cow_mid_directed", "cow_mids"),
    "war": _table("war", "cow_war_inter", "cow_wars"),
    "td_rivalry": _spells("td_rivalry", "td_rivalries", "td_rivalries", "styear", "endyear"),
    "tss_rivalry": _spells("tss_rivalry", "tss_rivalries", "tss_rivalries", "start", "end"),
}


def input_coverage(tables: Tables, name: str) -> Coverage:
    """The coverage of one of :data:`INPUTS`."""
    if name not in INPUTS:
        raise InvalidArgument(f"Unknown analysis input {name!r}; known: {sorted(INPUTS)}.")
    return INPUTS[name](tables)


@dataclass(frozen=True)
class Period:
    """The years an analysis ran over, the years its inputs cover, and what was clipped."""

    start: int
    end: int
    covered: tuple[int, int]
    inputs: tuple[Coverage, ...]
    notes: tuple[str, ...] = ()
    iso3: str | None = None

    def describe(self) -> str:
        """The inputs and their years in words, for the result's coverage line."""
        who = f" for {self.iso3}" if self.iso3 else ""
        parts = [f"{c.instrument}: {_words(segs)}"
                 for c, segs in ((c, _segments(c, self.iso3)) for c in self.inputs) if segs]
        return (f"period {self.start}–{self.end}; its inputs{who}: "
                f"{' | '.join(parts) or 'none'}")

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "covered": list(self.covered),
                "inputs": [c.to_dict() for c in self.inputs], "notes": list(self.notes),
                "text": self.describe()}


def _words(segments: tuple[Segment, ...]) -> str:
    """Segments in words, one source once: 'lowy_gdi 2016, 2017, 2019 (all states)'."""
    by_source: dict[tuple[str, tuple[str, ...] | None], list[Segment]] = {}
    for s in segments:
        by_source.setdefault((s.source, s.states), []).append(s)
    out = []
    for (source, states), parts in by_source.items():
        years = ", ".join(f"{s.first}–{s.last}" if s.first != s.last else str(s.first)
                          for s in parts)
        who = "all states" if states is None else ", ".join(states) + " only"
        out.append(f"{source} {years} ({who})")
    return "; ".join(out)


def _segments(cov: Coverage, iso3: str | None) -> tuple[Segment, ...]:
    """The segments that observe ``iso3`` (every segment when no state is given)."""
    return tuple(s for s in cov.segments
                 if s.states is None or (iso3 is not None and iso3 in s.states))


def analysis_period(tables: Tables, needs: Sequence[str], start: int | None,
                    end: int | None, *, default_start: int, iso3: str | None = None,
                    need: str = "any", options: tuple[str, str] = ("--from", "--to"),
                    extra: Sequence[Coverage] = ()) -> Period:
    """The years to run over: ``start`` (default ``default_start``) to ``end`` (default: the
    last year the inputs ``needs`` cover for ``iso3``), clipped to the covered years with a
    note; :class:`InvalidArgument` when the range lies wholly outside them or no input is
    loaded. A default left out is clipped silently; only a year the caller gave gets a
    note. ``extra`` adds coverages read elsewhere (the event files)."""
    if need not in ("any", "all"):
        raise InvalidArgument(f"need {need!r} must be 'any' or 'all'.")
    inputs = tuple(input_coverage(tables, n) for n in needs) + tuple(extra)
    spans = [(min(s.first for s in segs), max(s.last for s in segs))
             for segs in (_segments(c, iso3) for c in inputs) if segs]
    names = ", ".join(c.instrument for c in inputs) or "none"
    if not spans or (need == "all" and len(spans) < len(inputs)):
        raise InvalidArgument(f"No data for this analysis: its inputs ({names}) are not loaded"
                              f"{' for ' + iso3 if iso3 else ''}; load them with `defdip "
                              "load`.")
    if need == "all":
        first, last = max(a for a, _ in spans), min(b for _, b in spans)
    else:
        first, last = min(a for a, _ in spans), max(b for _, b in spans)
    if first > last:
        raise InvalidArgument(f"The inputs ({names}) share no year: " + "; ".join(
            c.describe() for c in inputs) + ".")
    lo = default_start if start is None else start
    hi = last if end is None else end
    covered = f"{first}–{last}"
    if lo > last:
        raise InvalidArgument(f"{options[0]} {lo!r} is after the last year the data cover "
                              f"({covered}, {names}); pass {options[0]} {last} or earlier.")
    if hi < first:
        raise InvalidArgument(f"{options[1]} {hi!r} is before the first year the data cover "
                              f"({covered}, {names}); pass {options[1]} {first} or later.")
    if lo > hi:
        raise InvalidArgument(f"{options[0]} {lo!r} is after {options[1]} {hi!r}: pass the "
                              f"earlier year first (the data cover {covered}).")
    notes = []
    if end is not None and hi > last:
        notes.append(f"{options[1]} {hi} is past the last year the data cover ({names}: "
                     f"{covered}): clipped to {last}.")
    if start is not None and lo < first:
        notes.append(f"{options[0]} {lo} is before the first year the data cover ({names}: "
                     f"{covered}): clipped to {first}.")
    return Period(max(lo, first), min(hi, last), (first, last), inputs, tuple(notes), iso3)
