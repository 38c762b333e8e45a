"""The two country reference files (the ``countrycode`` concordance and the COW state list)
kept in ``$DEFDIP_HOME/raw/countries``, so that commands reading the store need no mirror.

A copy is checked before it is cached and every time it is read: a damaged cached file
(a garbage file in the mirror once poisoned the cache, and every later command then failed
with ``UnicodeDecodeError``) is removed and rebuilt, never trusted.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from defdip.errors import MirrorFileMissing, SourceFormatError
from defdip.fetch import RawFile, fetch_file
from defdip.lazy import lazy_import
from defdip.paths import replacing

pd = lazy_import("pandas")

__all__ = ["read_reference", "reference_frame"]

# key -> (required columns, fewest rows, columns that must be numbers)
REFERENCE: dict[str, tuple[tuple[str, ...], int, tuple[str, ...]]] = {
    "codelist": (("iso3c", "cown", "country.name.en", "gwn", "cowc"), 250, ()),
    "cow_states": (("ccode", "statenme", "stateabb", "styear", "stmonth", "stday", "endyear",
                    "endmonth", "endday"), 200,
                   ("ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")),
}
FIX = ("Point --mirror/$DEFDIP_MIRROR at a folder with the publisher's unmodified file; the "
       "cached copy in $DEFDIP_HOME/raw/countries was not changed.")


def read_reference(key: str, path: Path) -> pd.DataFrame:
    """The reference table ``key`` from ``path``, or :class:`SourceFormatError` saying why
    the file is not one (unreadable, not UTF-8, missing columns, too few rows)."""
    required, floor, numeric = REFERENCE[key]
    options: dict[str, object] = ({"dtype": str, "keep_default_na": False, "na_values": [""]}
                                  if key == "codelist" else {})
    try:
        frame = pd.read_csv(path, encoding="utf-8", **options)  # type: ignore[call-overload]
    except (OSError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        raise SourceFormatError(path, f"cannot be read as the {key} reference file "
                                f"({type(exc).__name__}: {exc})", fix=FIX) from None
    missing = [c for c in required if c not in frame.columns]
    if missing or len(frame) < floor:
        why = f"lacks columns {missing}" if missing else f"has {len(frame)} rows, not {floor}+"
        raise SourceFormatError(path, f"is not the {key} reference file ({why})", fix=FIX)
    for column in numeric:
        if pd.to_numeric(frame[column], errors="coerce").isna().any():
            raise SourceFormatError(path, f"is not the {key} reference file (a value that is "
                                    "not a number)", column=column, fix=FIX)
    return frame


def reference_frame(raw: RawFile, mirror: Path | None, cache: Path) -> pd.DataFrame:
    """One reference table: from the mirror (its copy cached only once it checks out), else
    the cached copy if it checks out, else a download (cached only once it checks out)."""
    cached = cache / Path(raw.mirror_path).name
    damaged = ""
    if mirror is None and cached.is_file():
        try:
            return read_reference(raw.key, cached)
        except SourceFormatError as exc:
            cached.unlink(missing_ok=True)
            damaged = str(exc)
    if mirror is not None:
        path = fetch_file(raw, mirror=mirror, cache_dir=cache).path  # read in place
        frame = read_reference(raw.key, path)
        if not cached.is_file() or cached.read_bytes() != path.read_bytes():
            with replacing(cached) as partial:
                shutil.copyfile(path, partial)
        return frame
    try:
        path = fetch_file(raw, mirror=None, cache_dir=cache / ".incoming").path
    except MirrorFileMissing as exc:
        if damaged:
            raise MirrorFileMissing(f"The cached country reference file was damaged and has "
                                    f"been removed ({damaged}); rebuilding it failed: {exc} Run "
                                    "a command once with --mirror DIR (or $DEFDIP_MIRROR) to "
                                    "rebuild it.") from None
        raise
    try:
        frame = read_reference(raw.key, path)
    except SourceFormatError:
        path.unlink(missing_ok=True)
        raise
    os.replace(path, cached)
    return frame
