"""Reliability, messages (issue 11, "Why" 8 and 9): ordinary mistakes get one `Error:` line
with the fix and exit 2, never a traceback; every command checks its years, windows and
horizons with the same helper, before it reads anything.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from defdip.errors import DefdipError
from defdip.store import Store

YEAR = "is outside 1816–2100. Pass a year such as"


def _fails(done, message: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert message in done.stderr, done.stderr


ARGUMENTS = {  # arguments -> the message (the store is empty: nothing may be read first)
    "alignment with itself": (("alignment", "TUR", "--partner", "TUR"),
                              "--partner 'TUR' is 'TUR' itself; a state's alignment with "
                              "itself is always perfect."),
    "horizon 99999999999": (("trends", "TUR", "--horizon", "99999999999"),
                            "--horizon 99999999999 must be 1 to 30."),
    "horizon 0": (("trends", "TUR", "--horizon", "0"), "--horizon 0 must be 1 to 30."),
    "effects from 1800": (("effects", "TUR", "--from", "1800"),
                          "--from 1800 is outside 1817–2100 (the effects use engagement in "
                          "the year before --from, and the COW state system begins in 1816)"),
    "panel from 3000": (("panel", "dyad-year", "--from", "3000", "--to", "3001", "--out",
                         "x.parquet"), f"--from 3000 {YEAR} --from 2000."),
    "standing year 3000": (("standing", "--year", "3000"), f"--year 3000 {YEAR} --year 2000."),
    "event-study window 0": (("event-study", "TUR", "--window", "0"),
                             "--window 0 must be 1 to 20."),
    "breakpoints window 0": (("breakpoints", "TUR", "--window", "0"),
                             "--window 0 must be 3 to 30."),
    "tension year 99999": (("tension", "TUR", "--year", "99999"), f"--year 99999 {YEAR}"),
    "profile year 0": (("profile", "TUR", "--year", "0"), f"--year 0 {YEAR}"),
    "arms top 0": (("arms", "ranking", "--top", "0"), "--top 0 must be 1 to 10000."),
    "arms years 3000": (("arms", "ranking", "--years", "3000-3001"), f"--years 3000 {YEAR}"),
    "record list reversed": (("record", "list", "--from", "2020", "--to", "2010"),
                             "--from 2020 is after --to 2010: pass the earlier year first"),
    "record completeness reversed": (("record", "completeness", "--country", "TUR", "--from",
                                      "2020", "--to", "2010"), "--from 2020 is after --to 2010"),
    "record export reversed": (("record", "export", "--out", "x.csv", "--from", "2020", "--to",
                                "2010"), "--from 2020 is after --to 2010"),
}


@pytest.mark.parametrize("case", list(ARGUMENTS))
def test_nonsense_arguments_are_one_line(defdip_cli, empty_store, tmp_path, case,
                                         monkeypatch):
    """`alignment TUR --partner TUR` was a traceback, `trends --horizon 99999999999` a 745 GiB
    allocation, `effects --from 1800` spoke of 'start 1799', `panel dyad-year --from 3000`
    gave 75,660 dyad-years for the year 3000, and nonsense years, windows and horizons gave
    exit 0 with empty output; reversed years passed `record list/completeness/export`."""
    args, message = ARGUMENTS[case]
    monkeypatch.chdir(tmp_path)
    done = defdip_cli(*args, "--store", str(empty_store), home=empty_store.parent)
    _fails(done, message)
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.parquet").exists()


def test_a_missing_store_is_not_created(defdip_cli, tmp_path):
    """`sources --store missing.duckdb` silently created an empty store."""
    missing = tmp_path / "missing.duckdb"
    for args in (("sources",), ("record", "list"), ("arms", "ranking")):
        _fails(defdip_cli(*args, "--store", str(missing), home=tmp_path / "home"),
               f"Error: No store at {str(missing)!r}. Run `defdip load` to create and fill it")
    assert not missing.exists()


def test_defdip_home_pointing_at_a_file(defdip_cli, tmp_path):
    home = tmp_path / "a-file"
    home.write_text("not a folder")
    for args in (("sources",), ("record", "list")):
        _fails(defdip_cli(*args, home=home),
               f"Error: $DEFDIP_HOME {str(home)!r} is a file, not a folder. Point DEFDIP_HOME "
               "at a folder")


def test_a_read_only_store_folder_names_the_log(empty_store, monkeypatch):
    """The message hid that DuckDB's write-ahead log cannot be written beside the store. (A
    read-only folder is simulated: the tests may run as root, who can write anywhere.)"""
    import os

    from defdip.cli._common import open_cli_store
    from defdip.store.session import writing

    real = os.access
    monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == empty_store.parent
                        else real(p, m))
    with pytest.raises(DefdipError) as caught, writing(empty_store):
        pass
    assert str(caught.value).startswith(
        f"The folder {str(empty_store.parent)!r} of the store is not writable, and a write "
        "stages a copy of the store there (defdip.duckdb.next")
    with open_cli_store(empty_store) as handle:  # reading still works (read-only)
        assert "engagements" in handle.tables()


def _mirror_with(root: Path, mirror: Path, name: str) -> Path:
    from defdip import sources
    from defdip.countries import COUNTRY_FILES

    for raw in [*COUNTRY_FILES, *sources.get(name).INFO.files]:
        (root / raw.mirror_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / raw.mirror_path, root / raw.mirror_path)
    return root


def test_a_truncated_gzip_file_is_a_message(store, mirror, vocab, tmp_path):
    root = _mirror_with(tmp_path / "mirror", mirror, "unga_votes")
    votes = root / "unga_votes/un_votes.csv.gz"
    votes.write_bytes(votes.read_bytes()[: votes.stat().st_size // 2])
    with pytest.raises(DefdipError) as caught:
        store.load_source("unga_votes", mirror=root, vocab=vocab)
    assert str(caught.value).startswith(f"{votes}: the gzip stream is damaged or ends early (")
    assert "(check 'complete file')" in str(caught.value)


@pytest.mark.parametrize("content", ["garbage", "utf-16"])
def test_a_garbage_or_utf16_geojson_is_a_message(store, mirror, vocab, tmp_path, content):
    root = _mirror_with(tmp_path / "mirror", mirror, "natural_earth")
    path = root / "natural_earth_110m/countries-110m.geojson"
    data = path.read_bytes()
    path.write_bytes(bytes(range(256)) * 40 if content == "garbage"
                     else data.decode("utf-8").encode("utf-16"))
    with pytest.raises(DefdipError) as caught:
        store.load_source("natural_earth", mirror=root, vocab=vocab)
    assert str(caught.value).startswith(f"{path}")
    assert not store.has("natural_earth_countries")


def test_an_unreadable_mirror_file_is_a_message(store, mirror, vocab, tmp_path, monkeypatch):
    """(Unreadable is simulated: the tests may run as root, who can read anything.)"""
    from defdip import fetch

    root = _mirror_with(tmp_path / "mirror", mirror, "cow_nmc")
    path = root / "cow_nmc/cow_nmc_peacesciencer.csv"
    real = fetch.sha256_of

    def denied(target: Path) -> str:
        if Path(target) == path:
            raise PermissionError(13, "Permission denied", str(target))
        return real(target)

    monkeypatch.setattr(fetch, "sha256_of", denied)
    with pytest.raises(DefdipError) as caught:
        store.load_source("cow_nmc", mirror=root, vocab=vocab)
    assert str(caught.value).startswith(f"Mirror file {path} (source file 'cow_nmc') cannot "
                                        "be read: Permission denied. Check its permissions")


def test_the_gzip_check_reads_the_real_file_whole(mirror):
    """The check that refuses a cut gzip stream accepts the real one (870,109 votes)."""
    from defdip.sources._whole import check_file_whole

    path = mirror / "unga_votes/un_votes.csv.gz"
    check_file_whole(path)
    with gzip.open(path, "rt") as handle:
        assert sum(1 for _ in handle) - 1 == 870_109  # unga_votes/README.md


def test_a_store_folder_without_space_is_one_line(monkeypatch, capsys, empty_store, mirror):
    """DuckDB's own error for a full disk becomes one line (it was a traceback)."""
    import duckdb

    from defdip import cli
    from defdip.store import core

    def refuse(self, *args, **kwargs):
        raise duckdb.IOException('IO Error: Could not write file "defdip.duckdb.wal": '
                                 "No space left on device")

    monkeypatch.setattr(core.Store, "replace_tables", refuse)
    monkeypatch.setenv("DEFDIP_HOME", str(empty_store.parent))
    monkeypatch.setattr("sys.argv", ["defdip", "load", "cow_majors", "--no-derived", "--json",
                                     "--mirror", str(mirror), "--store", str(empty_store)])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    err = capsys.readouterr().err
    assert caught.value.code == 2 and err.startswith("Error: The disk is full (IO Error: "), err
    with Store(empty_store) as store:
        assert not store.has("cow_majors")
