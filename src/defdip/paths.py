"""Where defdip keeps its files: the store, the raw-file cache and the mirror.

Nothing here reads the clock; every location comes from an argument or the environment.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["default_home", "default_mirror", "default_store_path", "raw_cache_dir", "replacing"]


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


@contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Write an output file whole or not at all.

    Yields a temporary path beside ``path`` (same folder, so the rename is atomic). When
    the block finishes, the temporary file replaces ``path``. If the block raises (or is
    interrupted), the temporary file is removed and an existing ``path`` is left untouched.
    The temporary name keeps the suffix, so writers that choose a format by the file name
    (DuckDB ``COPY``, pandas) see the right one.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.",
                                suffix=f".part{target.suffix}")
    os.close(fd)
    partial = Path(name)
    mask = os.umask(0)  # mkstemp makes 0600 files; give the output the usual permissions
    os.umask(mask)
    os.chmod(partial, 0o666 & ~mask)
    try:
        yield partial
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
