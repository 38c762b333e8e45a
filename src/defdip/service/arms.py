"""Arms transfers for the explorer: the register filtered by weapon, SIPRI-style TIV tables
(partner × year) and the weapon categories; cached by (question, data vintage)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from defdip.service.cache import memo, vintage, vocabulary
from defdip.service.context import Context
from defdip.service.results import Result

__all__ = ["WINDOW", "SipriYears", "actor", "categories", "deals", "default_years", "sipri_years",
           "tiv_table"]

#: The default delivery years: the last five SIPRI's deliveries cover (as its fact sheets).
WINDOW = 5


@dataclass(frozen=True)
class SipriYears:
    """The delivery years asked, clipped to the years SIPRI's deliveries cover."""

    start: int
    end: int
    covered: tuple[int, int]
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        first, last = self.covered
        return (f"SIPRI TIV delivered {self.start}–{self.end} (SIPRI's deliveries cover every "
                f"state, {first}–{last}: a state not listed delivered, or received, nothing)")


def sipri_years(store: Any, start: int, end: int,
                options: tuple[str, str] = ("--years", "--years")) -> SipriYears:
    """``start``–``end`` clipped to the years of SIPRI's deliveries, with a note for each
    end clipped; :class:`~defdip.errors.InvalidArgument` when the years lie wholly outside
    them (there an empty ranking would say "nobody delivered anything", which no source
    says). ``options`` name the arguments in the messages (the CLI's ``--years``, the API's
    ``from``/``to``)."""
    from defdip.analysis.period import analysis_period
    from defdip.queries.tables import Tables

    tables = Tables.from_store(store)
    if not tables.has("sipri_deliveries"):  # the measure says what to load
        return SipriYears(start, end, (start, end))
    period = analysis_period(tables, ("arms",), start, end,
                             default_start=start, options=options)
    return SipriYears(period.start, period.end, period.covered, period.notes)


def actor(ctx: Context, country: str) -> str:
    """The key (ISO3, or a SIPRI label such as 'NATO') the arms measures read ``country``
    as; an ambiguous or unknown name raises the one resolver's error (the store's
    vocabulary, else the reference files')."""
    from defdip.queries.names import actor_key, vocabulary

    with ctx.reading() as store:
        return actor_key(country, vocabulary(store), "country")


def default_years(ctx: Context, start: int | None = None, end: int | None = None
                  ) -> tuple[int, int]:
    """The delivery years to use when one end or both are not given: the last
    :data:`WINDOW` years SIPRI's deliveries cover (kept per data vintage), so the default
    moves with each new SIPRI release; :class:`~defdip.errors.NotLoaded` without them."""
    from defdip.errors import NotLoaded
    from defdip.service.quick import sipri_span

    if start is not None and end is not None:
        return start, end
    with ctx.reading() as store:
        span = sipri_span(store)
    if span is None:
        raise NotLoaded("sipri_deliveries", "sipri_transfers")
    first, last = span
    if end is None:
        end = last if start is None else max(start, last)
    return (max(first, end - WINDOW + 1) if start is None else start), end


def categories(ctx: Context) -> Result:
    """SIPRI's weapon categories in the delivery export."""
    import pandas as pd

    from defdip.measures.arms import arms_categories

    def compute() -> Result:
        with ctx.reading() as store:
            names = arms_categories(store)
        return Result("SIPRI weapon categories", table=pd.DataFrame({"category": names}),
                      vintage=vintage(ctx))

    return memo(ctx, "arms_categories", "", compute)


def deals(ctx: Context, country: str, role: str, start: int, end: int, *,
          weapon: str | None = None) -> Result:
    """Register deals of ``country`` as ``role`` ordered or delivered in the years, those
    whose weapon designation or description contains ``weapon`` only."""
    from defdip.measures.arms import arms_deals

    def compute() -> Result:
        with ctx.reading() as store:
            frame = arms_deals(store, country, role, start, end, vocab=vocabulary(ctx),
                               weapon=weapon)
        return Result(f"SIPRI register: deals of {country} as {role}, {start}–{end}",
                      table=frame, vintage=vintage(ctx),
                      coverage="SIPRI Arms Transfers Database, trade register")

    return memo(ctx, "arms_deals", (country, role, start, end, weapon or ""), compute)


def tiv_table(ctx: Context, country: str | None, role: str, start: int, end: int, *,
              category: str | None = None, wide: bool = False,
              options: tuple[str, str] = ("from", "to")) -> Result:
    """TIV delivered per actor and year (SIPRI's TIV tables): ``country``'s partners, or
    every ``role`` actor of the world; ``wide``: one column per year plus the total, largest
    first (a year with no delivery is blank: none recorded). The years are clipped to
    SIPRI's (:func:`sipri_years`)."""
    import pandas as pd

    from defdip.measures.arms import arms_tiv

    def compute() -> Result:
        with ctx.reading() as store:
            years = sipri_years(store, start, end, options)
            frame = arms_tiv(store, country, role, years.start, years.end,
                             category=category, vocab=vocabulary(ctx))
        if wide:
            table = frame.pivot_table(index=["actor", "name"], columns="year", values="tiv",
                                      aggfunc="sum")
            table = table.reindex(columns=range(years.start, years.end + 1))
            table.columns = [str(c) for c in table.columns]
            table.insert(0, "total", table.sum(axis=1, min_count=1))
            frame = table.sort_values("total", ascending=False).reset_index()
        who = f"partners of {country}" if country else f"{role}s"
        return Result(f"TIV delivered, {who} by year, {years.start}–{years.end}"
                      + (f" ({category})" if category else ""), table=pd.DataFrame(frame),
                      coverage=years.describe() + "; a year with no delivery is blank",
                      notes=years.notes, vintage=vintage(ctx), detail=years)

    return memo(ctx, "arms_tiv", (country, role, start, end, category or "", wide, options),
                compute)
