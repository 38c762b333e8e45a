"""One result type for every service call: a table or a document, and what it covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Result"]


@dataclass(frozen=True)
class Result:
    """What a service call returns.

    ``table`` is a DataFrame (rows) or None; ``document`` a JSON-ready mapping or list (for
    results that are not one table: an analysis, a summary). ``coverage`` says in words which
    years and states the answer rests on; ``vintage`` identifies the data it was computed
    from (the same vintage, the same answer), for caches and ETags.
    """

    title: str
    table: pd.DataFrame | None = None
    document: dict[str, Any] | list[Any] | None = None
    coverage: str | None = None
    notes: tuple[str, ...] = field(default=())
    vintage: str = ""
    #: The library's own result object (e.g. an ``EffectsResult``), for faces that render
    #: more than the JSON document (the CLI's tables, the web's figures).
    detail: Any = field(default=None, compare=False, repr=False)

    def data(self) -> list[dict[str, Any]] | dict[str, Any] | list[Any]:
        """The payload as JSON-ready values (rows as dicts, NA as None)."""
        if self.table is not None:
            from defdip.plain import records

            return records(self.table)
        return self.document if self.document is not None else {}

    def to_dict(self) -> dict[str, Any]:
        """The whole result, JSON-ready: payload, title, coverage, notes and vintage."""
        return {"title": self.title, "data": self.data(), "coverage": self.coverage,
                "notes": list(self.notes), "vintage": self.vintage}
