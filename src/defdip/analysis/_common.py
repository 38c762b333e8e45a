"""Shared pieces of the analysis layer: the focal state, year checks, result plumbing.

Every analysis returns plain data (DataFrames, or dataclasses with ``to_dict()``) so that a
report can render it and ``--json`` can print it without knowing the method.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from defdip.errors import InvalidArgument, InvalidRecord
from defdip.queries.names import resolve_state, vocabulary
from defdip.store import Store

__all__ = ["Focal", "check_years", "curated_list", "resolve_focal"]


@dataclass(frozen=True)
class Focal:
    """The state an analysis is about."""

    ccode: int
    iso3: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"ccode": self.ccode, "iso3": self.iso3, "name": self.name}


def resolve_focal(store: Store, country: str | int) -> Focal:
    """Resolve ``country`` (any spelling, ISO3 or COW code) with the store's vocabulary,
    through the one resolver (:func:`defdip.queries.names.resolve_state`), to a state with
    a COW code: the analyses work on COW codes."""
    found = resolve_state(country, vocabulary(store), "the country argument")
    return Focal(int(found.ccode), found.iso3, found.name)  # type: ignore[arg-type]


def check_years(start: int, end: int) -> None:
    """Reject an empty or reversed year range with the fix in the message."""
    if start > end:
        raise InvalidArgument(f"The year range {start!r}–{end!r} is reversed: pass the earlier "
                              "year first (e.g. --from 1995 --to 2019).")


def curated_list(path: Path | str | None, packaged: str, key: str) -> tuple[list[Any], str]:
    """The list under ``key`` of a curated YAML file — the packaged ``data/<packaged>`` unless
    ``path`` — and the name to cite in messages; :class:`InvalidRecord` if it is not YAML or
    holds no such list."""
    import yaml

    if path is None:
        ref = resources.files("defdip.data").joinpath(packaged)
        text, name = ref.read_text(encoding="utf-8"), packaged
    else:
        text, name = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = yaml.safe_load(text) or {}
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError on 2001-13-01
        raise InvalidRecord([f"cannot be read as YAML ({exc}); fix the file"], name) from exc
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InvalidRecord([f"the top-level key {key!r} must hold a list"], name)
    return entries, name
