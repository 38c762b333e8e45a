"""Section "Effects on relations": UN alignment with the partners that matter to the state,
the fixed-effects association of engagement with alignment, and the event study — each with
its sample and coverage in words, and claims no stronger than the estimates."""

from __future__ import annotations

import re

import pandas as pd

from defdip.analysis._common import Focal
from defdip.analysis.effects import INSTRUMENTS, effects_frame, focal_panel
from defdip.analysis.event_study import event_study_frame
from defdip.errors import DefdipError
from defdip.measures.alignment import MIN_JOINT_VOTES
from defdip.queries.state_facts import un_agreement_with
from defdip.reports import charts, choose
from defdip.reports.facts import BriefContext
from defdip.reports.model import Section

__all__ = ["EVENT_START", "TERMS", "brief_focal_panel", "effects_section", "plain_words"]

#: The event study reads from 1980 (MME's first year), so onsets after 1980 have pre-periods.
EVENT_START = 1980
#: Joint roll calls that make a year's vote shares strong evidence (a full session since
#: 2019 has 80-180 recorded votes; a session in progress may hold a dozen).
FULL_SESSION_VOTES = 30

TERMS = {"exercises_joint": "joint exercises", "arms_out_log": "arms delivered to the partner",
         "arms_in_log": "arms received from the partner",
         "agreements_in_force": "defence agreements in force",
         "pk_codeploy": "UN missions shared", "atop_defense": "defence pledge (ATOP)",
         "embassy_1in2": "embassy in the partner"}


def plain_words(text: str) -> str:
    """An analysis's specification with column names as words (``un_sscore`` → S-score)."""
    words = {"un_sscore": "the UN-vote S-score (Signorino & Ritter; −1 to 1)",
             "dyad-years": "partner-years", "dyads": "partners", "dyad": "partner",
             **TERMS}
    for raw, human in sorted(words.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"\b{re.escape(raw)}\b", human, text)
    return re.sub(r" \(ccode_1 = \d+\)", "", text)


def _alignment(ctx: BriefContext, section: Section, first: int, last: int) -> None:
    partners = choose.alignment_partners(ctx, ctx.cache.get("arms_top_recipient", [])
                                         + ctx.cache.get("arms_top_supplier", []))
    codes = [c for c in (ctx.vocab.countries[i].ccode for i in partners
                         if i in ctx.vocab.countries) if c is not None]
    # the stored alignment table and rule `defdip alignment` reads: a year with fewer than
    # MIN_JOINT_VOTES joint roll calls has no share (NULL), so it is left out, never 0%
    frame = un_agreement_with(ctx.tables, int(ctx.focal.ccode or 0), codes, first, last,
                              min_votes=MIN_JOINT_VOTES)
    frame = frame[frame["un_agree"].notna()]
    if frame.empty:
        return
    frame["partner"] = frame["ccode_2"].map(ctx.name)
    section.figures.append(charts.lines(
        f"Share of UN General Assembly roll calls on which {ctx.focal.name} voted as …",
        [{"name": p, "x": g["year"].tolist(), "y": g["un_agree"].round(3).tolist()}
         for p, g in frame.groupby("partner", sort=False)],
        y_label="share of identical votes (0–1)",
        note="Partners chosen for this state: the largest global powers, its main arms "
             f"partners and its peers. Years with fewer than {MIN_JOINT_VOTES} joint votes "
             "are left out. Source: UNGA roll calls (Voeten et al. to January 2020, the UN's "
             "recorded votes after)."))
    # the last year every partner shares a session's worth of roll calls with the state (a
    # session in progress may hold a dozen): a share of 11 votes is not strong evidence
    fewest = frame.groupby("year")["un_nvotes"].min()
    full = fewest[fewest >= FULL_SESSION_VOTES]
    year = int(full.index.max()) if len(full) else int(frame["year"].max())
    latest = frame[frame["year"] == year].sort_values("un_agree")
    counts = latest["un_nvotes"].astype("int64")
    same = counts.nunique() == 1
    words = ", ".join(f"{p} {a:.0%}" + ("" if same else f" of {n}") for p, a, n
                      in zip(latest["partner"], latest["un_agree"], counts, strict=True))
    votes = f"{int(counts.iloc[0])} joint" if same else "joint"
    later = int(frame["year"].max())
    since = (f"; {later} so far: {int(fewest[later])} joint roll calls, in the figure"
             if later > year else "")
    section.find(f"In {year} {ctx.focal.name} voted like: {words} "
                 f"(share of {votes} UN General Assembly roll calls; a year with fewer than "
                 f"{MIN_JOINT_VOTES} is left out{since}).",
                 "strong" if int(counts.min()) >= FULL_SESSION_VOTES else "moderate", rank=45)


def brief_focal_panel(ctx: BriefContext, focal: Focal, last: int) -> pd.DataFrame:
    """The focal state's partner-years from :data:`EVENT_START` to ``last`` with every
    column the regression and the event study read: built once per brief."""
    return ctx.memo("focal_panel", lambda: focal_panel(ctx.store, focal, EVENT_START, last))


def effects_section(ctx: BriefContext) -> Section:
    section = Section("effects", "Effects on relations: does engagement move UN votes?")
    span = ctx.since("un_alignment")
    if span is None or ctx.focal.ccode is None:
        section.omitted = "UN voting data are not loaded."
        return section
    first, last = span
    _alignment(ctx, section, first, last)
    instruments = [i for i in INSTRUMENTS if i != "embassy_1in2"]
    focal = Focal(int(ctx.focal.ccode), ctx.focal.iso3, ctx.focal.name)
    ctx.progress("effects: panel of partner-years")
    try:
        panel = brief_focal_panel(ctx, focal, last)
        ctx.progress("effects: fixed effects")
        result = effects_frame(panel, focal, outcome="un_sscore", start=first, end=last,
                               instruments=instruments)
    except DefdipError as exc:
        section.text.append(f"No fixed-effects estimate: {exc}")
        result = None
    if result is not None:
        table = result.table
        section.tables[f"Association of engagement with next year's S-score "
                       f"({result.n_obs:,} partner-years, {result.n_clusters:,} partners)"] = \
            pd.DataFrame({"engagement (lagged one year)": table["term"].map(TERMS),
                          "estimate": table["estimate"].round(4),
                          "95% CI": [f"{a:+.4f} to {b:+.4f}" for a, b in
                                     zip(table["ci_low"], table["ci_high"], strict=True)],
                          "p-value": table["p_value"].round(3)})
        clear = table[(table["ci_low"] > 0) | (table["ci_high"] < 0)]
        if clear.empty:
            section.find("No engagement instrument is associated with closer or more distant "
                         f"UN voting the next year at 95% confidence ({result.n_obs:,} "
                         f"partner-years, {result.years[0]}–{result.years[1]}).", "weak", 70)
        for row in clear.itertuples():
            section.find(f"Years with more {TERMS.get(row.term, row.term)} are followed by "
                         f"{'closer' if row.estimate > 0 else 'more distant'} UN voting "
                         f"(S-score {row.estimate:+.3f}, 95% CI {row.ci_low:+.3f} to "
                         f"{row.ci_high:+.3f}); an association within partner pairs, not a "
                         "proven effect.", "moderate", rank=55)
        section.notes.append("Sample and method: " + plain_words(result.specification + (
            " Left out: " + "; ".join(result.dropped) + "." if result.dropped else "")))
    ctx.progress("effects: event study")
    _event_study(ctx, section, focal, last)
    return section


def _event_study(ctx: BriefContext, section: Section, focal: Focal, last: int) -> None:
    try:
        panel = brief_focal_panel(ctx, focal, last)
        study = event_study_frame(panel, focal, onset="exercise", outcome="un_sscore",
                                  start=EVENT_START, end=last)
    except DefdipError as exc:
        section.text.append(f"No event study around first joint exercises: {exc}")
        return
    t = study.table
    section.figures.append(charts.intervals(
        f"UN-vote S-score around the first joint exercise ({study.n_treated} partners "
        f"with a first exercise, {study.n_never_treated} never exercised with)",
        t["event_time"], t["att"], t["ci_low"].fillna(0), t["ci_high"].fillna(0),
        x_label="years relative to the first joint exercise", y_label="change in S-score",
        vline=-0.5, note="Dots: estimates with 95% confidence intervals; event time −1 is the "
                         "reference (0 by construction)."))
    words = []
    if study.post_mean is not None:
        m, lo, hi = study.post_mean
        clear = lo > 0 or hi < 0
        words.append(f"the plotted post-exercise estimates (years 0–{int(t['event_time'].max())}"
                     f") average {m:+.3f} (95% CI {lo:+.3f} to {hi:+.3f})"
                     + ("" if clear else ", not distinguishable from zero"))
    if study.pretest is not None:
        w, q, p = study.pretest
        verdict = ("no evidence of diverging pre-trends" if p >= 0.1 else
                   "a weak sign of diverging pre-trends: read the estimates after the exercise "
                   "with caution" if p >= 0.05 else
                   "pre-trends diverge, so the estimates after the exercise are not credible")
        words.append(f"a joint test that the {q} plotted leads are zero gives χ²({q}) = "
                     f"{w:.2f}, p = {p:.3f}: {verdict}")
    if words:
        strength = "moderate" if (study.post_mean and (study.post_mean[1] > 0 or
                                                       study.post_mean[2] < 0)
                                  and study.pretest and study.pretest[2] >= 0.1) else "weak"
        section.find("Event study of first joint exercises: " + "; ".join(words) + ".",
                     strength, rank=65)
    section.notes.append("Event study sample: " + plain_words(study.specification))
