"""Where defdip keeps its files: the store, the raw-file cache and the mirror.

Nothing here reads the clock; every location comes from an argument or the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_home", "default_mirror", "default_store_path", "raw_cache_dir"]


def default_home() -> Path:
    """``$DEFDIP_HOME``, else ``$XDG_DATA_HOME/defdip``, else ``~/.local/share/defdip``."""
    if home := os.environ.get("DEFDIP_HOME"):
        return Path(home).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "defdip"


def default_store_path() -> Path:
    """The embedded DuckDB store: ``<home>/defdip.duckdb``."""
    return default_home() / "defdip.duckdb"


def raw_cache_dir() -> Path:
    """Where downloaded raw files are kept, one folder per source."""
    return default_home() / "raw"


def default_mirror() -> Path | None:
    """``$DEFDIP_MIRROR`` if set: a folder laid out like the publishers' files."""
    value = os.environ.get("DEFDIP_MIRROR")
    return Path(value).expanduser() if value else None
