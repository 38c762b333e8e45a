"""Plain, JSON-ready values from pandas/numpy objects (used by reports and the CLI).

pandas is not imported here: a value can only be a pandas object once pandas is loaded, and
printing a plain dict (a cached panel job's summary) must not pay for importing it.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["finite", "json_text", "plain", "records", "year_runs", "years_text"]


def plain(value: Any) -> Any:
    """NaN/NA/NaT and ±inf → None, dates → ISO text, numpy scalars → Python scalars, lists and
    arrays (a record's releasable-to list) → lists of plain values."""
    pandas = sys.modules.get("pandas")
    if value is None or (pandas is not None and (value is pandas.NA or value is pandas.NaT)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple) or getattr(value, "ndim", 0) > 0:  # lists, arrays
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return plain(value.item())
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def finite(data: Any) -> Any:
    """``data`` with every non-finite float (NaN, ±inf), at any depth, replaced by None:
    JSON has no such numbers, and ``json`` would write the invalid ``NaN``/``Infinity``."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


def _default(value: Any) -> Any:
    """What ``json`` cannot encode itself (numpy scalars, dates, NA), made plain."""
    result = plain(value)
    if result is value:  # plain() did not know it either: its text, as before
        return str(value)
    return finite(result)


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """``data`` as valid JSON text (non-finite numbers as null), UTF-8 characters kept."""
    return json.dumps(finite(data), ensure_ascii=False, indent=indent, default=_default,
                      allow_nan=False)


def year_runs(years: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive years as (first, last) runs: [1990, 1991, 1995] → [(1990, 1991), (1995,
    1995)]."""
    runs: list[tuple[int, int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def years_text(years: Iterable[int], none: str = "") -> str:
    """Years as runs in words: ``1974–2010``, or ``2016–2017, 2019, 2021, 2023`` with gaps;
    ``none`` when there are no years."""
    return ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in year_runs(years)) or none
