"""Plain, JSON-ready values from pandas/numpy objects (used by reports and the CLI)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["plain", "records"]


def plain(value: Any) -> Any:
    """NaN/NA/NaT → None, dates → ISO text, numpy scalars → Python scalars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return plain(value.item())
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
