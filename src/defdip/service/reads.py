"""Reads and analyses: one function per question a face can ask, each returning a Result.

Every function opens the store read-only for the duration of the call (``ctx.reading()``),
asks the library once, and returns a :class:`~defdip.service.results.Result` stamped with the
data vintage. The CLI and the web API call these same functions, so they give one answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defdip.service.results import Result

if TYPE_CHECKING:
    from defdip.service.context import Context

__all__ = [
    "alignment",
    "brief",
    "write_brief",
    "arms_deals",
    "arms_partners",
    "arms_ranking",
    "breakpoints",
    "completeness",
    "effects",
    "event_study",
    "export_records",
    "list_records",
    "profile",
    "region",
    "screen",
    "standing",
    "standing_coverage",
    "tension",
    "trends",
]


def _analysis(ctx: Context, title: str, run: Any, **kwargs: Any) -> Result:
    """Run an analysis returning an object with ``to_dict()`` (its sample and coverage in
    words among the fields) and wrap it: ``coverage`` says which years (and states) it ran
    over and what its inputs cover; ``notes`` what was clipped to them (``analysis.period``)."""
    with ctx.reading() as store:
        outcome = run(store, **kwargs)
        period = getattr(outcome, "period", None)
        sample = getattr(outcome, "sample", None) or (period.describe() if period else None)
        return Result(title, document=outcome.to_dict(), vintage=store.vintage(),
                      detail=outcome, coverage=sample,
                      notes=tuple(getattr(outcome, "notes", ())))


def list_records(ctx: Context, *, country: str | None = None, partner: str | None = None,
                 kind: Sequence[str] = (), year_from: int | None = None,
                 year_to: int | None = None, origin: str | None = None) -> Result:
    """Records active in the years (the one rule of ``defdip.queries.record``)."""
    from defdip.engagements import list_records as run

    with ctx.reading() as store:
        frame = run(store, country=country, partner=partner, kind=list(kind),
                    year_from=year_from, year_to=year_to, origin=origin)
        vintage = store.vintage()
    ctx.log("read", "reads.list_records", {"country": country, "partner": partner,
                                          "kind": list(kind), "from": year_from,
                                          "to": year_to, "records": len(frame)})
    return Result("engagement records", table=frame, vintage=vintage)


def profile(ctx: Context, country: str, year: int) -> Result:
    """``country``'s partners by instrument in ``year``, with what the rows rest on."""
    from defdip.engagements import profile as run
    from defdip.measures.engagement_index import instrument_coverage
    from defdip.queries.coverage import focal_states
    from defdip.queries.names import actor_key, vocabulary

    with ctx.reading() as store:
        vocab = vocabulary(store)
        table = run(store, country, year, vocab=vocab)
        key = actor_key(country, vocab, "country")
        result = Result(f"profile of {country} in {year}", table=table,
                        coverage=profile_coverage(key, year, instrument_coverage(store),
                                                  list(focal_states())),
                        vintage=store.vintage())
    ctx.log("read", "reads.profile", {"country": country, "year": year})
    return result


def completeness(ctx: Context, country: str, *, year_from: int = 1980,
                 year_to: int | None = None) -> Result:
    from defdip.engagements import completeness as run

    with ctx.reading() as store:
        report = run(store, country, year_from=year_from, year_to=year_to)
        return Result(f"completeness of {country}", document=report.to_dict(),
                      vintage=store.vintage(), detail=report)


def export_records(ctx: Context, out: Path, *, fmt: str | None = None, **filters: Any
                   ) -> Result:
    from defdip.engagements import export_records as run

    with ctx.reading() as store:
        result = Result("export", document=run(store, out, fmt=fmt, **filters),
                        vintage=store.vintage())
    ctx.log("export", "reads.export_records", {**{k: v for k, v in filters.items()},
                                               "format": fmt, "out": str(out),
                                               "records": result.document["records"]})
    return result


def arms_ranking(ctx: Context, role: str, start: int, end: int, *, top: int | None = None,
                 options: tuple[str, str] = ("--years", "--years")) -> Result:
    """Suppliers or recipients by TIV over the years, clipped to SIPRI's delivery years
    (``service.arms.sipri_years``: years wholly outside them are an error, not an empty
    ranking); a state not listed delivered (received) nothing in the years."""
    from defdip.measures import arms_ranking as run
    from defdip.service.arms import sipri_years

    with ctx.reading() as store:
        years = sipri_years(store, start, end, options)
        return Result(f"arms {role}s {years.start}–{years.end}",
                      table=run(store, role, years.start, years.end, top=top),
                      coverage=years.describe(), notes=years.notes, vintage=store.vintage(),
                      detail=years)


def arms_partners(ctx: Context, country: str, role: str, start: int, end: int, *,
                  options: tuple[str, str] = ("--years", "--years")) -> Result:
    """``country``'s customers or suppliers by TIV, over the years clipped as
    :func:`arms_ranking`'s."""
    from defdip.measures import arms_partners as run
    from defdip.service.arms import sipri_years

    with ctx.reading() as store:
        years = sipri_years(store, start, end, options)
        return Result(f"arms partners of {country}",
                      table=run(store, country, role, years.start, years.end),
                      coverage=years.describe(), notes=years.notes, vintage=store.vintage(),
                      detail=years)


def arms_deals(ctx: Context, country: str, role: str, start: int, end: int) -> Result:
    from defdip.measures import arms_deals as run

    with ctx.reading() as store:
        return Result(f"arms deals of {country}", table=run(store, country, role, start, end),
                      vintage=store.vintage())


def alignment(ctx: Context, country: str, *, partners: Sequence[str] = ("USA", "RUS", "CHN"),
              start: int | None = None, end: int | None = None, resolutions_only: bool = False,
              min_votes: int = 10) -> Result:
    from defdip.measures import alignment as run

    with ctx.reading() as store:
        frame = run(store, country, partners=tuple(partners), start=start, end=end,
                    resolutions_only=resolutions_only, min_votes=min_votes)
        return Result(f"UN alignment of {country}", table=frame, vintage=store.vintage())


def standing(ctx: Context, year: int, *, top: int | None = None) -> Result:
    """Network standing in ``year``, with the index components observed that year."""
    from defdip.measures import standing as run
    from defdip.measures.engagement_index import instrument_coverage

    with ctx.reading() as store:
        frame = run(store, year, top=top)
        states = len(frame) if top is None else len(run(store, year))
        return Result(f"network standing {year}", table=frame,
                      coverage=standing_coverage(year, instrument_coverage(store), states),
                      vintage=store.vintage())


def standing_coverage(year: int, covered: dict[str, list[int]], states: int) -> str:
    """The standing's sample in words: how many states are ranked in the year (before any
    --top), and the years each index component is observed."""
    used = [c for c, years in covered.items() if year in years]
    unused = [f"{c} ({_span(years)})" for c, years in covered.items() if year not in years]
    return (f"{states} states ranked; engagement index {year} from data that cover every "
            "state: "
            f"{', '.join(used) or 'none'}; not observed in {year}: "
            f"{', '.join(unused) or 'none'} (curated records never count)")


def profile_coverage(key: str, year: int, covered: dict[str, list[int]],
                     focal: list[str]) -> str:
    """What a profile's rows rest on, in words: the all-state instruments observed in the
    year and those not, and whether the curated record (visits, training, exercises and
    agreements after the all-state datasets end) covers the state."""
    used = [c for c, years in covered.items() if year in years]
    unused = [f"{c} ({_span(years)})" for c, years in covered.items() if year not in years]
    curated = (f"the curated record covers {key}" if key in focal else
               f"the curated record covers only {', '.join(focal)}, not {key}: kinds only it "
               "records (visits, training, exercises and agreements after the all-state "
               f"data end) are not observed for {key}, which is not the same as none")
    return (f"{key} {year} from data that cover every state: {', '.join(used) or 'none'}; "
            f"not observed in {year}: {', '.join(unused) or 'none'}; {curated}")


def _span(years: list[int]) -> str:
    """Years as runs: ``1974–2010``, or ``2016–2017, 2019, 2021, 2023`` with gaps."""
    from defdip.plain import years_text

    return years_text(years, "no data")


def effects(ctx: Context, country: str | None, **options: Any) -> Result:
    from defdip.analysis import effects as run

    return _analysis(ctx, "effects", lambda s, **k: run(s, country, **k), **options)


def event_study(ctx: Context, country: str, **options: Any) -> Result:
    from defdip.analysis import event_study as run

    return _analysis(ctx, "event study", lambda s, **k: run(s, country, **k), **options)


def tension(ctx: Context, country: str, **options: Any) -> Result:
    from defdip.analysis import tension_monitor as run

    return _analysis(ctx, "tension", lambda s, **k: run(s, country, **k), **options)


def screen(ctx: Context, **options: Any) -> Result:
    from defdip.analysis import screen as run

    with ctx.reading() as store:
        return Result("embargo screening", table=run(store, **options),
                      vintage=store.vintage())


def breakpoints(ctx: Context, country: str, **options: Any) -> Result:
    from defdip.analysis import breakpoint_tests as run

    return _analysis(ctx, "breakpoints", lambda s, **k: run(s, country, **k), **options)


def trends(ctx: Context, country: str, **options: Any) -> Result:
    from defdip.analysis import trends as run

    return _analysis(ctx, "trends", lambda s, **k: run(s, country, **k), **options)


def region(ctx: Context, name: str, country: str, **options: Any) -> Result:
    from defdip.analysis import region_case as run

    return _analysis(ctx, f"region {name}", lambda s, **k: run(s, country, name, **k),
                     **options)


def brief(ctx: Context, country: str, *, start: int = 1995, end: int | None = None,
          progress: Any = None) -> Result:
    """The country brief as data: ``document`` is its JSON form, ``detail`` the
    :class:`~defdip.reports.brief.Brief` (sections with figure specs, for a face that renders
    them; ``defdip.reports.page`` and ``defdip.reports.brief.brief_html`` render HTML)."""
    from defdip.reports.brief import build_brief

    with ctx.reading() as store:
        made = build_brief(store, country, start=start, end=end, progress=progress)
        return Result(f"brief of {made.country.name}", document=made.to_dict(),
                      vintage=store.vintage(), detail=made,
                      coverage=f"from {start} to the last year each source covers")


def write_brief(ctx: Context, country: str, out: Path | None = None, *, fmt: str = "html",
                start: int = 1995, end: int | None = None, progress: Any = None,
                force: bool = False) -> Result:
    """Write the brief (html, json or pdf; default file ``brief-<ISO3>.<fmt>``); an existing
    file defdip did not write is replaced only with ``force``."""
    from defdip.reports.brief import write_brief as run

    with ctx.reading() as store:
        path = run(store, country, out, fmt=fmt, start=start, end=end, progress=progress,
                   force=force)
        return Result("brief", document={"path": str(path), "bytes": path.stat().st_size},
                      vintage=store.vintage())
