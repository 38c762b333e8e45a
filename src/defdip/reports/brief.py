"""The country brief: the record, the panels, the measures and the analysis in one file.

``build_brief`` gathers every section as data; ``write_brief`` renders it as one
self-contained HTML file (plotly.js and the world map inline, no network) or as JSON with
the same content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defdip import __version__
from defdip.countries import Country, load_vocabulary
from defdip.errors import InvalidArgument
from defdip.paths import check_output, writing_output
from defdip.plain import json_text, records
from defdip.reports import analysis_sections as sa
from defdip.reports import record_sections as sr
from defdip.reports.html import Section, render_html
from defdip.store import Store

__all__ = ["Brief", "build_brief", "write_brief"]

REQUIRED = ("engagements", "engagement_actors", "un_alignment", "natural_earth_countries",
            "country_codes", "lowy_posts")


@dataclass
class Brief:
    """Everything the brief shows, as data."""

    country: Country
    start: int
    end: int
    sections: list[Section]
    sources: list[dict[str, Any]] = field(default_factory=list)

    def headline(self) -> list[str]:
        return [line for s in self.sections for line in s.text[:2]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": {"iso3": self.country.iso3, "ccode": self.country.ccode,
                        "name": self.country.name},
            "period": {"start": self.start, "end": self.end},
            "defdip_version": __version__,
            "headline": self.headline(),
            "sections": [{"id": s.id, "title": s.title, "findings": s.text, "notes": s.notes,
                          "tables": {k: records(v) for k, v in s.tables.items()},
                          "figures": len(s.figures)} for s in self.sections],
            "skipped": {},  # kept for readers of earlier briefs: every section is built
            "sources": self.sources,
        }


def build_brief(store: Store, country: str | int, *, start: int = 1995, end: int = 2024
                ) -> Brief:
    """Gather every section for ``country`` over [start, end] (alignment stops in 2019)."""
    if start > end:
        raise InvalidArgument(f"--from {start} is after --to {end}.")
    store.require(*REQUIRED)
    focal = load_vocabulary().resolve(country)
    un_end = min(end, 2019)
    sections = [
        sr.footprint_section(store, focal, start, end),
        sr.timeline_section(store, focal, 1980, end),
        sr.alignment_section(store, focal, 1946, un_end),
        sa.effects_section(store, focal, start, un_end),
        sa.challenges_section(store, focal, 1990, un_end),
        sa.regions_section(store, focal, start, un_end),
        sa.trends_section(store, focal, end),
        sa.standing_section(store, focal),
    ]
    sources = [{k: v for k, v in row.items() if k != "files"}
               for row in sr.sources_table(store).to_dict("records")]
    return Brief(focal, start, end, sections, sources)


def write_brief(store: Store, country: str | int, out: Path | str, *, fmt: str = "html",
                start: int = 1995, end: int = 2024, force: bool = False) -> Path:
    """Build the brief and write it as ``html`` or ``json``; return the path written.

    ``out`` is checked before the brief is built (:func:`defdip.paths.check_output`): an
    existing file defdip did not write is replaced only with ``force``."""
    if fmt not in ("html", "json"):
        raise InvalidArgument(f"--format {fmt!r} must be 'html' or 'json'.")
    path = Path(out)
    check_output(path, force=force)
    brief = build_brief(store, country, start=start, end=end)
    if fmt == "json":
        text = json_text(brief.to_dict())
    else:
        focal = brief.country
        text = render_html(
            f"{focal.name} — military diplomacy brief",
            f"COW {focal.ccode} · ISO3 {focal.iso3} · {start}–{end} · defdip {__version__}",
            brief.sections, sr.footer_html(store))
    with writing_output(path, force=force) as partial:  # an earlier brief stays on failure
        partial.write_text(text, encoding="utf-8")
    return path
