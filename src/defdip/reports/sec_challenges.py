"""Section "Challenges": tension partners, the event balance with them where event files are
loaded (one sentence saying so where they are not), restrictions aimed at the state, the UN-embargo
screening of its own exports, and domestic breakpoints tested with a multiple-testing
correction (degenerate tests left out)."""

from __future__ import annotations

import pandas as pd

from defdip import analysis
from defdip.analysis.event_balance import event_balance
from defdip.analysis.inference import holm, informative_tests
from defdip.analysis.restrictions import restrictions_on
from defdip.errors import DefdipError
from defdip.reports import choose
from defdip.reports.facts import BriefContext
from defdip.reports.model import Section
from defdip.store.events import EventStore

__all__ = ["SERIES", "challenges_section"]

SERIES = {"ideal_point": "UN ideal point", "agree_us": "agreement with the USA at the UN",
          "arms_out_tiv": "arms exports (TIV)", "arms_in_tiv": "arms imports (TIV)",
          "exercises": "multinational exercises (MME and JME to 2010; the curated "
                       "record, for its focal states only, after)"}


def _tension(ctx: BriefContext, section: Section) -> list[int]:
    """The tension table and finding; returns the tension partners' COW codes."""
    last = ctx.last("cow_mid_directed") or ctx.last("td_rivalries")
    if last is None:
        return []
    first = max(ctx.start, 1990)
    try:
        result = analysis.tension_monitor(ctx.store, ctx.focal.iso3, start=first, end=last)
    except DefdipError as exc:
        section.text.append(f"No tension monitor: {exc}")
        return []
    top = choose.tension_partners(ctx, result.partners)
    if top.empty:
        section.text.append(f"No rivalry or militarized dispute involves {ctx.focal.name} in "
                            f"{first}–{last}.")
        return []
    section.tables[f"Tension partners {first}–{last} (rivalries, disputes)"] = pd.DataFrame({
        "partner": top["name_2"], "rivalry": top["rivalry"].map({1: "yes", 0: "no"}),
        "dispute onsets (MID)": top["mid_onsets"].astype("Int64"),
        "years with a dispute": top["mid_years"].astype("Int64"),
        "years allied or trading arms": top["allied_years"].astype("Int64")})
    both = top[top["years_coexisting"] > 0]
    names = ", ".join(top["name_2"].head(4))
    section.find(f"Tension: {names} — rivalries or militarized disputes with "
                 f"{ctx.focal.name} in {first}–{last} (COW MID to {last}; rivalry data)"
                 + (f"; with {', '.join(both['name_2'].head(3))} tension coexists with "
                    "alliance ties or arms trade." if len(both) else "."), "strong", rank=12)
    return [int(c) for c in top["ccode_2"]]


def _events(ctx: BriefContext, section: Section, partners: list[int]) -> None:
    """The event balance with the tension partners over the months the loaded event files
    cover (as ``defdip tension --events``), or one sentence that none are loaded."""
    dataset = ctx.events if ctx.events is not None else EventStore.beside(ctx.store)
    covered = dataset.months() if dataset.uri is None else []
    if not dataset.exists() or not covered:
        section.text.append("Event data: none loaded, so the brief shows no event balance "
                            "(cooperation against conflict) with the tension partners; load "
                            "ICEWS, GDELT or POLECAT files with `defdip events load FILES`.")
        return
    first = max(ctx.start, int(covered[0][:4]))
    last = int(covered[-1][:4]) if ctx.end is None else min(ctx.end, int(covered[-1][:4]))
    if first > last or ctx.focal.ccode is None:
        section.text.append(f"Event data: the loaded files cover {covered[0]} to "
                            f"{covered[-1]}, outside the brief's years.")
        return
    balance = event_balance(ctx.store, int(ctx.focal.ccode), first, last, dataset)
    months = [m for m in covered if first <= int(m[:4]) <= last]
    span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
    words = f"{len(months)} month{'s' if len(months) > 1 else ''} ({span})"
    frame = balance.months[balance.months["ccode_2"].astype("int64").isin(partners)]
    if frame.empty:
        section.text.append(f"Event data: the loaded files cover {words}; they hold no "
                            f"interstate event between {ctx.focal.name} and its tension "
                            "partners.")
        return
    sums = frame.groupby("ccode_2", sort=False)[
        ["events", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict"]
    ].sum().reset_index()
    sums["months with events"] = frame.groupby("ccode_2", sort=False)["month"].nunique() \
        .to_numpy()
    coop = sums["verbal_coop"] + sums["material_coop"]
    conflict = sums["verbal_conflict"] + sums["material_conflict"]
    table = pd.DataFrame({"partner": sums["ccode_2"].map(ctx.name),
                          "months with events": sums["months with events"],
                          "events": sums["events"].astype("int64"),
                          "cooperation": coop.astype("int64"),
                          "conflict": conflict.astype("int64"),
                          "net cooperation": (coop - conflict).astype("int64")})
    table = table.sort_values("events", ascending=False).reset_index(drop=True)
    section.tables[f"Event balance with the tension partners, {span} (interstate events, "
                   "both directions)"] = table
    top = table.head(4)
    shown = "; ".join(f"{p} {c} cooperative, {k} conflictual" for p, c, k in
                      zip(top["partner"], top["cooperation"], top["conflict"], strict=True))
    section.find(f"Event balance, {words} of loaded event data only: {shown} (interstate "
                 "events with its tension partners, both directions; months not covered are "
                 "not counted).", "weak", rank=30)


def _restrictions(ctx: BriefContext, section: Section) -> None:
    frame = restrictions_on(ctx.focal.iso3)
    if frame.empty:
        section.text.append(f"The curated list of restrictions aimed at a state holds none "
                            f"for {ctx.focal.name} (it covers few states so far: absence "
                            "here is not evidence of none).")
        return
    section.tables["Restrictions aimed at " + ctx.focal.name + " (curated, cited)"] = \
        pd.DataFrame({
            "measure": frame["name"], "imposed by": frame["imposed_by"],
            "kind": frame["kind"].str.replace("_", " "), "from": frame["start"],
            "until": frame["end"].fillna("no end recorded"), "scope": frame["scope"],
            "source": [" ".join(s["url"] for s in sources) for sources in frame["sources"]],
            "retrieved": [", ".join(sorted({s["retrieved"] for s in sources}))
                          for sources in frame["sources"]]})
    items = "; ".join(f"{n} ({s[:4]}{'–' + e[:4] if isinstance(e, str) else ''})"
                      for n, s, e in zip(frame["name"], frame["start"], frame["end"],
                                         strict=True))
    count = f"{len(frame)} restrictions were" if len(frame) > 1 else "1 restriction was"
    section.find(f"{count} aimed at {ctx.focal.name} itself: {items}.",
                 "strong", rank=14)


def _screening(ctx: BriefContext, section: Section) -> None:
    try:
        hits = analysis.screen(ctx.store, country=ctx.focal.iso3, role="supplier")
    except DefdipError as exc:
        section.text.append(f"No embargo screening: {exc}")
        return
    if hits.empty:
        section.text.append(f"UN-embargo screening of {ctx.focal.name}'s own exports: no SIPRI "
                            "delivery by it falls inside a UN Security Council arms-embargo "
                            "window on the recipient.")
        return
    section.tables["Its deliveries into UN arms-embargo windows (SIPRI × UN embargoes)"] = \
        pd.DataFrame({"recipient": hits["recipient_label"], "year": hits["year"],
                      "weapon": hits["designation"], "resolution": hits["resolution"],
                      "embargo scope": hits["scope"], "overlap": hits["overlap"],
                      "what to check": hits["assessment"]})
    section.find(f"UN-embargo screening: {len(hits)} delivery-years of {ctx.focal.name}'s "
                 f"exports fall inside a UN arms-embargo window on the recipient "
                 f"({', '.join(sorted(hits['recipient_label'].astype(str).unique())[:4])}); "
                 "a screen for checking, not a finding of violation.", "moderate", rank=18)


def _breakpoints(ctx: BriefContext, section: Section) -> None:
    try:
        report = analysis.breakpoint_tests(ctx.store, ctx.focal.iso3)
    except DefdipError as exc:
        section.text.append(f"No breakpoint tests: {exc}")
        return
    if report.table.empty:
        return
    tests = informative_tests(report.table).copy()
    dropped = len(report.table) - len(tests)
    if tests.empty:
        section.text.append("No domestic breakpoint could be tested: too few years of data "
                            "around each date.")
        return
    tests["p_holm"] = holm(tests["p_value"])
    strong = tests[tests["p_holm"] < 0.05]
    section.tables["Chow tests at domestic political breakpoints (Holm-adjusted)"] = \
        pd.DataFrame({"event": tests["name"], "break year": tests["break_year"],
                      "series": tests["series"].map(SERIES).fillna(tests["series"]),
                      "F": tests["f_stat"].round(2), "p": tests["p_value"].round(3),
                      "p (Holm)": tests["p_holm"].round(3),
                      "mean before": tests["mean_before"].round(2),
                      "mean after": tests["mean_after"].round(2)})
    section.find(f"Domestic breakpoints: {len(strong)} of {len(tests)} Chow tests show a break "
                 f"after Holm's correction for testing {len(tests)} times"
                 + (f" ({dropped} tests without data or with F = 0, p = 1 left out)"
                    if dropped else "") + "; a break near a date is not proof the event "
                 "caused it.", "moderate" if len(strong) else "weak", rank=75)


def challenges_section(ctx: BriefContext) -> Section:
    section = Section("challenges", "Challenges: tension, restrictions, legal limits")
    _events(ctx, section, _tension(ctx, section))
    _restrictions(ctx, section)
    _screening(ctx, section)
    _breakpoints(ctx, section)
    return section
