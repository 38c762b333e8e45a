"""Getting raw files: from a local mirror folder, or from the publisher's URL.

A mirror is a folder that holds the publishers' files under fixed relative paths (the
project's machines use ``../shared/data``). Downloads go through an ``httpx`` transport
that tests replace with ``httpx.MockTransport``, so no test touches the network.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from defdip.errors import MirrorFileMissing

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

    Downloads are written to a temporary file and renamed, so an interrupted download never
    leaves a half-written file in the cache.
    """
    if mirror is not None:
        path = Path(mirror) / raw.mirror_path
        if not path.is_file():
            raise MirrorFileMissing(
                f"Mirror file missing: {path} (source file {raw.key!r}). Put the publisher's file "
                f"there, point --mirror/$DEFDIP_MIRROR at the folder that holds "
                f"{raw.mirror_path!r}, or drop --mirror to download from {raw.url}."
            )
        return Fetched(raw.key, path, sha256_of(path), str(path), _now())
    target = cache_dir / Path(raw.mirror_path).name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with httpx.Client(transport=transport, timeout=timeout, follow_redirects=True) as client:
            response = client.get(raw.url)
            response.raise_for_status()
    except httpx.HTTPError as exc:
        raise MirrorFileMissing(
            f"Could not download {raw.url} for {raw.key!r}: {exc}. Without network, pass "
            f"--mirror DIR (or set $DEFDIP_MIRROR) to a folder holding {raw.mirror_path!r}."
        ) from exc
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(response.content)
    os.replace(tmp, target)
    return Fetched(raw.key, target, sha256_of(target), raw.url, _now())
