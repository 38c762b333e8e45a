"""What a brief is made of, as data: sections, findings, key numbers and figure specs.

Every section of the brief is built by one function that returns a :class:`Section` — prose,
findings with how strong their evidence is, tables (DataFrames) and figure *specs* (plain,
JSON-ready dicts, see :mod:`defdip.reports.charts`). Rendering is separate
(:mod:`defdip.reports.page` for the HTML file), so the web app can call the same section
functions and render the same specs in its own pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from defdip.plain import plain, records

__all__ = ["EVIDENCE", "Finding", "KeyNumber", "Section"]

#: How strong the evidence behind a finding is, with what each level means (shown in the brief).
EVIDENCE: dict[str, str] = {
    "strong": "a direct count from a dataset that covers every state in these years",
    "moderate": "a count from partial coverage (curated or sampled records) or a "
                "statistical estimate distinguishable from zero",
    "weak": "few observations, an estimate not distinguishable from zero, or data that "
            "stop before the period in question",
}


@dataclass(frozen=True)
class Finding:
    """One plain-language finding, how strong its evidence is, and where it is shown."""

    text: str
    strength: str
    section: str
    rank: int = 50  # lower first when the summary picks its findings

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "strength": self.strength, "section": self.section}


@dataclass(frozen=True)
class KeyNumber:
    """A number on the first page: label, value (None = not observed), unit and what it
    rests on. ``value`` is the library's own answer, so a test can ask the library again."""

    key: str
    label: str
    value: float | int | None
    unit: str = ""
    note: str = ""
    rank: int | None = None
    section: str = ""

    def shown(self) -> str:
        """The value as the brief prints it: integers as integers, NULL as 'not observed'."""
        if self.value is None:
            return "not observed"
        value = self.value
        if isinstance(value, float) and value.is_integer() and (abs(value) >= 100
                                                                 or value == 0):
            value = int(value)
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
        return f"{text} {self.unit}".strip()

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": plain(self.value),
                "unit": self.unit, "note": self.note, "rank": self.rank,
                "section": self.section, "shown": self.shown()}


@dataclass
class Section:
    """One part of the brief: prose, findings, figures (specs), tables and notes.

    ``omitted`` holds the one line saying why a section without data is left out; such a
    section is listed, not drawn.
    """

    id: str
    title: str
    text: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    omitted: str | None = None
    numbers: list[KeyNumber] = field(default_factory=list)

    def find(self, text: str, strength: str, rank: int = 50) -> None:
        """Record a finding of this section (also shown in its text)."""
        self.findings.append(Finding(text, strength, self.id, rank))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "text": self.text, "notes": self.notes,
                "omitted": self.omitted,
                "findings": [f.to_dict() for f in self.findings],
                "numbers": [n.to_dict() for n in self.numbers],
                "tables": {k: records(v) for k, v in self.tables.items()},
                "figures": self.figures}
