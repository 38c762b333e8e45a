"""The country brief: a first page a minister can read, then sections in the order a reader
asks — where and with whom, arms and industry, spending, alliances, key engagements, the
timeline, effects on relations, challenges, outlook — for any state, from the data.

``build_brief`` runs one function per section (each returns a :class:`~defdip.reports.model.
Section`: data, findings and figure specs; the web app calls the same functions);
``write_brief`` renders it as one self-contained HTML file (no script, no network), as JSON
with the same content, or as PDF through headless Chromium. Each section runs to the last year
its own data cover (``facts.BriefContext``); a section without data is left out with one line
saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defdip import __version__
from defdip.countries import Country
from defdip.errors import DefdipError, InvalidArgument
from defdip.paths import check_output, writing_output
from defdip.plain import json_text
from defdip.queries.names import resolve_state
from defdip.queries.state_facts import last_year
from defdip.queries.tables import Tables
from defdip.reports import record_sections as sr
from defdip.reports.facts import BriefContext
from defdip.reports.model import Finding, KeyNumber, Section
from defdip.reports.sec_arms import TIV_WORDS
from defdip.store import Store

__all__ = ["FORMATS", "SECTIONS", "Brief", "brief_context", "brief_filename", "brief_html",
           "build_brief", "build_section", "warm", "write_brief"]

FORMATS = ("html", "json", "pdf")
REQUIRED = ("engagements", "engagement_actors", "country_codes", "natural_earth_countries")
READING = [
    TIV_WORDS,
    "Evidence: strong = a direct count from data covering every state in those years; "
    "moderate = partial coverage (curated records) or an estimate distinguishable from zero; "
    "weak = few observations, an estimate not distinguishable from zero, or data that stop "
    "early. Outside what a source covers a value is unknown, not zero.",
]


def _sections() -> list[tuple[str, Callable[..., Section]]]:
    from defdip.reports.sec_alliances import alliances_section
    from defdip.reports.sec_arms import arms_section
    from defdip.reports.sec_challenges import challenges_section
    from defdip.reports.sec_effects import effects_section
    from defdip.reports.sec_engagements import engagements_section
    from defdip.reports.sec_outlook import outlook_section
    from defdip.reports.sec_spending import spending_section
    from defdip.reports.sec_timeline import timeline_section
    from defdip.reports.sec_where import where_section

    return [("where", where_section), ("arms", arms_section), ("spending", spending_section),
            ("alliances", alliances_section), ("engagements", engagements_section),
            ("timeline", timeline_section), ("effects", effects_section),
            ("challenges", challenges_section), ("outlook", outlook_section)]


#: Section ids in reading order.
SECTIONS = ("where", "arms", "spending", "alliances", "engagements", "timeline", "effects",
            "challenges", "outlook")


@dataclass
class Brief:
    """Everything the brief shows, as data."""

    country: Country
    start: int
    end: int | None
    sections: list[Section]
    numbers: list[KeyNumber] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    as_of: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: the map's country shapes (SVG path data by key), for rendering the map spec
    shapes: dict[str, str] = field(default_factory=dict, repr=False)

    def headline(self) -> list[str]:
        """The first page's findings as plain lines."""
        return [f.text for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": {"iso3": self.country.iso3, "ccode": self.country.ccode,
                        "name": self.country.name},
            "period": {"start": self.start, "end": self.end},
            "defdip_version": __version__,
            "summary": {"numbers": [n.to_dict() for n in self.numbers],
                        "findings": [f.to_dict() for f in self.findings],
                        "data_as_of": self.as_of},
            "headline": self.headline(),
            "sections": [s.to_dict() for s in self.sections],
            "skipped": {s.id: s.omitted for s in self.sections if s.omitted},
            "sources": self.sources,
        }


def brief_context(store: Store, country: str | int, *, start: int = 1995,
                  end: int | None = None, progress: Callable[[str], None] | None = None,
                  kinds: tuple[str, ...] = ()) -> BriefContext:
    """What every section is built from: the state ``country`` names, the store's vocabulary
    and the window. ``kinds``: record kinds the partner map and tables keep (all if empty)."""
    if end is not None and start > end:
        raise InvalidArgument(f"--from {start} is after --to {end}: give the earlier year "
                              "first.")
    store.require(*REQUIRED)
    vocab = store.vocabulary()
    system_end = int(last_year(Tables.from_store(store), "cow_system")) \
        if store.has("cow_system") else 2016
    # the one resolver: a name several states of the system's last year answer to
    # (Korea, Congo) stops with the candidates; a state without a COW code still has a brief
    focal = resolve_state(country, vocab, "the brief", code=None, year=system_end)
    return BriefContext(store, focal, vocab, start, end, progress or (lambda _s: None),
                        kinds=tuple(kinds))


def build_section(ctx: BriefContext, name: str) -> Section:
    """One section by id (:data:`SECTIONS`), as the brief builds it: a section that cannot
    run says why in ``omitted``. The web's country page builds them one at a time."""
    from defdip.reports.worldmap import map_shapes

    makers = dict(_sections())
    if name not in makers:
        raise InvalidArgument(f"section {name!r} is not one of {', '.join(SECTIONS)}.")
    try:
        if name == "where":
            return makers[name](ctx, set(ctx.memo("shapes", lambda: map_shapes(ctx.store))))
        return makers[name](ctx)
    except DefdipError as exc:  # a section that cannot run says why; the rest stands
        return Section(name, name.title(), omitted=str(exc))


def build_brief(store: Store, country: str | int, *, start: int = 1995,
                end: int | None = None, progress: Callable[[str], None] | None = None
                ) -> Brief:
    """Every section for ``country`` from ``start`` to the last year each source covers (or
    ``end``). ``progress`` hears the name of each step as it starts."""
    import time

    from defdip.reports import summary
    from defdip.reports.worldmap import map_shapes

    ctx = brief_context(store, country, start=start, end=end, progress=progress)
    say = ctx.progress
    timings: dict[str, float] = {}
    began = time.perf_counter()
    shapes = ctx.memo("shapes", lambda: map_shapes(store))
    sections = []
    for name in SECTIONS:
        say(name)
        t0 = time.perf_counter()
        sections.append(build_section(ctx, name))
        timings[name] = round(time.perf_counter() - t0, 3)
    say("summary")
    numbers = summary.key_numbers(ctx, sections)
    findings = summary.pick_findings(sections)
    sources = [{k: v for k, v in row.items() if k != "files"}
               for row in sr.sources_table(store).to_dict("records")]
    timings["total"] = round(time.perf_counter() - began, 3)
    return Brief(ctx.focal, start, end, sections, numbers, findings, summary.data_as_of(ctx),
                 sources, timings, shapes)


def warm(store: Store) -> list[str]:
    """Compile the SQL template of the brief's focal panel for the store's data vintage —
    one for a state the curated record covers, one for any other (``analysis.effects``) —
    so that no brief pays for it (``defdip load`` calls this after its write). Returns the
    states it was built for; a state whose panel cannot be built is skipped."""
    from defdip.analysis._common import Focal
    from defdip.queries.coverage import focal_states
    from defdip.reports.sec_effects import brief_focal_panel

    vocab = store.vocabulary()
    states = sorted((c for c in vocab.countries.values() if c.ccode is not None),
                    key=lambda c: int(c.ccode or 0))
    curated = [c for c in states if c.iso3 in focal_states()][:1]
    chosen = curated + [c for c in states if c.iso3 not in focal_states()][:1]
    done = []
    for state in chosen:
        try:
            ctx = brief_context(store, state.iso3)
            span = ctx.since("un_alignment")
            if span is None:
                continue
            brief_focal_panel(ctx, Focal(int(state.ccode or 0), state.iso3, state.name),
                              span[1])
        except DefdipError:
            continue
        done.append(state.iso3)
    return done


def brief_filename(brief_or_iso3: Brief | str, fmt: str = "html") -> str:
    """``brief-<ISO3>.<format>``: the default file name, by ISO3, whatever name was typed."""
    iso3 = brief_or_iso3.country.iso3 if isinstance(brief_or_iso3, Brief) else brief_or_iso3
    return f"brief-{iso3}.{fmt}"


def brief_html(store: Store, brief: Brief) -> str:
    """The brief as one self-contained HTML page (what ``write_brief`` writes)."""
    return _html(store, brief)


def _html(store: Store, brief: Brief) -> str:
    from defdip.reports.page import render_page

    focal = brief.country
    last = max((int(str(r["data as of"])[:4]) for r in brief.as_of
                if str(r["data as of"])[:4].isdigit() and r["years"] != "retrieval date"),
               default=brief.end or 0)
    subtitle = (f"COW {focal.ccode} · ISO3 {focal.iso3} · from {brief.start} to the last year "
                f"each source covers (latest {brief.end or last}) · defdip {__version__} · "
                f"data vintage {store.vintage()[:12]}")
    return render_page(f"{focal.name} — defence diplomacy brief", subtitle, brief.numbers,
                       brief.findings, brief.as_of, brief.sections,
                       brief.shapes, sr.footer_html(store), READING)


def write_brief(store: Store, country: str | int, out: Path | str | None = None, *,
                fmt: str = "html", start: int = 1995, end: int | None = None,
                progress: Callable[[str], None] | None = None, force: bool = False) -> Path:
    """Build the brief and write it as ``html``, ``json`` or ``pdf``; return the path.

    ``out`` defaults to ``brief-<ISO3>.<fmt>`` in the working directory. An explicit ``out``
    is checked before the brief is built (:func:`defdip.paths.check_output`): an existing
    file defdip did not write is replaced only with ``force``.
    """
    if fmt not in FORMATS:
        raise InvalidArgument(f"--format {fmt!r} must be one of {', '.join(FORMATS)}.")
    if out is not None:
        check_output(out, force=force)
    brief = build_brief(store, country, start=start, end=end, progress=progress)
    path = Path(out) if out is not None else Path(brief_filename(brief, fmt))
    check_output(path, force=force)
    text = json_text(brief.to_dict()) if fmt == "json" else _html(store, brief)
    if fmt == "pdf":
        from defdip.reports.pdf import html_to_pdf

        html_to_pdf(text, path)
        return path
    with writing_output(path, force=force) as partial:  # an earlier brief stays on failure
        partial.write_text(text, encoding="utf-8")
    return path
