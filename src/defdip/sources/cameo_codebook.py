"""CAMEO event codes with Goldstein weights, in the ICEWS and GDELT flavours."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.events.codes import QUAD_CLASSES, cameo_quad_class
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["INFO", "QUAD_CLASSES", "fetch", "parse", "quad_class"]

INFO = SourceInfo(
    name="cameo_codebook",
    title="CAMEO event codebook with Goldstein scale (ICEWS and GDELT flavours)",
    publisher="Philip A. Schrodt (CAMEO); Joshua S. Goldstein (scale); tables from the R "
              "package icews (A. Beger) and gdeltPyR (GDELT's CAMEO lookups)",
    version="CAMEO 1.1b3; icews commit 3746c72; gdeltPyR commit 8762db7",
    coverage="312 ICEWS codes and 280 GDELT codes (20 root, 2-4 digit codes)",
    url="https://parusanalytics.com/eventdata/data.dir/cameo.html",
    licence="icews table MIT (R package icews); GDELT table GPL-3.0 (gdeltPyR), from GDELT's "
            "public CAMEO lookups; cite Schrodt (2012) and Goldstein (1992)",
    citation="""@techreport{schrodt2012cameo,
  author = {Schrodt, Philip A.},
  title = {{CAMEO} Conflict and Mediation Event Observations Event and Actor Codebook},
  institution = {Pennsylvania State University / Parus Analytics}, year = {2012},
  note = {Version 1.1b3}
}
@article{goldstein1992scale,
  author = {Goldstein, Joshua S.},
  title = {A Conflict-Cooperation Scale for {WEIS} Events Data},
  journal = {Journal of Conflict Resolution}, volume = {36}, number = {2},
  pages = {369--385}, year = {1992}
}""",
    files=(
        RawFile("icews", "cameo_codebook/cameo_event_codes_icews.csv",
                "https://raw.githubusercontent.com/andybega/icews/master/data-raw/"
                "cameo-codes.csv"),
        RawFile("gdelt", "cameo_codebook/cameo_event_codes_goldstein_gdelt.tsv",
                "https://raw.githubusercontent.com/linwoodc3/gdeltPyR/master/utils/"
                "schema_csvs/cameoCodeTable.tsv"),
    ),
    tables={"cameo_codes": "one row per flavour and code: flavour (icews/gdelt), code "
                           "(VARCHAR), name, goldstein, root_code, quad_class (1 verbal "
                           "cooperation, 2 material cooperation, 3 verbal conflict, "
                           "4 material conflict)"},
    transformations=(
        "codes read as text (\"010\" stays \"010\")",
        "GDELT descriptions stripped of their leading space",
        "root_code = first two digits; quad_class from the root code by defdip's one QuadClass "
        "rule (defdip.events.codes), GDELT's grouping: 01-05 verbal cooperation, 06-08 "
        "material cooperation, 09-13 verbal conflict, 14-20 material conflict",
    ),
    whole=(
        # this vintage: 592 rows
        Whole("cameo_codes", floor=530, key=("flavour", "code")),
    ),
)

fetch = fetcher(INFO)


def quad_class(root_code: str) -> int:
    """CAMEO QuadClass (1-4) of a two-digit root code ('01'..'20'), by the one rule in
    :func:`defdip.events.codes.cameo_quad_class`."""
    quad = cameo_quad_class(root_code)
    if quad is None:
        raise ValueError(f"CAMEO root code {root_code!r} is not 01-20")
    return quad


def _finish(frame: pd.DataFrame, flavour: str, path: Path, column: str) -> pd.DataFrame:
    bad = ~frame["code"].str.fullmatch(r"\d{2,4}") | ~frame["code"].str[:2].isin(
        [f"{i:02d}" for i in range(1, 21)])
    reject_rows(bad, path, lambda row: f"CAMEO code {frame['code'].iloc[row]!r} is not a 2-4 "
                "digit code under roots 01-20", column=column)
    frame["root_code"] = frame["code"].str[:2]
    frame["quad_class"] = frame["root_code"].map(quad_class).astype("int64")
    frame.insert(0, "flavour", flavour)
    return frame.astype({"flavour": "string", "code": "string", "name": "string",
                         "root_code": "string"})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    icews_path, gdelt_path = files["icews"], files["gdelt"]
    icews = read_csv(icews_path, ["code", "name", "goldstein"], dtype=str,
                     keep_default_na=False)
    gdelt = read_csv(gdelt_path, ["cameoCode", "Description", "GoldsteinScale"], what="TSV",
                     sep="\t", dtype=str, keep_default_na=False)
    tables = [
        _finish(pd.DataFrame({"code": icews["code"].str.strip(), "name": icews["name"],
                              "goldstein": pd.to_numeric(icews["goldstein"])}),
                "icews", icews_path, "code"),
        _finish(pd.DataFrame({"code": gdelt["cameoCode"].str.strip(),
                              "name": gdelt["Description"].str.strip(),
                              "goldstein": pd.to_numeric(gdelt["GoldsteinScale"])}),
                "gdelt", gdelt_path, "cameoCode"),
    ]
    return {"cameo_codes": pd.concat(tables, ignore_index=True)}
