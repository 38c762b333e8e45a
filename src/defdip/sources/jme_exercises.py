"""Joint Military Exercises (JME v3, 1974-2010): D'Orazio's news-coded exercises."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Country, Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import partial_dates, participants, read_csv

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="jme_exercises",
    title="Joint Military Exercises, v3 (1974-2010)",
    publisher="Vito D'Orazio (unpublished coding effort that preceded MME); distributed in the "
              "R package troopdata",
    version="v3 (troopdata commit 788b374, data-raw/jme_v3.xls, sheet Sheet1_2, as CSV)",
    coverage="1,790 exercises, 1974-2010; participants as ISO3 codes",
    url="https://github.com/meflynn/troopdata",
    licence="Shipped in the R package troopdata (GPL >= 3); no documentation or licence of its "
            "own; cite as D'Orazio, JME data v3 (unpublished), via troopdata",
    citation="""@misc{dorazio2012jme,
  author = {D'Orazio, Vito},
  title = {Joint Military Exercises data, version 3},
  note = {Unpublished; distributed in the R package troopdata. Authorship inferred from
          the file's content; confirm before relying on it},
  year = {2012}, howpublished = {\\url{https://github.com/meflynn/troopdata}}
}""",
    files=(RawFile("jme", "military_exercises_mme/jme_v3.csv",
                   "https://raw.githubusercontent.com/meflynn/troopdata/main/data-raw/"
                   "jme_v3.xls"),),
    tables={
        "jme_exercises": "one row per exercise: jme_id (jme0001.. in file order), name, "
                         "location, start/end (DATE) with precision, start_year, jme_type, "
                         "host_label, host_iso3 (';'-joined when several hosts)",
        "jme_participants": "one row per exercise and participant code: jme_id, label, iso3, "
                            "ccode (null for non-state), year (start year; null if unknown)",
    },
    transformations=(
        "jme_id derived from the row order (the file has no id)",
        "'-9' in the exercise name read as unknown (null)",
        "start/end from s./e.year, month, day; 'xx', '-9' and impossible days (e.g. 126) are "
        "unknown parts; precision kept in start_precision/end_precision",
        "the stray header column 'AUS' (a partial, inconsistent Australia flag) and the "
        "unnamed row-number column are dropped; participants come from State A..State AD",
        "mis-cased codes (DEu, EGy, ...) mapped by jme.yaml; '-9', NATO and '8 NATO members' "
        "declared non-state actors",
    ),
    whole=(
        # this vintage: 1,790 rows
        Whole("jme_exercises", floor=1_600, generated=("jme_id",), required=("jme_id",),
              repeats=20, why="JME v3 lists 10 exercises twice, field for field (they may "
                              "differ in participants)"),
        # this vintage: 6,336 rows
        Whole("jme_participants", floor=5_700, key=("jme_id", "label")),
    ),
)

HOST = "Which state hosted the exercise?"
REQUIRED = ["Exercise Name", "Location1", "Location2", "s.year", "s.month", "s.day",
            "e.year", "e.month", "e.day", "JME Type", HOST, "State A"]


fetch = fetcher(INFO)


def _text(values: pd.Series) -> pd.Series:
    return values.str.strip().replace({"": None, "-9": None}).astype("string")


def _hosts(raw: pd.DataFrame, vocab: Vocabulary, path: Path) -> pd.Series:
    """ISO3 of the host state(s), ';'-joined; every host name must resolve."""
    out: list[str | None] = []
    for position, label in enumerate(raw[HOST].str.strip()):
        codes = []
        for part in filter(None, (p.strip() for p in label.split(";"))):
            actor = vocab.try_resolve(part)
            if actor is None:
                raise SourceFormatError(
                    path, f"host {part!r} is neither a known state nor a declared non-state "
                    "actor", row=position + 2, column=HOST,
                    fix="Add the spelling to defdip/data/actors/jme.yaml.")
            if isinstance(actor, Country):
                codes.append(actor.iso3)
        out.append(";".join(codes) or None)
    return pd.Series(out, index=raw.index, dtype="string")


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["jme"]
    raw = read_csv(path, REQUIRED, dtype=str, keep_default_na=False)
    start, start_precision = partial_dates(raw, "s.", end=False)
    end, end_precision = partial_dates(raw, "e.", end=True)
    ids = pd.Series([f"jme{i:04d}" for i in range(1, len(raw) + 1)], dtype="string")
    exercises = pd.DataFrame({
        "jme_id": ids, "name": _text(raw["Exercise Name"]),
        "location": _text(raw["Location1"]), "location_detail": _text(raw["Location2"]),
        "start": start, "start_precision": start_precision,
        "end": end, "end_precision": end_precision,
        "start_year": pd.Series([d.year if d else None for d in start], dtype="Int64"),
        "jme_type": _text(raw["JME Type"]),
        "host_label": _text(raw[HOST]), "host_iso3": _hosts(raw, vocab, path),
    })
    columns = [c for c in raw.columns if c.startswith("State ")]
    long = participants(raw, columns, exercises["start_year"], vocab, path)
    return {"jme_exercises": exercises, "jme_participants": pd.DataFrame({
        "jme_id": pd.Series(ids.to_numpy()[long["row"]], dtype="string"),
        "label": long["label"].astype("string"),
        "iso3": long["p_iso3"], "ccode": long["p_ccode"],
        "year": long["year"].astype("Int64")})}
