"""Country briefs: one self-contained, offline HTML file (or JSON) per state."""

from defdip.reports.brief import Brief, build_brief, write_brief

__all__ = ["Brief", "build_brief", "write_brief"]
