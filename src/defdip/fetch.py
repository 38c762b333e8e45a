"""Getting raw files: from a local mirror folder, or from the publisher's URL.

A mirror is a folder that holds the publishers' files under fixed relative paths (the
project's machines use ``../shared/data``). Downloads go through an ``httpx`` transport
that tests replace with ``httpx.MockTransport``, so no test touches the network.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from defdip.errors import MirrorFileMissing
from defdip.lazy import lazy_import
from defdip.paths import replacing

httpx = lazy_import("httpx")

__all__ = ["Fetched", "RawFile", "fetch_file", "sha256_of"]


@dataclass(frozen=True)
class RawFile:
    """One file a source needs: its key for ``parse``, where a mirror holds it, its URL."""

    key: str
    mirror_path: str
    url: str


@dataclass(frozen=True)
class Fetched:
    """A raw file on local disk, with where it came from and its checksum."""

    key: str
    path: Path
    sha256: str
    origin: str
    retrieved: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def fetch_file(raw: RawFile, *, mirror: Path | None, cache_dir: Path,
               transport: httpx.BaseTransport | None = None, timeout: float = 120.0) -> Fetched:
    """Return a local copy of ``raw``: read in place from ``mirror``, else download it.

    Downloads are streamed to a temporary file beside the target and renamed when complete,
    so an interrupted download never leaves a half-written file in the cache (and never
    replaces a good copy cached earlier).
    """
    if mirror is not None:
        path = Path(mirror) / raw.mirror_path
        if not path.is_file():
            raise MirrorFileMissing(
                f"Mirror file missing: {path} (source file {raw.key!r}). Put the publisher's file "
                f"there, point --mirror/$DEFDIP_MIRROR at the folder that holds "
                f"{raw.mirror_path!r}, or drop --mirror to download from {raw.url}."
            )
        try:
            digest = sha256_of(path)
        except OSError as exc:
            raise MirrorFileMissing(
                f"Mirror file {path} (source file {raw.key!r}) cannot be read: "
                f"{exc.strerror or exc}. Check its permissions (the user running defdip must "
                f"be able to read it), or drop --mirror to download from {raw.url}.") from None
        return Fetched(raw.key, path, digest, str(path), _now())
    target = cache_dir / Path(raw.mirror_path).name
    with replacing(target) as partial, partial.open("wb") as handle:  # never half a file
        _download(raw, handle, transport=transport, timeout=timeout)
    return Fetched(raw.key, target, sha256_of(target), raw.url, _now())


def _download(raw: RawFile, handle: BinaryIO, *, transport: httpx.BaseTransport | None,
              timeout: float) -> None:
    """Stream ``raw.url`` into ``handle``; an HTTP or network failure says to use a mirror."""
    advice = (f"Without network, or where the publisher no longer serves the file, pass "
              f"--mirror DIR (or set $DEFDIP_MIRROR) to a folder holding {raw.mirror_path!r}.")
    try:
        with (httpx.Client(transport=transport, timeout=timeout, follow_redirects=True) as client,
              client.stream("GET", raw.url) as response):
            if response.is_error:
                raise MirrorFileMissing(
                    f"Could not download {raw.url} for {raw.key!r}: HTTP "
                    f"{response.status_code} {response.reason_phrase}. {advice}")
            for block in response.iter_bytes(1 << 20):
                handle.write(block)
    except httpx.HTTPError as exc:
        raise MirrorFileMissing(
            f"Could not download {raw.url} for {raw.key!r}: {type(exc).__name__}: {exc}. "
            f"{advice}") from exc
