"""The first page: the state's engagement in numbers, the findings that matter most (each with
how strong its evidence is and a link to its section), and a "data as of" line per source.

Every key number is the library's own answer (the arms ranks are ``measures.arms_ranking``'s,
the partners are the record's), so a test can ask the library again and compare.
"""

from __future__ import annotations

from typing import Any

from defdip.queries import series, state_facts, state_record
from defdip.queries.coverage import record_coverage
from defdip.queries.record import active
from defdip.reports.facts import BriefContext
from defdip.reports.model import Finding, KeyNumber, Section

__all__ = ["data_as_of", "key_numbers", "pick_findings"]


def _posts(ctx: BriefContext) -> KeyNumber:
    last = ctx.last("lowy_posts")
    if last is None:
        return KeyNumber("posts", "diplomatic posts", None)
    n, rank = state_facts.posts_in(ctx.tables, ctx.focal.iso3, last)
    if n == 0:
        return KeyNumber("posts", f"diplomatic posts {last}", None, "",
                         "the Lowy Index does not cover this state's network", section="where")
    rank = float("nan") if rank is None else rank
    return KeyNumber("posts", f"diplomatic posts {last}", n, "",
                     f"Lowy Global Diplomacy Index, rank {int(rank)}" if rank == rank else
                     "Lowy Global Diplomacy Index", int(rank) if rank == rank else None,
                     "where")


def _peacekeepers(ctx: BriefContext) -> KeyNumber:
    """The state's uniformed personnel in UN missions in the series' last month (IPI, then
    the UN's monthly reports: ``queries.series.peacekeeping``)."""
    if ctx.focal.ccode is None or not (ctx.store.has("un_pko_monthly")
                                       or ctx.store.has("ipi_contributor_month")):
        return KeyNumber("peacekeepers", "personnel in UN missions", None)
    rows = series.peacekeeping(ctx.tables)
    (last,) = ctx.tables.probe(rows.aggregate(m=rows.month.max()))
    mine = rows.filter((rows.ccode == ctx.focal.ccode) & (rows.month == last))
    (n,) = ctx.tables.probe(mine.aggregate(n=mine.personnel.sum()))
    month = str(last)[:7]
    return KeyNumber("peacekeepers", f"personnel in UN missions, {month}", int(n or 0),
                     "people", "UN monthly reports of uniformed personnel (IPI before 2015), "
                     "the last month loaded", section="timeline")


def _agreements(ctx: BriefContext) -> KeyNumber:
    end = ctx.end or max(s.last for s in ctx.spans.values())
    cover = record_coverage(ctx.tables, "defence_agreement")
    observed = [s for s in cover.segments if s.states is None or ctx.focal.iso3 in s.states]
    if not observed:
        return KeyNumber("agreements", "defence agreements in force", None, "",
                         "no loaded source records this state's defence agreements",
                         section="engagements")
    year = min(end, max(s.last for s in observed))  # the last year a source observes
    used = [s for s in observed if s.first <= year <= s.last]
    t = active(ctx.tables, year, year)
    actors = ctx.tables.table("engagement_actors")
    mine = actors.filter((actors.iso3 == ctx.focal.iso3) & (actors.role == "party"))
    hits = t.filter((t.kind == "defence_agreement") & t.id.isin(mine.engagement_id))
    n = int(hits.count().execute())
    return KeyNumber("agreements", f"defence agreements in force {year}", n, "",
                     "from " + ", ".join(s.describe() for s in used),
                     section="engagements")


def key_numbers(ctx: BriefContext, sections: list[Section]) -> list[KeyNumber]:
    """Partners, instruments, arms exports and imports with rank, spending, posts, people in
    UN missions, agreements — in that order, each from the section (or query) that owns it."""
    owned = {n.key: n for s in sections for n in s.numbers}
    out = [owned[k] for k in ("partners", "instruments", "arms_exports", "arms_imports",
                              "milex") if k in owned]
    return out + [_posts(ctx), _peacekeepers(ctx), _agreements(ctx)]


def pick_findings(sections: list[Section], most: int = 8) -> list[Finding]:
    """The findings the first page shows: the best-ranked ones, at most one weak finding in
    three, never more than ``most``."""
    found = sorted((f for s in sections if s.omitted is None for f in s.findings),
                   key=lambda f: f.rank)
    chosen = [f for f in found if f.strength != "weak"][:most]
    for f in found:
        if len(chosen) >= max(5, min(most, len(found))):
            break
        if f not in chosen:
            chosen.append(f)
    order = {id(f): i for i, f in enumerate(found)}
    return sorted(chosen[:most], key=lambda f: order[id(f)])


def data_as_of(ctx: BriefContext) -> list[dict[str, Any]]:
    """One line per source the brief reads: its years and the publisher's version."""
    versions = dict(zip(ctx.store.provenance()["name"], ctx.store.provenance()["version"],
                        strict=True))
    source_of = {"sipri_deliveries": "sipri_deliveries", "sipri_milex": "sipri_milex",
                 "un_alignment": "unga_votes", "unga_ideal_points": "unga_ideal_points",
                 "lowy_posts": "lowy_gdi", "ipi_contributor_month": "ipi_peacekeeping",
                 "mme_participants": "mme_exercises", "jme_exercises": "jme_exercises",
                 "atop_dyad_year": "atop", "cow_mid_directed": "cow_mids",
                 "td_rivalries": "td_rivalries", "cow_igo_state_year": "cow_igo",
                 "us_troops": "us_troops"}
    rows = [{"source": span.words,
             "data as of": span.last_date if span.last_date else str(span.last),
             "years": span.years(), "version": versions.get(source_of.get(key, key), "")}
            for key, span in ctx.spans.items()]
    combined = {"un_alignment": _votes_line, "ipi_contributor_month": _peacekeeping_line}
    for i, key in enumerate(ctx.spans):
        if key in combined:
            rows[i] = combined[key](ctx, versions) or rows[i]
    if ctx.focal_is_curated():
        retrieved, n = state_record.curated_retrieval(ctx.tables)
        rows.append({"source": "Curated record (cited public pages)",
                     "data as of": str(retrieved)[:10],
                     "years": "retrieval date", "version": f"{n} records"})
    return rows


def _votes_line(ctx: BriefContext, versions: dict[str, Any]) -> dict[str, Any] | None:
    """The UN votes line: the roll-call series the alignment table is built from
    (``queries.series.roll_calls``: Voeten et al., then the UN's recorded votes, no roll call
    twice), each with its years, and the last vote date loaded."""
    if not (ctx.store.has("unga_roll_calls") or ctx.store.has("dgacm_resolutions")):
        return None
    rc = series.roll_calls(ctx.tables)
    frame = rc.group_by("origin").aggregate(lo=rc.year.min(), hi=rc.year.max(),
                                            last=rc.date.max()).order_by("lo").execute()
    spans = [(str(o), int(lo), int(hi), str(last)[:10]) for o, lo, hi, last
             in zip(frame["origin"], frame["lo"], frame["hi"], frame["last"], strict=True)]
    words = {"voeten": "Voeten et al.", "dgacm": "UN DGACM recorded votes"}
    version_of = {"voeten": "unga_votes", "dgacm": "unga_votes_dgacm"}
    parts = [f"{words[n]} {lo}–{hi}" for n, lo, hi, _ in spans]
    return {"source": f"UN General Assembly roll-call votes ({'; '.join(parts)})",
            "data as of": max(last for *_, last in spans),
            "years": f"{min(s[1] for s in spans)}–{max(s[2] for s in spans)}",
            "version": "; ".join(f"{words[n]}: {versions.get(version_of[n], '')}"
                                 for n, *_ in spans)}


def _peacekeeping_line(ctx: BriefContext, versions: dict[str, Any]) -> dict[str, Any] | None:
    """The peacekeeping line: IPI's months, then the UN's monthly reports (the series the key
    number and the timeline read, ``queries.series.peacekeeping``), with the last month."""
    rows = series.peacekeeping(ctx.tables)
    spans = rows.group_by("origin").aggregate(lo=rows.month.min(), hi=rows.month.max()) \
        .order_by("lo").execute()
    if spans.empty:
        return None
    words = {"ipi": "IPI", "un_monthly": "UN monthly reports"}
    version_of = {"ipi": "ipi_peacekeeping", "un_monthly": "un_peacekeeping_monthly"}
    parts = [f"{words[str(o)]} {str(lo)[:7]} to {str(hi)[:7]}"
             for o, lo, hi in zip(spans["origin"], spans["lo"], spans["hi"], strict=True)]
    return {"source": f"UN peacekeeping contributions, monthly ({'; '.join(parts)})",
            "data as of": str(spans["hi"].max())[:7],
            "years": f"{str(spans['lo'].min())[:4]}–{str(spans['hi'].max())[:4]}",
            "version": "; ".join(f"{words[str(o)]}: {versions.get(version_of[str(o)], '')}"
                                 for o in spans["origin"])}
