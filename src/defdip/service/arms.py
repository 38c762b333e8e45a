"""Arms transfers for the explorer: the register filtered by weapon, SIPRI-style TIV tables
(partner × year) and the weapon categories; cached by (question, data vintage)."""

from __future__ import annotations

from defdip.service.cache import memo, vintage, vocabulary
from defdip.service.context import Context
from defdip.service.results import Result

__all__ = ["categories", "deals", "tiv_table"]


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
              category: str | None = None, wide: bool = False) -> Result:
    """TIV delivered per actor and year (SIPRI's TIV tables): ``country``'s partners, or
    every ``role`` actor of the world; ``wide``: one column per year plus the total, largest
    first (a year with no delivery is blank: none recorded)."""
    import pandas as pd

    from defdip.measures.arms import arms_tiv

    def compute() -> Result:
        with ctx.reading() as store:
            frame = arms_tiv(store, country, role, start, end, category=category,
                             vocab=vocabulary(ctx))
        if wide:
            table = frame.pivot_table(index=["actor", "name"], columns="year", values="tiv",
                                      aggfunc="sum")
            table = table.reindex(columns=range(start, end + 1))
            table.columns = [str(c) for c in table.columns]
            table.insert(0, "total", table.sum(axis=1, min_count=1))
            frame = table.sort_values("total", ascending=False).reset_index()
        who = f"partners of {country}" if country else f"{role}s"
        return Result(f"TIV delivered, {who} by year, {start}–{end}"
                      + (f" ({category})" if category else ""), table=pd.DataFrame(frame),
                      coverage=f"SIPRI deliveries (TIV, millions) {start}–{end}",
                      vintage=vintage(ctx))

    return memo(ctx, "arms_tiv", (country, role, start, end, category or "", wide), compute)
