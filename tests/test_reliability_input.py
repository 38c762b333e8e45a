"""Reliability, bounded input (issue 11, "Why" 4, 8 and 9): `record add` refuses what would
exhaust memory or disk, what the record cannot store, and unsafe values, with one message
naming the file, the record and the field; exports are safe to open in a spreadsheet and
JSON output is JSON.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from defdip.engagements import add_records, export_records
from defdip.errors import InvalidRecord

ROOT = Path(__file__).resolve().parents[1]


def record(**fields: object) -> dict[str, object]:
    base = {"kind": "exercise", "name": "Test exercise", "start": "2020-05-01",
            "actors": [{"country": "TUR", "role": "host"}],
            "source": {"url": "https://example.org/test"}}
    return {**base, **fields}


def write_yaml(path: Path, *records: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump({"records": list(records)}, allow_unicode=True))
    return path


def alias_bomb(levels: int, field: str = "notes") -> str:
    """The billion-laughs document: each level repeats the one before nine times."""
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    names = "abcdefghijklmnop"
    for before, name in zip(names[:levels - 1], names[1:levels], strict=True):
        text += f"{name}: &{name} [{','.join(['*' + before] * 9)}]\n"
    value = f"[{{field: x, value: *{names[levels - 1]}}}]" if field == "claims" \
        else f"*{names[levels - 1]}"
    return text + ("records:\n  - kind: exercise\n    name: Bomb\n    start: 2020\n"
                   "    actors: [{country: TUR, role: host}]\n"
                   "    source: {url: 'https://example.org'}\n"
                   f"    {field}: {value}\n")


def _refused(store, vocab, path: Path) -> str:
    with pytest.raises(InvalidRecord) as caught:
        add_records(store, vocab, path)
    assert int(store.sql("SELECT count(*) AS n FROM engagements")["n"][0]) == 0
    return str(caught.value)


def test_the_517_byte_alias_bomb_is_refused_at_once(store, vocab, tmp_path):
    """A 517-byte YAML alias bomb committed a 2.8-billion-character notes field (8.5 GB of
    memory; the store grew to 2.9 GB); in `claims` it ran until killed."""
    for field in ("notes", "claims"):
        path = tmp_path / f"bomb-{field}.yaml"
        path.write_text(alias_bomb(9, field))
        assert len(path.read_bytes()) < 600
        message = _refused(store, vocab, path)  # refused before any alias is expanded
        assert "YAML aliases (*a) are not accepted in record files; write each value out" \
            in message


@pytest.mark.parametrize("field", ["notes", "claims"])
def test_a_small_alias_expansion_is_refused_too(store, vocab, tmp_path, field):
    path = tmp_path / "small.yaml"
    path.write_text(alias_bomb(3, field))
    assert "YAML aliases" in _refused(store, vocab, path)


CASES = {  # the bad value, and the problem the message states
    "start year 1600 (pandas' datetime bounds)": (
        record(start="1600"), "field 'start': '1600' has a year outside 1678-2261, the dates "
        "the record can hold"),
    "personnel 10^23": (
        record(scale={"personnel": 1e23}), "field 'scale.personnel': 1e+23 is larger than "
        "20,000,000, the most scale.personnel can hold"),
    "tiv .inf": (
        record(kind="arms_transfer", name=None, actors=[
            {"country": "TUR", "role": "supplier"}, {"country": "AZE", "role": "recipient"}],
            scale={"tiv": float("inf")}), "field 'scale.tiv': inf is not a finite number"),
    "javascript: citation URL": (
        record(source={"url": "javascript:alert(document.cookie)"}),
        "field 'source.url': 'javascript:alert(document.cookie)' is not an http:// or "
        "https:// address"),
    "file: URL in a claim": (
        record(claims=[{"field": "personnel", "value": 1, "source_url": "file:///etc/passwd"}]),
        "field 'claims[1].source_url': 'file:///etc/passwd' is not an http:// or https:// "
        "address"),
    "notes of 20,000 characters": (
        record(notes="x" * 20_000), "is 20,000 characters long; the limit for notes is 10,000"),
    "nested 20 levels": (
        record(notes=json.loads("[" * 20 + "]" * 20)), "nested more than 12 levels deep"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_values_storage_cannot_hold_or_should_not_are_refused(store, vocab, tmp_path, case):
    value, problem = CASES[case]
    message = _refused(store, vocab, write_yaml(tmp_path / "bad.yaml", value))
    assert problem in message, message


def test_json_nested_100000_deep_is_a_message(store, vocab, tmp_path):
    """JSON nested 100,000 deep was a RecursionError traceback."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert _refused(store, vocab, path).endswith(
        f"{path}: lists or mappings nested too deeply to read; the format needs at most 12 "
        "levels")


def test_json_nan_is_refused(store, vocab, tmp_path):
    path = tmp_path / "nan.json"
    path.write_text(json.dumps({"records": [record(scale={"tiv": 1})]}).replace("1}", "NaN}"))
    assert "NaN is not a number JSON allows" in _refused(store, vocab, path)


def test_a_latin1_csv_is_a_message(store, vocab, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("kind,name,start,actors,url\nexercise,Café,2020,TUR:host,"
                     "https://example.org\n".encode("latin-1"))
    assert _refused(store, vocab, path).endswith(
        f"{path}, line 2: byte 0xe9 is not UTF-8 text. Save the file as UTF-8 (e.g. re-save it "
        "from the spreadsheet as 'CSV UTF-8')")


def test_an_unterminated_quote_in_a_csv_is_a_message(store, vocab, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('kind,name,start,actors,url\nexercise,"Unclosed,2020,TUR:host,'
                    "https://example.org\n")
    assert "not valid CSV (" in _refused(store, vocab, path)


def test_a_file_over_10_mb_is_refused_before_parsing(store, vocab, tmp_path):
    path = write_yaml(tmp_path / "big.yaml", record())
    with path.open("a") as handle:
        handle.write("# padding\n" * 1_000_001)
    assert "bytes; a record file may hold at most 10,000,000 bytes" in _refused(store, vocab,
                                                                               path)


def test_nul_characters_are_stripped(store, vocab, tmp_path):
    add_records(store, vocab, write_yaml(tmp_path / "nul.yaml", record(name="Bad\x00name")))
    assert store.sql("SELECT name FROM engagements")["name"].tolist() == ["Badname"]


def test_csv_export_neutralises_formulas_and_adds_back_unchanged(store, vocab, tmp_path):
    """`record export` wrote =HYPERLINK(…), @SUM and +cmd cells as they were: formula
    injection when the file is opened in a spreadsheet."""
    names = ['=HYPERLINK("https://evil.example","click")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0",
             "-2+3", "'=already quoted"]
    add_records(store, vocab, write_yaml(tmp_path / "in.yaml", *[
        record(name=n, start=f"{2001 + i}") for i, n in enumerate(names)]))
    out = tmp_path / "out.csv"
    export_records(store, out)
    import pandas as pd

    cells = pd.read_csv(out, dtype=str, keep_default_na=False)["name"].tolist()
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'=HYPERLINK(\"https://evil.example\",\"click\")" in cells
    again = store.sql("SELECT name FROM engagements ORDER BY name")["name"].tolist()
    store.con.execute("DELETE FROM engagement_actors")
    store.con.execute("DELETE FROM engagements")
    add_records(store, vocab, out)
    assert store.sql("SELECT name FROM engagements ORDER BY name")["name"].tolist() == again


def test_json_output_is_json(defdip_cli, empty_store):
    """`tiv: .inf` gave a bare Infinity in --json output: not JSON. Stored non-finite values
    (entered before the bounds) are written as null."""
    from defdip.store import Store

    with Store(empty_store) as store:
        store.con.execute(
            "INSERT INTO engagements (id, kind, name, start, start_precision, tiv, origin, "
            "natural_key, source, url) VALUES ('x1', 'arms_transfer', 'Old', DATE '2020-01-01', "
            "'year', 'inf'::DOUBLE, 'entered', 'k', 'entered', 'https://example.org')")
        store.con.execute("INSERT INTO engagement_actors VALUES ('x1', 'TUR', 640, 'Türkiye', "
                          "'supplier')")
    done = defdip_cli("record", "list", "--json", "--store", str(empty_store),
                      home=empty_store.parent)
    assert done.returncode == 0, done.stderr

    def strict(name: str) -> None:
        raise ValueError(f"{name} in JSON output")

    rows = json.loads(done.stdout, parse_constant=strict)
    assert [(r["name"], r["tiv"]) for r in rows] == [("Old", None)]


def test_the_limits_are_documented():
    """docs/curated-format.md states every limit the code applies."""
    from defdip.engagements import limits

    doc = (ROOT / "docs" / "curated-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Limits"):]
    for number in [limits.MAX_FILE_BYTES, limits.MAX_RECORDS, limits.MAX_DEPTH,
                   limits.MAX_ACTORS, limits.MAX_CLAIMS, *limits.TEXT_LIMITS.values(),
                   limits.DEFAULT_TEXT, *limits.NUMBER_LIMITS.values(), *limits.DATE_YEARS]:
        shown = [re.escape(f"{int(number):,}"), str(int(number))]
        assert re.search(rf"(?<![\d,])({'|'.join(shown)})(?![\d,])", section), number
