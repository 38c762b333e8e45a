"""Section "Timeline": what began each year, without the artefacts of how sources record it.

- Exercises recorded by more than one source (MME, JME, the curated record) are counted once:
  two records of different sources starting within a week are one exercise when their names
  share a series or either has no name.
- Only events that *begin* are counted as starts — exercises, agreements signed, arms deals
  ordered, operations, visits. Spells that sources cut into years or snapshots (peacekeeping
  contributions, posts, memberships, troop presence) are drawn as levels, not as starts: a
  snapshot of an old mission is not a new deployment.
- A year outside every source of an instrument draws no bar (unknown, not zero), and the note
  names where each source stops.
"""

from __future__ import annotations

import pandas as pd

from defdip.queries import series, state_record
from defdip.reports import charts
from defdip.reports.facts import BriefContext
from defdip.reports.model import Section
from defdip.reports.sec_engagements import exercise_key

__all__ = ["dedupe_exercises", "timeline_section"]

STARTS = {"exercise": "joint exercises", "defence_agreement": "defence agreements signed",
          "operation": "operations begun", "visit": "high-level visits",
          "arms_order": "arms deals ordered (SIPRI)"}


def dedupe_exercises(frame: pd.DataFrame, days: int = 7) -> pd.DataFrame:
    """One row per exercise: rows (id, start, source, key) of different sources within
    ``days`` of each other, with the same series key or no name, are merged."""
    # a total order (the rows come from SQL in no fixed order): which of two twins is kept,
    # and so the count, must not depend on the order the rows arrived in
    frame = frame.sort_values(["start", "id"], kind="stable").reset_index(drop=True)
    starts = frame["start"].to_numpy(dtype="datetime64[D]").astype("int64")
    sources = frame["source"].tolist()
    keys = frame["key"].tolist()
    heads = [str(k).split()[0] if k else None for k in keys]
    keep: list[int] = []
    for i in range(len(frame)):
        twin = False
        for j in reversed(keep):
            if starts[i] - starts[j] > days:
                break
            if sources[j] != sources[i] and (keys[i] is None or keys[j] is None
                                             or heads[i] == heads[j]):
                twin = True
                break
        if not twin:
            keep.append(i)
    return frame.iloc[keep].reset_index(drop=True)


def _record_starts(ctx: BriefContext, start: int, end: int) -> pd.DataFrame:
    rows = state_record.timeline_starts(ctx.tables, ctx.focal.iso3, start, end)
    ex = rows[rows["kind"] == "exercise"].copy()
    ex["key"] = [exercise_key(n, s) for n, s in zip(ex["name"], ex["series"], strict=True)]
    ex = dedupe_exercises(ex)
    rows = pd.concat([ex, rows[rows["kind"] != "exercise"]], ignore_index=True)
    rows["year"] = rows["start"].dt.year
    return rows.groupby(["kind", "year"]).size().rename("n").reset_index()


def timeline_section(ctx: BriefContext) -> Section:
    end = ctx.end or max(s.last for s in ctx.spans.values())
    start = min(ctx.start, 1990)
    section = Section("timeline", f"Timeline, {start}–{end}")
    counts = _record_starts(ctx, start, end)
    if ctx.store.has("sipri_transfers"):
        orders = state_record.arms_orders(ctx.tables, ctx.focal.iso3, start, end)
        counts = pd.concat([counts, orders], ignore_index=True)
    if counts.empty:
        section.omitted = f"Nothing recorded begins for {ctx.focal.name} in {start}–{end}."
        return section
    series = []
    for kind, words in STARTS.items():
        part = counts[counts["kind"] == kind].sort_values("year")
        if len(part):
            series.append({"name": words, "x": part["year"].tolist(),
                           "y": part["n"].astype(int).tolist()})
    stops = [f"{s.words} {s.years()}" for k, s in ctx.spans.items()
             if k in ("mme_participants", "jme_exercises", "sipri_deliveries")]
    curated = "; after 2010 exercises come from JME" + (
        " and the curated record" if ctx.focal_is_curated() else " only")
    section.figures.append(charts.bars(
        f"What began each year: {ctx.focal.name}", series, y_label="number begun",
        note="Exercises counted once across sources; unnamed exercises included. Sources: "
             + "; ".join(stops) + curated + ". A fall after a source ends is not a trend."))
    _peacekeepers(ctx, section, start, end)
    return section


def _peacekeepers(ctx: BriefContext, section: Section, start: int, end: int) -> None:
    """Monthly-average uniformed personnel in UN missions per year
    (``queries.series.peacekeepers_by_year``, the series the outlook forecasts); months no
    source reports are gaps."""
    if ctx.focal.ccode is None or not (ctx.store.has("un_pko_monthly")
                                       or ctx.store.has("ipi_contributor_month")):
        return
    rows = series.peacekeeping(ctx.tables)
    first, last = ctx.tables.probe(rows.aggregate(a=rows.month.min(), b=rows.month.max()))
    yearly = series.peacekeepers_by_year(ctx.tables, int(ctx.focal.ccode))
    frame = yearly.filter(yearly.year.between(start, end)).order_by("year").execute()
    frame = frame.rename(columns={"peacekeepers": "personnel"})
    covered = f"{str(first)[:7]} to {str(last)[:7]}"
    if not (frame["personnel"] > 0).any():
        section.text.append(f"The UN's peacekeeping data ({covered}) record no uniformed "
                            f"personnel from {ctx.focal.name} in {start}–{end}.")
        return
    section.figures.append(charts.lines(
        f"{ctx.focal.name}'s personnel in UN peace operations (monthly average)",
        [{"name": "personnel", "x": frame["year"].tolist(),
          "y": frame["personnel"].round(0).tolist()}], y_label="people",
        note=f"IPI (to 2014) then the UN's monthly reports, {covered}: the mean over the "
             "months reported (a reported month without personnel counts 0); years no "
             "source reports are left out: unknown, not zero."))
