"""Where defdip keeps its files (the store, the raw-file cache, the mirror) and how it writes
files: whole or not at all, and never over something it must not replace.

Nothing here reads the clock; every location comes from an argument or the environment.

Two ways to write a file:

- :func:`replacing` (defdip's own files: caches, downloads) writes beside the target and
  renames into place; it refuses a folder, a device, a FIFO or a socket at the target.
- :func:`writing_output` (what a user names with ``--out``) does the same after
  :func:`check_output`: never the store, and an existing file only if defdip wrote it and it
  has not changed since, else only with ``--force``. defdip knows its own outputs from a
  ledger, ``$DEFDIP_HOME/outputs.json``: for each file written, its size, modification time
  and inode; a file edited, replaced or written elsewhere no longer matches.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from defdip.errors import DefdipError, OutputRefused

__all__ = [
    "check_output",
    "default_home",
    "default_mirror",
    "default_store_path",
    "is_store_file",
    "raw_cache_dir",
    "replacing",
    "written_by_defdip",
    "writing_output",
]

LEDGER = "outputs.json"
LEDGER_SIZE = 2000  # entries kept; the oldest are forgotten first


def default_home() -> Path:
    """``$DEFDIP_HOME``, else ``$XDG_DATA_HOME/defdip``, else ``~/.local/share/defdip``.

    A home that exists but is not a folder is refused here, once for every caller."""
    if home := os.environ.get("DEFDIP_HOME"):
        path = Path(home).expanduser()
        if path.exists() and not path.is_dir():
            raise DefdipError(f"$DEFDIP_HOME {home!r} is a file, not a folder. Point "
                              "DEFDIP_HOME at a folder: defdip keeps its store and caches "
                              "there.")
        return path
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


def is_store_file(path: Path) -> bool:
    """Whether ``path`` is a DuckDB database (its header says ``DUCK``) or a store's WAL."""
    if path.name.endswith((".duckdb.wal", ".duckdb.tmp")):
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return None


def _refuse_special(target: Path, shown: str, option: str) -> None:
    """Refuse a target that exists and is not a regular file (always, even with --force)."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputRefused(f"{option} {shown!r} cannot be inspected ({exc.strerror}). Choose "
                            "a file in a folder you can write.") from None
    kind = _kind(mode)
    if kind == "a folder":
        raise OutputRefused(f"{option} {shown!r} is a folder. Name a file inside it, e.g. "
                            f"{str(Path(shown) / 'output')!r} with the right suffix.")
    if kind is not None:
        raise OutputRefused(f"{option} {shown!r} is {kind}, not a file; defdip writes only "
                            "regular files. Choose a file path.")


def _real_target(path: Path) -> Path:
    """The file a write replaces: a symlink's target (the link stays a link)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _stamp(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _read_ledger() -> dict[str, list[int]]:
    """The ledger, or an empty one if it is missing or damaged (it is then rewritten)."""
    try:
        data = json.loads((default_home() / LEDGER).read_text(encoding="utf-8"))
        files = data["files"]
        return {str(k): [int(x) for x in v] for k, v in files.items() if len(v) == 3}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, DefdipError):
        return {}


def _remember(target: Path) -> None:
    """Record ``target`` as written by defdip; a ledger that cannot be written is skipped
    (the next write to ``target`` then asks for --force, which loses nothing)."""
    stamp = _stamp(target)
    if stamp is None:
        return
    with contextlib.suppress(OSError, DefdipError):
        ledger = _read_ledger()
        ledger.pop(str(target), None)
        ledger[str(target)] = stamp
        kept = dict(list(ledger.items())[-LEDGER_SIZE:])
        home = default_home()
        with replacing(home / LEDGER) as partial:
            partial.write_text(json.dumps({"version": 1, "files": kept}), encoding="utf-8")


def written_by_defdip(path: Path | str) -> bool:
    """Whether ``path`` is a file defdip wrote and nobody changed since (see the ledger)."""
    target = _real_target(Path(path).expanduser()).absolute()
    stamp = _stamp(target)
    return stamp is not None and _read_ledger().get(str(target)) == stamp


def check_output(path: Path | str, *, force: bool = False, option: str = "--out") -> Path:
    """Check that ``path`` may be written, before any work; return the file to write.

    Refused always: a folder (or a path ending in '/'), a device, a FIFO, a socket, the store
    (any DuckDB file) or a folder that cannot hold the file. Refused without ``force``: an
    existing file defdip did not write, or that changed since it did. A symlink is followed:
    its target is replaced and the link stays.
    """
    shown = str(path)
    given = Path(path).expanduser()
    if shown.endswith(("/", os.sep)):
        raise OutputRefused(f"{option} {shown!r} names a folder. Name a file inside it, e.g. "
                            f"{str(given / 'output')!r} with the right suffix.")
    target = _real_target(given).absolute()
    _refuse_special(target, shown, option)
    store = default_store_path().absolute()
    if target.exists() and (is_store_file(target) or target in (store, Path(f"{store}.wal"))):
        raise OutputRefused(f"{option} {shown!r} is a defdip store (a DuckDB database); "
                            "writing there would destroy it. Choose another file.")
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise OutputRefused(f"{option} {shown!r}: {str(folder)!r} is a file, so no folder can "
                            "be made there. Choose a path in a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputRefused(f"{option} {shown!r}: the folder {str(folder)!r} is not writable. "
                            "Choose a folder you can write.")
    if target.exists() and not force and not written_by_defdip(target):
        raise OutputRefused(f"{option} {shown!r} already exists and defdip did not write it "
                            "(or it changed since). Pass --force to replace it, or choose "
                            "another file.")
    return target


@contextmanager
def writing_output(path: Path | str, *, force: bool = False,
                   option: str = "--out") -> Iterator[Path]:
    """:func:`check_output`, then :func:`replacing`; the file is then recorded as defdip's."""
    target = check_output(path, force=force, option=option)
    with replacing(target) as partial:
        yield partial
    _remember(target)


_PART = re.compile(r"\.(\d+)\.[A-Za-z0-9_]+\.part")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_parts(target: Path) -> None:
    """Remove partial files of ``target`` left by writers that died (kill -9, power loss)."""
    prefix = f".{target.stem}."
    with contextlib.suppress(OSError):
        for part in target.parent.glob(f".{_glob_escape(target.stem)}.*.part*"):
            match = _PART.match(part.name[len(prefix) - 1:])
            if match and not _alive(int(match.group(1))):
                part.unlink(missing_ok=True)


def _glob_escape(text: str) -> str:
    """``text`` with glob wildcards escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


@contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Write a file whole or not at all.

    Yields a temporary path beside ``path`` (same folder, so the rename is atomic). When
    the block finishes, the temporary file replaces ``path``. If the block raises (or is
    interrupted), the temporary file is removed and an existing ``path`` is left untouched;
    partial files of writers that died are removed on the next write. The temporary name
    keeps the suffix, so writers that choose a format by the file name (DuckDB ``COPY``,
    pandas) see the right one. A folder, device, FIFO or socket at ``path`` is refused; a
    symlink is followed (its target is replaced).
    """
    target = _real_target(Path(path))
    _refuse_special(target, str(path), "output")
    target.parent.mkdir(parents=True, exist_ok=True)
    _clean_parts(target)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.{os.getpid()}.",
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
