"""Reliability, loads (issue 11, "Why" 2, 3 and 7): a damaged or doubled copy of a real
mirror file is refused with the file and the check named, the stored data stay, and the
sources, the record and the measures change together or not at all.

The damaged files are copies of the real mirror files in a temporary mirror; the store is a
copy of the session's fully loaded and built store.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from defdip import sources
from defdip.errors import SourceFormatError
from defdip.store import Store

REFETCH = ("The store keeps the data it had. Re-download the file (`defdip load NAME` "
           "without --mirror) or check that the mirror holds the publisher's whole, "
           "unmodified file.")


def mirror_of(root: Path, mirror: Path, *names: str) -> Path:
    """A temporary mirror holding copies of the named sources' real files (and the country
    reference files every command's vocabulary reads)."""
    from defdip.countries import COUNTRY_FILES

    for raw in [*COUNTRY_FILES, *(r for n in names for r in sources.get(n).INFO.files)]:
        target = root / raw.mirror_path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(mirror / raw.mirror_path, target)
    return root


def store_copy(built: Store, folder: Path) -> Path:
    """A private copy of the session's built store file (checkpointed first)."""
    built.con.execute("CHECKPOINT")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "defdip.duckdb"
    shutil.copyfile(built.path, path)
    return path


def lines_of(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return data.splitlines(keepends=True)


def keep_header(path: Path) -> None:
    path.write_bytes(lines_of(path)[0])


def cut_mid_line(path: Path) -> None:
    data = path.read_bytes()
    start = data.index(b"\n", len(data) // 2) + 1
    path.write_bytes(data[:start + 25])  # a record's first 25 bytes, no line break


def keep_half(path: Path) -> None:
    lines = lines_of(path)
    path.write_bytes(b"".join(lines[:len(lines) // 2]))


def doubled(path: Path) -> None:
    lines = lines_of(path)
    body = lines[1:]
    if not body[-1].endswith(b"\n"):
        body[-1] += b"\n"
    path.write_bytes(b"".join([lines[0], *body, *body]))


@pytest.fixture()
def good(built_store: Store, tmp_path: Path):
    """A private copy of the built store, open, and its row counts before any test load."""
    with Store(store_copy(built_store, tmp_path / "store")) as handle:
        yield handle


def _counts(store: Store, *tables: str) -> dict[str, int]:
    return {t: int(store.sql(f'SELECT count(*) AS n FROM "{t}"')["n"][0]) for t in tables}


CASES = {  # source, file key, damage, table, check named
    "lowy header only": ("lowy_gdi", "posts", keep_header, "lowy_posts", "floor"),
    "atop alliances cut mid-line": ("atop", "alliances", cut_mid_line, "atop_alliances",
                                    "last line complete"),
    "mme header only": ("mme_exercises", "mme_wide", keep_header, "mme_exercises", "floor"),
    "ideal points half": ("unga_ideal_points", "ideal_points", keep_half, "unga_ideal_points",
                          "floor"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_damaged_file_is_refused_and_the_data_stay(good, mirror, vocab, tmp_path, case):
    """A header-only Lowy file loaded 0 posts with exit 0; ATOP cut in half stored 388 of 789
    alliances, the last one cut mid-line with nulls; MME header-only gave 0 exercises."""
    name, key, damage, table, check = CASES[case]
    root = mirror_of(tmp_path / "mirror", mirror, name)
    path = root / next(r.mirror_path for r in sources.get(name).INFO.files if r.key == key)
    damage(path)
    tables = list(sources.get(name).INFO.tables)
    before = _counts(good, *tables, "engagements")
    with pytest.raises(SourceFormatError) as caught:
        good.load_source(name, mirror=root, vocab=vocab)
    message = str(caught.value)
    assert message.startswith(str(path)) and f"(check '{check}')" in message
    assert message.endswith(REFETCH)
    assert _counts(good, *tables, "engagements") == before


def test_the_cut_line_is_named(good, mirror, vocab, tmp_path):
    root = mirror_of(tmp_path / "mirror", mirror, "atop")
    path = root / "atop/atop5_1a.csv"
    cut_mid_line(path)
    tail = path.read_bytes().split(b"\n")[-1].decode()
    with pytest.raises(SourceFormatError) as caught:
        good.load_source("atop", mirror=root, vocab=vocab)
    fields = len(path.read_bytes().split(b"\n")[-2].split(b","))
    assert str(caught.value) == (
        f"{path}: the last line has {tail.count(',') + 1} fields where the line before has "
        f"{fields} (starts {tail!r}): the file is cut mid-line (check 'last line complete'). "
        f"{REFETCH}")


DOUBLED = {  # source -> the file doubled, the table that would count every row twice
    "atop": ("dyad_year", "atop_dyad_year"),
    "unga_votes": ("roll_calls", "unga_roll_calls"),
    "lowy_gdi": ("posts", "lowy_posts"),
    "mme_exercises": ("mme_wide", "mme_exercises"),
    "jme_exercises": ("jme", "jme_exercises"),
    "ipi_peacekeeping": ("contributor_month", "ipi_contributor_month"),
    "cow_nmc": ("cow_nmc", "cow_nmc"),
    "cow_states": ("cow_states", "cow_states"),
    "us_troops": ("troops", "us_troops"),
    "country_codes": ("codelist", "country_codes"),
}


@pytest.mark.parametrize("name", list(DOUBLED))
def test_a_doubled_file_is_refused(good, mirror, vocab, tmp_path, name):
    """Duplicated rows doubled results: ATOP dyad-years doubled gave 85,816 panel rows for
    72,580 dyad-years with atop_defense summed twice; the same held for roll calls, Lowy,
    MME, JME, IPI, NMC, COW states, US troops and the country codelist."""
    key, table = DOUBLED[name]
    root = mirror_of(tmp_path / "mirror", mirror, name)
    path = root / next(r.mirror_path for r in sources.get(name).INFO.files if r.key == key)
    doubled(path)
    before = _counts(good, table)
    with pytest.raises(SourceFormatError) as caught:
        good.load_source(name, mirror=root, vocab=vocab)
    message = str(caught.value)
    assert message.startswith(str(path)) and "(check 'unique key')" in message, message
    assert f"rows of table {table!r} repeat a row" in message
    assert _counts(good, table) == before


def test_a_publishers_own_repeats_are_declared(parse_source):
    """Where the publisher's file really repeats rows, the source says so and loads: Lowy's
    2016-2023 file lists 13 posts twice (35,869 rows, 35,856 distinct)."""
    from defdip.sources import lowy_gdi

    posts = parse_source(lowy_gdi)["lowy_posts"]
    assert (len(posts), int(posts.duplicated().sum())) == (35_869, 13)
    declared = {w.table: w for w in lowy_gdi.INFO.whole}["lowy_posts"]
    assert declared.repeats >= 13 and "13 posts twice" in declared.why


def test_a_smaller_vintage_needs_accept_shrink(good, mirror, vocab, tmp_path):
    """More than 10% fewer rows than the last load is refused; --accept-shrink takes it."""
    from defdip.sources._whole import check_tables

    info = sources.get("unga_ideal_points").INFO
    root = mirror_of(tmp_path / "mirror", mirror, "unga_ideal_points")
    path = root / info.files[0].mirror_path
    tables = sources.get("unga_ideal_points").parse({"ideal_points": path}, vocab)
    with pytest.raises(SourceFormatError) as caught:  # a vintage a third larger came before
        check_tables(info, tables, {"ideal_points": path},
                     previous={"unga_ideal_points": 15_000})
    assert str(caught.value) == (
        f"{path}: gives 11,238 rows for table 'unga_ideal_points' where the store holds "
        "15,000 from the last load, more than 10% fewer (check 'shrink'). The store keeps "
        "the data it had. If this smaller vintage is deliberate, run `defdip load "
        "unga_ideal_points --accept-shrink`.")
    keep_half(path)
    result = good.load_source("unga_ideal_points", mirror=root, vocab=vocab,
                              accept_shrink=True)
    assert result.rows == len(lines_of(path)) - 1 < 11_238 // 2 + 1


def test_a_failed_load_changes_neither_sources_nor_record(good, built_store, mirror,
                                                          defdip_cli, tmp_path):
    """A load that failed part-way left the store inconsistent: the sources before the
    failure committed, the record and the measures not rebuilt."""
    root = mirror_of(tmp_path / "mirror", mirror, "lowy_gdi", "atop")
    posts = root / "lowy_global_diplomacy_index/lowy_gdi_posts_2016_2023.csv"
    lines = lines_of(posts)
    posts.write_bytes(b"".join(lines[:-100]))  # a valid, slightly smaller Lowy file
    cut_mid_line(root / "atop/atop5_1a.csv")  # and a damaged ATOP file after it
    lowy = "SELECT count(*) AS n FROM engagements WHERE source = 'lowy_gdi'"
    before = (_counts(good, "lowy_posts", "engagements"), good.sql(lowy)["n"][0])
    path = good.path
    good.close()
    done = defdip_cli("load", "lowy_gdi", "atop", "--mirror", str(root), "--store", str(path),
                      home=tmp_path / "home")
    assert done.returncode == 2 and "check 'last line complete'" in done.stderr, done.stderr
    with Store(path) as after:
        assert (_counts(after, "lowy_posts", "engagements"), after.sql(lowy)["n"][0]) == before


def test_a_full_disk_on_a_fresh_store_leaves_it_empty(mirror, tmp_path, monkeypatch, capsys):
    """A full disk while the record was written left a fresh store with sources and an empty
    record, and a traceback; now one line, and nothing at all is stored."""
    import errno

    from defdip import cli
    from defdip.store.core import Store as DuckStore

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(DuckStore, "replace_records", full)  # the record's write
    path = tmp_path / "fresh" / "defdip.duckdb"
    monkeypatch.setattr("sys.argv", ["defdip", "load", "cow_states", "lowy_gdi", "--mirror",
                                     str(mirror), "--store", str(path), "--json"])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: The disk is full ([Errno 28] No space left on device). "
                          "Nothing was changed") and "Traceback" not in err
    with Store(path) as fresh:
        assert not fresh.has("lowy_posts") and not fresh.has("cow_states")
        assert int(fresh.sql("SELECT count(*) AS n FROM engagements")["n"][0]) == 0
