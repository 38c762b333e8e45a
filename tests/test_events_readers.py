"""Event readers on the real ICEWS sample and on hand-written ICEWS, GDELT and POLECAT files.

Facts about the sample come from icews_events_sample/README.md or are counted here with the
csv module, independently of the readers.
"""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from defdip.errors import SourceFormatError
from defdip.events import CameoBook, ReadContext, detect_format, read_events
from defdip.events.codes import PLOVER_QUAD, QUAD_CLASSES, cameo_quad_class
from defdip.events.gdelt import FIELDS, QUAD_MISMATCH

FIXTURES = Path(__file__).parent / "fixtures" / "events"
GDELT_TSV = FIXTURES / "20180601001500.export.CSV"
POLECAT = FIXTURES / "polecat_ngec_2023_06.txt"
ICEWS_BAD = FIXTURES / "icews_bad_rows.tab"


@pytest.fixture(scope="module")
def books(parse_source) -> dict[str, CameoBook]:
    records = parse_source("cameo_codebook")["cameo_codes"].to_dict("records")
    return {flavour: CameoBook.from_rows(records, flavour) for flavour in ("icews", "gdelt")}


@pytest.fixture(scope="module")
def context(vocab, books) -> ReadContext:
    return ReadContext(vocab, books)


def read(path: Path, context: ReadContext, **kw):
    report, chunks = read_events(path, context, **kw)
    return report, pa.concat_tables(list(chunks)).to_pandas()


def test_quad_class_names_are_gdelts(mirror):
    """The four classes are the ones GDELT's codebook names for its QuadClass field."""
    fields = pd.read_csv(mirror / "cameo_codebook" / "gdelt2_events_fields.csv")
    text = fields.set_index("name").loc["QuadClass", "description"].lower()
    for number, name in QUAD_CLASSES.items():
        assert f"{number}={name}" in text
    roots = {f"{r:02d}": cameo_quad_class(f"{r:02d}") for r in range(1, 21)}
    assert [roots[r] for r in ("01", "05", "06", "08", "09", "13", "14", "20")] == [
        1, 1, 2, 2, 3, 3, 4, 4]
    assert cameo_quad_class("21") is None and cameo_quad_class("x1") is None


def test_cameo_codebook_uses_the_one_rule(parse_source):
    from defdip.analysis.tension import quad_class

    codes = parse_source("cameo_codebook")["cameo_codes"]
    assert (codes["quad_class"] == codes["code"].map(cameo_quad_class)).all()
    assert list(quad_class(codes["code"])) == list(codes["quad_class"])


def test_plover_types_have_a_class_and_an_intensity(mirror, books):
    types = pd.read_csv(mirror / "plover_codebook" / "plover_types.csv")["event_type"]
    assert len(types) == 16 and set(types) <= set(PLOVER_QUAD)
    icews = books["icews"]
    weights = {t: icews.plover_intensity(t) for t in types}
    assert all(w is not None for w in weights.values())
    # the ICEWS codebook's root weights (cameo_codebook README and the table itself)
    assert (weights["consult"], weights["aid"], weights["assault"]) == (1.0, 7.0, -9.0)
    assert weights["retreat"] == pytest.approx((7.0 + 7.0 + 9.0 + 9.0) / 4)
    assert icews.plover_intensity("crime") is None


def test_cameo_codes_without_leading_zeros(books):
    icews = books["icews"]
    assert icews.normalise("40") == "040" and icews.normalise("040") == "040"
    assert icews.normalise("214") == "0214" and icews.normalise("1") == "01"
    # '10' is root 10 DEMAND or 010 Make statement: the event text decides
    assert icews.normalise("10", "Make statement") == "010"
    assert icews.normalise("10", "DEMAND") == "10"
    assert icews.normalise("10") is None and icews.normalise("10", "Dance") is None
    assert icews.normalise("777") is None and icews.normalise("4a") is None


def test_gdelt_fields_match_the_codebook(mirror):
    fields = pd.read_csv(mirror / "cameo_codebook" / "gdelt2_events_fields.csv")
    assert list(FIELDS) == list(fields["name"])


def test_icews_sample_tab(mirror, context):
    path = mirror / "icews_events_sample" / "events.2018.sample.tab"
    report, events = read(path, context)
    assert detect_format(path) == "icews"
    assert report.rows == report.events == len(events) == 3705  # README: 3,705 rows
    assert report.bad == [] and report.notes == {}
    with path.open(encoding="utf-8") as handle:
        raw = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert list(events["event_id"]) == [r["Event ID"] for r in raw]
    assert list(events["code"]) == [r["CAMEO Code"].zfill(3) for r in raw]
    assert list(events["goldstein"]) == [float(r["Intensity"]) for r in raw]
    assert list(events["line"]) == list(range(2, 3707))
    # every country name resolves; 'NA' (R's missing) is no country, never Namibia
    missing = sum(r["Source Country"] == "NA" for r in raw)
    assert events["source_iso3"].isna().sum() == missing == 147
    military = sum("Military" in r["Source Sectors"].split(",") for r in raw)
    assert (events["source_sector"] == "military").sum() == military


def test_icews_sample_csv_facts(mirror, context):
    """The R package's cleaned CSV reads the same way; its README facts hold."""
    report, events = read(mirror / "icews_events_sample" / "icews_sample.csv", context)
    assert report.events == 4993 and report.bad == []
    assert events["code"].nunique() == 134
    assert ((events["source_ccode"] == 640) | (events["target_ccode"] == 640)).sum() == 64
    international = events["source_iso3"].notna() & events["target_iso3"].notna() & (
        events["source_iso3"] != events["target_iso3"])
    assert international.sum() == 2305
    assert (events["goldstein"].min(), events["goldstein"].max()) == (-10.0, 10.0)


def test_icews_bad_rows_reported_by_line(context):
    report, events = read(ICEWS_BAD, context)
    assert report.rows == 14 and report.events == 7 == len(events)
    assert [(b.line, b.column) for b in report.bad] == [
        (7, "Event Date"), (8, "CAMEO Code"), (9, "Intensity"), (10, "Target Country"),
        (11, None), (12, "CAMEO Code"), (15, None)]
    assert str(report.bad[0]) == ("icews_bad_rows.tab, line 7, column 'Event Date': "
                                  "'2018-06-31' is not a date (YYYY-MM-DD)")
    assert str(report.bad[4]) == "icews_bad_rows.tab, line 11: has 17 fields, the header 20"
    assert report.bad[6].problem == "is not UTF-8 text"
    by_id = events.set_index("event_id")
    assert list(by_id.loc[["1001", "1002", "1003", "1004", "1005"], "code"]) == [
        "040", "0214", "010", "10", "019"]
    assert list(by_id.loc[["1004", "1005"], "quad_class"]) == [3, 1]
    # sectors: the country itself and ministries are government, 'Military' is military,
    # citizens and IGOs are non-state
    assert by_id.loc["1002", "source_sector"] == "government"
    assert by_id.loc["1004", "source_sector"] == "military"
    assert pd.isna(by_id.loc["1003", "source_sector"])
    assert pd.isna(by_id.loc["1013", "source_iso3"]) and pd.isna(by_id.loc["1013", "source_sector"])


def test_gdelt_export(context, tmp_path):
    archive = tmp_path / "20180601001500.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(GDELT_TSV, GDELT_TSV.name)
    assert detect_format(archive) == "gdelt"
    report, events = read(archive, context)
    assert report.rows == 13 and report.events == 9
    assert [(b.line, b.column) for b in report.bad] == [
        (6, "EventCode"), (7, None), (9, "SQLDATE"), (13, "Actor2CountryCode")]
    assert str(report.bad[1]) == ("20180601001500.export.CSV.zip, line 7: has 58 fields; a "
                                  "GDELT 2.0 export record has 61")
    assert report.notes == {QUAD_MISMATCH: 1}  # line 10 publishes QuadClass 3 for code 190
    by_line = events.set_index("line")
    assert list(by_line.loc[[1, 2, 10], "source_sector"]) == ["government", "military",
                                                              "military"]
    assert by_line.loc[10, "quad_class"] == 4 and by_line.loc[10, "target_sector"] == \
        "government"  # the bare country code SYR is the state itself
    assert pd.isna(by_line.loc[5, "source_sector"]) and by_line.loc[5, "source_iso3"] == "TUR"
    assert pd.isna(by_line.loc[8, "source_iso3"])  # UN: a known group, no country
    # CAMEO region codes are places, not states: SAF is Southern Africa, not South Africa
    assert pd.isna(by_line.loc[12, "source_iso3"]) and pd.isna(by_line.loc[4, "target_iso3"])
    assert by_line.loc[1, "story"] == "https://example.org/news/erdogan-putin-call"
    assert str(by_line.loc[11, "event_date"]) == "2018-05-15"


def test_truncated_zip_names_the_file(context, tmp_path):
    archive = tmp_path / "20180601001500.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(GDELT_TSV, GDELT_TSV.name)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError) as caught:
        report, chunks = read_events(archive, context, format="gdelt")
        list(chunks)
    assert str(caught.value).startswith(f"{archive}: is not a complete zip archive (")
    assert str(caught.value).endswith("`defdip events fetch-gdelt` checks each file's size "
                                      "and MD5.")


def test_damaged_zip_member_names_the_file(context, tmp_path):
    archive = tmp_path / "20180601003000.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(GDELT_TSV, GDELT_TSV.name)
    data = bytearray(archive.read_bytes())
    start = data.index(b"PK\x03\x04") + 30 + len(GDELT_TSV.name)  # the member's data
    data[start + 40:start + 80] = bytes(40)
    archive.write_bytes(bytes(data))
    with pytest.raises(SourceFormatError) as caught:
        list(read_events(archive, context)[1])
    assert str(caught.value).startswith(f"{archive}: is a truncated or damaged zip archive")


def test_polecat_file(context):
    assert detect_format(POLECAT) == "polecat"
    report, events = read(POLECAT, context)
    assert report.rows == 11 and report.events == 8
    assert [(b.line, b.column, b.problem) for b in report.bad] == [
        (6, "Event Type", "event type 'banana' is not a PLOVER event type"),
        (7, "Recipient Country", "country 'Atlantis' is neither a known state nor a declared "
         "non-state actor; add the spelling to an alias file in defdip/data/actors/"),
        (11, None, "repeats the header")]
    by_line = events.set_index("line")
    assert list(by_line.loc[[2, 3, 4, 5, 12], "code"]) == ["consult", "assault", "sanction",
                                                           "crime", "aid"]
    assert list(by_line.loc[[2, 3, 4, 12], "quad_class"]) == [1, 4, 3, 2]
    assert list(by_line.loc[[2, 3], "goldstein"]) == [1.0, -9.0]  # CAMEO 04 and 18 weights
    assert pd.isna(by_line.loc[5, "goldstein"])  # crime: no CAMEO equivalent
    assert by_line.loc[3, "source_sector"] == "military" and by_line.loc[3, "target_ccode"] == 369
    assert pd.isna(by_line.loc[9, "source_sector"])  # protesters (CVL) are non-state
    assert by_line.loc[10, "target_iso3"] == "GRC"  # empty trailing fields are accepted
    assert by_line.loc[2, "story"] == "20230605-0001"  # no story id: the event id stands in
    assert Counter(events["event_id"])["20230605-0001"] == 2  # the repeat is read, not deduped


def test_unknown_format_is_refused(context, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\tworld\n")
    with pytest.raises(SourceFormatError) as caught:
        read_events(path, context)
    assert str(caught.value) == (f"{path}, row 1: is neither an ICEWS, a GDELT 2.0 export nor "
                                 "a POLECAT file (first line 'hello\\tworld'). Pass --format "
                                 "icews|gdelt|polecat if you know it.")
