"""GDELT 2.0 event exports: the 15-minute ``YYYYMMDDHHMMSS.export.CSV.zip`` files.

Each zip holds one tab-separated file without a header, 61 fields per record in the order of
GDELT's Event Codebook V2.0 (mirror ``cameo_codebook/gdelt2_events_fields.csv``; a test keeps
:data:`FIELDS` equal to it). CAMEO codes are strings with their zeros ("010"). GDELT publishes
a ``QuadClass`` and a ``GoldsteinScale`` with each record: the Goldstein weight is kept as
published, the QuadClass is derived by the one rule (:mod:`defdip.events.codes`) and each
record whose published class differs is counted in the file's notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from defdip.events._read import (
    FileReport,
    ReadContext,
    Rows,
    lines_of,
    parse_date,
    records_of,
)
from defdip.events.actors import GOVERNMENT, CountryCodes, role_sector
from defdip.events.codes import cameo_quad_class

__all__ = ["FIELDS", "FORMAT", "read", "sniff"]

FORMAT = "gdelt"
FIELDS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)
AT = {name: i for i, name in enumerate(FIELDS)}
QUAD_MISMATCH = "published QuadClass differs from the CAMEO root rule"


def sniff(first_line: str) -> bool:
    """Whether a first line looks like a GDELT 2.0 export record (61 fields, numeric id)."""
    fields = first_line.split("\t")
    return len(fields) == len(FIELDS) and fields[0].isdigit() and fields[1].isdigit()


def _side(fields: list[str], n: str, day_year: int, countries: CountryCodes
          ) -> tuple[str | None, str | None, int | None, str | None] | str:
    """(actor, iso3, ccode, sector) of Actor1 or Actor2, or the name of the bad column."""
    code, name = fields[AT[f"Actor{n}Code"]], fields[AT[f"Actor{n}Name"]]
    country = fields[AT[f"Actor{n}CountryCode"]]
    iso3, ccode = None, None
    if country:
        found = countries.resolve(country, day_year)
        if found is None:
            return f"Actor{n}CountryCode"
        iso3, ccode = found[0] or None, found[1]
    sector = None
    if iso3 and not fields[AT[f"Actor{n}KnownGroupCode"]]:
        sector = role_sector([fields[AT[f"Actor{n}Type{k}Code"]] for k in (1, 2, 3)])
        if sector is None and code == country:  # the bare country code: the state itself
            sector = GOVERNMENT
    return (name or code or None, iso3, ccode, sector)


def read(path: Path, context: ReadContext, report: FileReport) -> Iterator[pa.Table]:
    """Events of one GDELT 2.0 export (zipped or not), in chunks; bad rows go to ``report``."""
    book = context.books["gdelt"]
    countries = CountryCodes(context.vocab, codes=True)
    rows = Rows()
    width = len(FIELDS)
    for number, text in records_of(lines_of(path), report):
        fields = text.split("\t")
        if len(fields) != width:
            report.reject(number, None, f"has {len(fields)} fields; a GDELT 2.0 export record "
                          f"has {width}", text)
            continue
        day = parse_date(fields[AT["SQLDATE"]])
        if day is None:
            report.reject(number, "SQLDATE", f"{fields[AT['SQLDATE']]!r} is not a date "
                          "(YYYYMMDD)", text)
            continue
        code = fields[AT["EventCode"]].strip()
        if code not in book.codes:
            report.reject(number, "EventCode", f"CAMEO code {code!r} is not in GDELT's CAMEO "
                          "codebook", text)
            continue
        try:
            goldstein = float(fields[AT["GoldsteinScale"]])
        except ValueError:
            goldstein = float("nan")
        if not -10.0 <= goldstein <= 10.0:
            report.reject(number, "GoldsteinScale", f"{fields[AT['GoldsteinScale']]!r} is not "
                          "a number from -10 to 10", text)
            continue
        one = _side(fields, "1", day.year, countries)
        two = _side(fields, "2", day.year, countries)
        if isinstance(one, str) or isinstance(two, str):
            column = one if isinstance(one, str) else str(two)
            report.reject(number, column, f"CAMEO country code {fields[AT[column]]!r} is "
                          "neither a state's ISO3 code nor a CAMEO region", text)
            continue
        quad = cameo_quad_class(code)
        if fields[AT["QuadClass"]] != str(quad):
            report.note(QUAD_MISMATCH)
        rows.add(event_source=FORMAT, event_id=fields[AT["GLOBALEVENTID"]], event_date=day,
                 source_actor=one[0], source_iso3=one[1], source_ccode=one[2],
                 source_sector=one[3], target_actor=two[0], target_iso3=two[1],
                 target_ccode=two[2], target_sector=two[3], code=code, quad_class=quad,
                 goldstein=goldstein, story=fields[AT["SOURCEURL"]] or None, file=path.name,
                 line=number)
        if len(rows) >= context.chunk_rows:
            report.events += len(rows)
            yield rows.take()
    report.events += len(rows)
    yield rows.take()
