"""GDELT's master file list and 15-minute exports, and Dataverse files, through an injected
``httpx.MockTransport``: no test touches the network."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from defdip.errors import DefdipError, MirrorFileMissing
from defdip.events.download import (
    DOIS,
    DownloadMismatch,
    dataverse_files,
    fetch_dataverse,
    fetch_gdelt,
    gdelt_exports,
)

FIXTURES = Path(__file__).parent / "fixtures" / "events"
BASE = "http://data.gdeltproject.org/gdeltv2/"


def _transport(bodies: dict[str, bytes], asked: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        body = bodies.get(str(request.url))
        return httpx.Response(404) if body is None else httpx.Response(200, content=body)

    return httpx.MockTransport(handler)


@pytest.fixture()
def export(tmp_path) -> bytes:
    archive = tmp_path / "made.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(FIXTURES / "20180601001500.export.CSV", "20180601001500.export.CSV")
    return archive.read_bytes()


def _master(export: bytes, md5: str | None = None) -> bytes:
    digest = md5 or hashlib.md5(export).hexdigest()
    return "\n".join([
        f"150383 297a16b493de7cf6ca809a7cc31d0b93 {BASE}20180601000000.export.CSV.zip",
        f"318084 bb27f78ba45f69a17ea6ed7755e9f8ff {BASE}20180601001500.mentions.CSV.zip",
        f"{len(export)} {digest} {BASE}20180601001500.export.CSV.zip",
        f" {BASE}20180601001500.gkg.csv.zip",  # the list has a few broken lines
        f"149723 12268e821823aae2da90882621feda18 {BASE}20180601003000.export.CSV.zip",
    ]).encode() + b"\n"


def test_gdelt_window_download_and_reuse(tmp_path, export):
    asked: list[str] = []
    transport = _transport({f"{BASE}masterfilelist.txt": _master(export),
                            f"{BASE}20180601001500.export.CSV.zip": export}, asked)
    files = gdelt_exports(datetime(2018, 6, 1, 0, 15), datetime(2018, 6, 1, 0, 15),
                          cache_dir=tmp_path / "cache", transport=transport)
    assert [f.name for f in files] == ["20180601001500.export.CSV.zip"]
    wider = gdelt_exports(datetime(2018, 6, 1), datetime(2018, 6, 1, 1), transport=transport,
                          cache_dir=tmp_path / "cache")
    assert [f.stamp.minute for f in wider] == [0, 15, 30]
    [path] = fetch_gdelt(files, tmp_path / "gdelt", transport=transport)
    assert path.read_bytes() == export
    asked.clear()
    assert fetch_gdelt(files, tmp_path / "gdelt", transport=transport) == [path]
    assert asked == []  # already there with the listed size and MD5: not fetched again


def test_gdelt_md5_mismatch_removes_the_file(tmp_path, export):
    transport = _transport({f"{BASE}masterfilelist.txt": _master(export, "0" * 32),
                            f"{BASE}20180601001500.export.CSV.zip": export}, [])
    files = gdelt_exports(datetime(2018, 6, 1, 0, 15), datetime(2018, 6, 1, 0, 15),
                          cache_dir=tmp_path / "cache", transport=transport)
    with pytest.raises(DownloadMismatch) as caught:
        fetch_gdelt(files, tmp_path / "gdelt", transport=transport)
    target = tmp_path / "gdelt" / "20180601001500.export.CSV.zip"
    assert str(caught.value) == (
        f"Downloaded {BASE}20180601001500.export.CSV.zip to {target}: MD5 "
        f"{hashlib.md5(export).hexdigest()} where the publisher lists {'0' * 32}. The file was "
        "removed; run the command again (a damaged or partial transfer).")
    assert not target.exists()


def test_gdelt_reversed_window_is_refused(tmp_path):
    with pytest.raises(ValueError, match="--from 2018-06-02T00:00 is after --to"):
        gdelt_exports(datetime(2018, 6, 2), datetime(2018, 6, 1), cache_dir=tmp_path)


SERVER = "https://dataverse.harvard.edu"
LISTING = (f"{SERVER}/api/datasets/:persistentId/versions/:latest/files?persistentId="
           "doi:10.7910/DVN/28075")


def test_dataverse_listing_and_download(mirror, tmp_path):
    tab = (mirror / "icews_events_sample" / "events.2018.sample.tab").read_bytes()
    listing = {"status": "OK", "data": [
        {"label": "events.2018.sample.tab", "dataFile": {
            "id": 3245001, "filename": "events.2018.sample.tab", "filesize": len(tab),
            "checksum": {"type": "MD5", "value": hashlib.md5(tab).hexdigest()}}},
        {"label": "events.2017.tab", "dataFile": {
            "id": 3245002, "filename": "events.2017.tab", "filesize": 10,
            "originalFileFormat": "text/tab-separated-values",
            "originalFileName": "events.2017.20200427084805.tab", "originalFileSize": 12,
            "md5": "0" * 32}},
    ]}
    asked: list[str] = []
    transport = _transport({LISTING: json.dumps(listing).encode(),
                            f"{SERVER}/api/access/datafile/3245001": tab}, asked)
    files = dataverse_files("icews", transport=transport)
    assert DOIS["icews"] == "doi:10.7910/DVN/28075"
    assert [(f.id, f.name, f.ingested) for f in files] == [
        (3245001, "events.2018.sample.tab", False),
        (3245002, "events.2017.20200427084805.tab", True)]
    path = fetch_dataverse(files[0], tmp_path, transport=transport)
    assert path.read_bytes() == tab
    with pytest.raises(MirrorFileMissing, match="HTTP 404 Not Found"):  # nothing written
        fetch_dataverse(files[1], tmp_path, transport=transport)
    assert asked[-1] == f"{SERVER}/api/access/datafile/3245002?format=original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.2018.sample.tab"]


def test_dataverse_error_names_the_doi():
    transport = httpx.MockTransport(lambda r: httpx.Response(404, json={
        "status": "ERROR", "message": "Dataset not found"}))
    with pytest.raises(DefdipError) as caught:
        dataverse_files("doi:10.7910/DVN/NOPE", transport=transport)
    assert str(caught.value).startswith(
        f"Could not list doi:10.7910/DVN/NOPE at {SERVER}/api/datasets/:persistentId/versions/"
        ":latest/files?persistentId=doi:10.7910/DVN/NOPE: HTTP 404 ")
