"""Getting event files: GDELT 2.0's master file list and 15-minute exports, and Dataverse
files (ICEWS, POLECAT) through the Dataverse API.

Every download goes through :func:`defdip.fetch.fetch_file` (an injected ``httpx`` transport
in tests, never the network), lands whole or not at all, and is checked against the size and
MD5 its publisher lists; a mismatch removes the file and says so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import httpx

from defdip.errors import DefdipError, InvalidArgument
from defdip.fetch import RawFile, fetch_file

__all__ = [
    "DATAVERSE",
    "DOIS",
    "GDELT_MASTER",
    "DataverseFile",
    "DownloadMismatch",
    "GdeltFile",
    "dataverse_files",
    "fetch_dataverse",
    "fetch_gdelt",
    "gdelt_exports",
]

GDELT_MASTER = "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt"
DATAVERSE = "https://dataverse.harvard.edu"
#: Dataverse datasets by short name.
DOIS = {"icews": "doi:10.7910/DVN/28075", "polecat": "doi:10.7910/DVN/AJGVIT"}


class DownloadMismatch(DefdipError, OSError):
    """A downloaded file whose size or MD5 is not what its publisher lists."""


@dataclass(frozen=True)
class GdeltFile:
    """One 15-minute export in GDELT's master list."""

    url: str
    size: int
    md5: str
    stamp: datetime

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class DataverseFile:
    """One file of a Dataverse dataset."""

    id: int
    name: str
    size: int | None
    md5: str | None
    ingested: bool = False  # tabular files Dataverse re-exported; fetch the original


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)  # the publishers' checksum
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(path: Path, url: str, size: int | None, md5: str | None) -> Path:
    got_size = path.stat().st_size
    problem = (f"{got_size:,} bytes where the publisher lists {size:,}"
               if size is not None and got_size != size else "")
    if not problem and md5 and _md5(path) != md5.lower():
        problem = f"MD5 {_md5(path)} where the publisher lists {md5}"
    if problem:
        path.unlink(missing_ok=True)
        raise DownloadMismatch(f"Downloaded {url} to {path}: {problem}. The file was removed; "
                               "run the command again (a damaged or partial transfer).")
    return path


def gdelt_exports(start: datetime, end: datetime, *, cache_dir: Path,
                  transport: httpx.BaseTransport | None = None, url: str = GDELT_MASTER
                  ) -> list[GdeltFile]:
    """The 15-minute event exports whose timestamps fall in ``start``..``end`` (inclusive),
    from GDELT's master file list (downloaded to ``cache_dir``)."""
    if start > end:
        raise InvalidArgument(f"--from {start:%Y-%m-%dT%H:%M} is after --to {end:%Y-%m-%dT%H:%M}"
                              "; give the earlier time first.")
    listing = fetch_file(RawFile("masterfilelist", "gdelt/masterfilelist.txt", url),
                         mirror=None, cache_dir=cache_dir, transport=transport).path
    found = []
    with listing.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) != 3 or not parts[2].endswith(".export.CSV.zip"):
                continue  # mentions/GKG files, and the list's few broken lines
            stamp_text = parts[2].rsplit("/", 1)[-1][:14]
            try:
                stamp = datetime.strptime(stamp_text, "%Y%m%d%H%M%S")
                size = int(parts[0])
            except ValueError:
                continue
            if start <= stamp <= end:
                found.append(GdeltFile(parts[2], size, parts[1], stamp))
    return sorted(found, key=lambda f: f.stamp)


def fetch_gdelt(files: list[GdeltFile], folder: Path, *,
                transport: httpx.BaseTransport | None = None) -> list[Path]:
    """Download each export into ``folder`` (a file already there with the listed size and
    MD5 is kept); returns the local paths in time order."""
    paths = []
    for item in files:
        target = folder / item.name
        if target.is_file() and target.stat().st_size == item.size and \
                _md5(target) == item.md5:
            paths.append(target)
            continue
        got = fetch_file(RawFile(item.name, item.name, item.url), mirror=None,
                         cache_dir=folder, transport=transport)
        paths.append(_verify(got.path, item.url, item.size, item.md5))
    return paths


def dataverse_files(doi: str, *, transport: httpx.BaseTransport | None = None,
                    server: str = DATAVERSE, timeout: float = 60.0) -> list[DataverseFile]:
    """The files of the latest version of a Dataverse dataset (``doi:…`` or icews/polecat)."""
    doi = DOIS.get(doi.lower(), doi)
    url = (f"{server}/api/datasets/:persistentId/versions/:latest/files?persistentId="
           f"{quote(doi, safe=':/')}")
    try:
        with httpx.Client(transport=transport, timeout=timeout, follow_redirects=True) as client:
            response = client.get(url)
    except httpx.HTTPError as exc:
        raise DefdipError(f"Could not list {doi} at {url}: {type(exc).__name__}: {exc}. Check "
                          "the network, or download the files by hand and `defdip events "
                          "load` them.") from exc
    try:
        body = response.json()
        entries = body["data"] if response.is_success and body.get("status") == "OK" else None
    except (ValueError, KeyError, AttributeError):
        entries = None
    if entries is None:
        raise DefdipError(f"Could not list {doi} at {url}: HTTP {response.status_code} "
                          f"{response.text[:200]!r}. Check the DOI (e.g. {DOIS['icews']}).")
    files = []
    for entry in entries:
        data = entry.get("dataFile", {})
        files.append(DataverseFile(
            int(data["id"]), str(data.get("originalFileName") or entry.get("label")
                                 or data.get("filename")),
            data.get("originalFileSize", data.get("filesize")),
            (data.get("checksum") or {}).get("value") or data.get("md5"),
            ingested="originalFileFormat" in data))
    return files


def fetch_dataverse(item: DataverseFile, folder: Path, *,
                    transport: httpx.BaseTransport | None = None,
                    server: str = DATAVERSE) -> Path:
    """Download one Dataverse file as deposited into ``folder`` and check it."""
    url = f"{server}/api/access/datafile/{item.id}" + ("?format=original" if item.ingested
                                                        else "")
    got = fetch_file(RawFile(item.name, item.name, url), mirror=None, cache_dir=folder,
                     transport=transport)
    return _verify(got.path, url, item.size, item.md5)
