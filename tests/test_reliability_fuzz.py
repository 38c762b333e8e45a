"""Reliability, fuzzing (issue 11, "Why" 7): Hypothesis throws generated input at
`record add` and at every source parser. Whatever comes in, the answer is the data or a
``DefdipError`` message, never another exception; what was added exports as valid JSON.

Bounded in time: the examples are derandomised (the same every run) and few per parser; the
parsers read mutated copies of the first lines of the real mirror files.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defdip import sources
from defdip.engagements import add_records, export_records
from defdip.errors import DefdipError
from defdip.store import Store

FAST = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=4, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

COUNTRIES = ["TUR", "Türkiye", "Turkey", "Not Turkey", "Congo", "XNC", "TRNC", "NATO", "640",
             "Korea", "", "x" * 300, "Côte d’Ivoire", "Northern Cyprus*", "\x00TUR"]
texts = st.one_of(st.text(max_size=40), st.sampled_from(
    ["=cmd()", "@SUM(A1)", "+1", "-1", "\x00", "'=x", "javascript:alert(1)", "https://x.org",
     "2022-13-01", "1600", "9999", "2022", "2022-05", "2022-05-20", ".inf", "NaN"]))
numbers = st.one_of(st.integers(-10, 10**25), st.floats(allow_nan=True, allow_infinity=True),
                    texts)
values = st.recursive(st.one_of(st.none(), st.booleans(), numbers, texts),
                      lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(texts, inner, max_size=3), max_leaves=8)
actors = st.lists(st.fixed_dictionaries({"country": st.sampled_from(COUNTRIES),
                                         "role": st.sampled_from(["host", "participant",
                                                                  "supplier", "boss", ""])}),
                  max_size=4)
records = st.fixed_dictionaries(
    {"kind": st.sampled_from(["exercise", "arms_transfer", "visit", "membership", "nope"]),
     "start": st.one_of(texts, st.integers(1000, 3000)), "actors": actors},
    optional={"name": texts, "end": texts, "scale": st.dictionaries(
        st.sampled_from(["personnel", "units", "tiv", "countries"]), numbers, max_size=4),
        "source": st.fixed_dictionaries({"url": texts}, optional={"citation": texts}),
        "notes": values, "claims": values, "domain": texts, "key": texts,
        "legal_basis": texts})


def _write(path: Path, fmt: str, items: list[dict]) -> None:
    if fmt == "json":
        path.write_text(json.dumps({"records": items}, default=str))
    elif fmt == "yaml":
        path.write_text(yaml.safe_dump({"records": items}, allow_unicode=True))
    else:
        import pandas as pd

        rows = [{**{k: v for k, v in r.items() if k not in ("actors", "source", "scale")},
                 "actors": ";".join(f"{a['country']}:{a['role']}" for a in r["actors"]),
                 "url": (r.get("source") or {}).get("url")} for r in items]
        pd.DataFrame(rows).to_csv(path, index=False)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("fuzz") / "defdip.duckdb") as store:
        yield store


@FAST
@given(items=st.lists(records, min_size=1, max_size=3),
       fmt=st.sampled_from(["yaml", "json", "csv"]))
def test_record_add_answers_with_data_or_a_message(fuzz_store, vocab, tmp_path_factory,
                                                   items, fmt):
    path = tmp_path_factory.mktemp("in") / f"records.{fmt}"
    try:
        _write(path, fmt, items)
    except (ValueError, UnicodeEncodeError):  # the writer itself refuses (e.g. surrogates)
        return
    try:
        add_records(fuzz_store, vocab, path)
    except DefdipError:
        return
    out = path.with_name("out.json")
    export_records(fuzz_store, out, force=True)
    document = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(c))
    for row in document["records"]:
        for value in (row.get("scale") or {}).values():
            assert value is None or math.isfinite(value)


@FAST
@given(data=st.binary(max_size=400), fmt=st.sampled_from(["yaml", "json", "csv"]))
def test_record_add_of_any_bytes_is_a_message(fuzz_store, vocab, tmp_path_factory, data, fmt):
    path = tmp_path_factory.mktemp("raw") / f"records.{fmt}"
    path.write_bytes(data)
    with contextlib.suppress(DefdipError):
        add_records(fuzz_store, vocab, path)


TEXT_LINES = 400  # each text file is cut to its first lines (fast), then mutated


def _mutate(data: bytes, how: str, at: int, noise: bytes) -> bytes:
    position = at % max(len(data), 1)
    if how == "truncate":
        return data[:position]
    if how == "flip":
        return data[:position] + noise + data[position + len(noise):]
    if how == "insert":
        return data[:position] + noise + data[position:]
    lines = data.splitlines(keepends=True)
    line = position % max(len(lines), 1)
    if how == "repeat" and lines:
        return b"".join([*lines[:line + 1], lines[line], *lines[line + 1:]])
    if how == "drop" and lines:
        return b"".join([*lines[:line], *lines[line + 1:]])
    return data.decode("latin-1").encode("utf-16")


def _sample(path: Path) -> bytes:
    """The file's first TEXT_LINES lines if it is text (gzip: uncompressed), else all."""
    raw = path.read_bytes()
    if raw.startswith(b"\x1f\x8b") and not path.name.endswith(".rda"):
        with gzip.open(path, "rb") as handle:
            return b"".join(line for _, line in zip(range(TEXT_LINES), handle, strict=False))
    if path.suffix in (".csv", ".tsv", ".tab"):
        return b"".join(raw.splitlines(keepends=True)[:TEXT_LINES])
    return raw


@pytest.mark.parametrize("name", list(sources.all_sources()))
def test_every_parser_answers_with_data_or_a_message(name, source_files, vocab, fuzz_store,
                                                     tmp_path_factory):
    """Each source loaded (through ``Store.load_source``, as `defdip load` does) from a
    mirror holding a mutated copy of one of its files."""
    module = sources.get(name)
    real = source_files(module)
    samples = {key: _sample(path) for key, path in real.items()}
    where = {raw.key: raw.mirror_path for raw in module.INFO.files}

    @SLOW
    @given(key=st.sampled_from(sorted(real)), how=st.sampled_from(
        ["truncate", "flip", "insert", "repeat", "drop", "utf16"]),
        at=st.integers(0, 10**7), noise=st.binary(min_size=1, max_size=12))
    def run(key: str, how: str, at: int, noise: bytes) -> None:
        mirror = tmp_path_factory.mktemp(name)
        for k, path in real.items():
            data = _mutate(samples[k], how, at, noise) if k == key else samples[k]
            if path.name.endswith(".gz"):
                data = gzip.compress(data)
            target = mirror / where[k]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        with contextlib.suppress(DefdipError):
            fuzz_store.load_source(name, mirror=mirror, vocab=vocab, force=True)

    run()
