"""Section "Key engagements": named exercise series, presence abroad, agreements and
training — each with the source that records it.

Exercise names are grouped into series (EFES-2016 and EFES-2018 are one series; MME's
"Anatolian Eagle 2008/3" and the curated "Anatolian Eagle 2011" too). MME's missing-value code
``-9`` and empty names are not names: such exercises are counted, never listed by name.
"""

from __future__ import annotations

import re

import pandas as pd

from defdip.queries import state_record
from defdip.reports.facts import BriefContext
from defdip.reports.model import Section

__all__ = ["MISSING_NAMES", "exercise_key", "engagements_section"]

MISSING_NAMES = {"", "-9", "-99", "none", "nan", "n/a", "unknown"}


def exercise_key(name: object, series: object) -> str | None:
    """The series an exercise belongs to: its ``series``, else its name without years,
    numbers and punctuation; None for an unnamed exercise."""
    for text in (series, name):
        if not isinstance(text, str) or text.strip().lower() in MISSING_NAMES:
            continue
        key = re.sub(r"\([^)]*\)", " ", text.lower())
        key = re.sub(r"['’]?\d+|\b[ivx]+\b", " ", key)
        key = " ".join(re.sub(r"[^a-z]+", " ", key).split())
        if key:
            return key
    return None


def _exercises(ctx: BriefContext, start: int, end: int) -> pd.DataFrame:
    frame = state_record.exercises_of(ctx.tables, ctx.focal.iso3, start, end)
    frame["key"] = [exercise_key(n, s) for n, s in zip(frame["name"], frame["series"],
                                                        strict=True)]
    return frame


def engagements_section(ctx: BriefContext) -> Section:
    end = ctx.end or max(s.last for s in ctx.spans.values())
    start = ctx.start
    section = Section("engagements", "Key engagements, named and cited")
    ex = _exercises(ctx, start, end)
    named = ex.dropna(subset=["key"])
    if len(named):
        series = named.groupby("key").agg(
            editions=("year", "nunique"), first=("year", "min"), last=("year", "max"),
            partners=("partners", lambda p: len({i for row in p if hasattr(row, "__len__")
                                                  and not isinstance(row, str)
                                                  for i in list(row)})),
            name=("series", lambda s: s.dropna().mode().iloc[0] if s.notna().any() else None),
            alt=("name", "first"), sources=("source", lambda s: ", ".join(sorted(set(s)))),
            url=("url", lambda u: next((x for x in u if isinstance(x, str)
                                        and "doi.org" not in x), u.iloc[0])))
        series["name"] = series["name"].fillna(series["alt"])
        top = series.sort_values(["editions", "partners", "name"], ascending=[False, False, True],
                                 kind="stable").head(12)
        section.tables[f"Exercise series {start}–{end} (by years held)"] = pd.DataFrame({
            "series": top["name"], "years held": top["editions"], "first": top["first"],
            "last": top["last"], "partner states": top["partners"],
            "recorded by": top["sources"], "source": top["url"]})
        names = ", ".join(f"{n} ({e} {'year' if e == 1 else 'years'})" for n, e in
                          zip(top["name"].head(4), top["editions"].head(4), strict=True))
        section.find(f"Its most regular named exercises in {start}–{end}: {names}.",
                     "moderate" if ctx.focal_is_curated() else "weak", rank=30)
    unnamed = int(ex["key"].isna().sum())
    if unnamed:
        section.notes.append(f"{unnamed} exercises in these years have no name in their "
                             "source (MME codes a missing name as -9); they are counted in "
                             "the timeline, not listed here.")
    _curated(ctx, section, start, end)
    if not section.tables and not section.text:
        section.omitted = (f"No named exercise, presence or agreement of {ctx.focal.name} is "
                           f"recorded for {start}–{end}.")
    return section


def _curated(ctx: BriefContext, section: Section, start: int, end: int) -> None:
    """Presence abroad, agreements and training from cited records (curated or entered)."""
    rows = state_record.arranged(ctx.tables, ctx.focal.iso3, start, end)
    words = {"base_presence": "Forces and bases abroad",
             "defence_agreement": "Defence agreements",
             "training_programme": "Training programmes", "operation": "Operations"}
    for kind, part in rows.groupby("kind", sort=False):
        section.tables[f"{words[str(kind)]} (cited records)"] = pd.DataFrame({
            "name": part["name"], "since": part["since"],
            "until": part["until"].astype("Int64"), "confidence": part["confidence"],
            "source": part["url"]})
    bases = rows[rows["kind"] == "base_presence"]
    if len(bases):
        section.find(f"{len(bases)} cited records of {ctx.focal.name}'s forces or bases "
                     f"abroad, e.g. {'; '.join(bases['name'].head(3))}.", "moderate", rank=35)
