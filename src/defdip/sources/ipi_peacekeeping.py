"""UN peacekeeping uniformed contributions by contributor, mission and month (IPI database)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import iso_dates, read_csv

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

_PPP = "https://raw.githubusercontent.com/IPIDataLab/PPP_Loader/master/ppp_files/"

INFO = SourceInfo(
    name="ipi_peacekeeping",
    title="IPI Peacekeeping Database: uniformed contributions to UN peacekeeping",
    publisher="International Peace Institute (Providing for Peacekeeping), from UN DPKO "
              "monthly troop and police contributor reports",
    version="IPIDataLab PPP_Loader 2653920 (2017-06-26); TCC-DataScraper 936f28e (2014-03-24)",
    coverage="contributor totals 1990-11 to 2014-03 (148 contributors); contributor x mission "
             "2009-11 to 2014-02; mission totals 1990-11 to 2017-03 (78 missions)",
    url="https://www.ipinst.org/providing-for-peacekeeping-database",
    licence="IPIDataLab repositories under GPL-2.0 (covers their code); no separate data "
            "licence seen; figures are public UN DPKO statistics; cite IPI and the UN",
    citation="""@techreport{perry2013ipi,
  author = {Perry, Chris and Smith, Adam C.},
  title = {Trends in Uniformed Contributions to {UN} Peacekeeping: A New Dataset, 1991-2012},
  institution = {International Peace Institute}, address = {New York},
  type = {Providing for Peacekeeping}, number = {3}, year = {2013}
}""",
    files=(
        RawFile("contributor_month",
                "un_peacekeeping_ipi/ipi_contributor_month_totals_1990-2014.csv",
                _PPP + "countries/"),
        RawFile("contributor_mission_month",
                "un_peacekeeping_ipi/ipi_contributor_mission_month_gender_2009-2014.csv",
                "https://raw.githubusercontent.com/IPIDataLab/TCC-DataScraper/master/"
                "tcc_files/Gender.Full.csv"),
        RawFile("mission_month", "un_peacekeeping_ipi/ipi_data_mission.csv",
                _PPP + "data_mission.csv"),
    ),
    tables={
        "ipi_contributor_month": "contributor x month, all missions: contributor_label, iso3, "
                                 "ccode, date (month end), troops, police, experts, total",
        "ipi_contributor_mission_month": "contributor x mission x month, 2009-11..2014-02 "
                                         "only: contributor_label, iso3, ccode, mission, date, "
                                         "troops, police, experts, total, female_total",
        "ipi_mission_month": "mission x month: mission, mission_country_label, "
                             "mission_country_iso3, mission_country_ccode, date, contributors, "
                             "troops, police, observers, total",
    },
    transformations=(
        "dates are month ends as published; NA (IPI's code for none reported or zero) kept "
        "as null in troops/police/experts",
        "contributor total = troops + police + experts over the reported parts (null when "
        "none is reported)",
        "gender file: police = Individual Police + Formed Police Units (totals of both sexes); "
        "experts = Experts on Mission; female_total = Total Female",
        "contributor and mission-country names resolved through the vocabulary with the "
        "year of the month ('The former Yugoslav Republic o' mapped in ipi.yaml)",
    ),
    whole=(
        # this vintage: 25,657 rows
        Whole("ipi_contributor_month", floor=23_000, key=("contributor_label", "date"),
              file="contributor_month"),
        # this vintage: 29,115 rows
        Whole("ipi_contributor_mission_month", floor=26_000,
              key=("contributor_label", "mission", "date"), file="contributor_mission_month"),
        # this vintage: 5,330 rows
        Whole("ipi_mission_month", floor=4_700, key=("mission", "date"), file="mission_month"),
    ),
)

TOTALS = ["contributor", "date", "troops", "police", "experts"]
GENDER = ["Date", "Contributor", "Mission", "Individual Police Total",
          "Formed Police Units Total", "Experts on Mission Total", "Troops Total",
          "Total Total", "Total Female"]
MISSION = ["Date", "Mission", "Country of Mission", "Number of Contributors", "Troops",
           "Police", "Observers", "Total"]


fetch = fetcher(INFO)


def _read(path: Path, required: list[str], date_column: str) -> pd.DataFrame:
    raw = read_csv(path, required, keep_default_na=False, na_values=["NA", ""])
    dates = iso_dates(raw, date_column, path)
    raw["_date"], raw["_year"] = dates.dt.date, dates.dt.year
    return raw


def _count(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values).round().astype("Int64")


def _contributor_month(path: Path, vocab: Vocabulary) -> pd.DataFrame:
    raw = attach_codes(_read(path, TOTALS, "date"), "contributor", vocab, prefix="c",
                       path=path, year_column="_year")
    parts = pd.DataFrame({c: _count(raw[c]) for c in ("troops", "police", "experts")})
    return pd.DataFrame({
        "contributor_label": raw["contributor"].astype("string"),
        "iso3": raw["c_iso3"], "ccode": raw["c_ccode"], "date": raw["_date"], **parts,
        "total": parts.sum(axis=1, min_count=1).astype("Int64")})


def _contributor_mission_month(path: Path, vocab: Vocabulary) -> pd.DataFrame:
    raw = attach_codes(_read(path, GENDER, "Date"), "Contributor", vocab, prefix="c",
                       path=path, year_column="_year")
    return pd.DataFrame({
        "contributor_label": raw["Contributor"].astype("string"),
        "iso3": raw["c_iso3"], "ccode": raw["c_ccode"],
        "mission": raw["Mission"].astype("string"), "date": raw["_date"],
        "troops": _count(raw["Troops Total"]),
        "police": _count(raw["Individual Police Total"]) + _count(raw["Formed Police Units Total"]),
        "experts": _count(raw["Experts on Mission Total"]),
        "total": _count(raw["Total Total"]), "female_total": _count(raw["Total Female"])})


def _mission_month(path: Path, vocab: Vocabulary) -> pd.DataFrame:
    raw = attach_codes(_read(path, MISSION, "Date"), "Country of Mission", vocab, prefix="m",
                       path=path, year_column="_year")
    return pd.DataFrame({
        "mission": raw["Mission"].astype("string"),
        "mission_country_label": raw["Country of Mission"].astype("string"),
        "mission_country_iso3": raw["m_iso3"], "mission_country_ccode": raw["m_ccode"],
        "date": raw["_date"], "contributors": _count(raw["Number of Contributors"]),
        "troops": _count(raw["Troops"]), "police": _count(raw["Police"]),
        "observers": _count(raw["Observers"]), "total": _count(raw["Total"])})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    return {
        "ipi_contributor_month": _contributor_month(files["contributor_month"], vocab),
        "ipi_contributor_mission_month": _contributor_mission_month(
            files["contributor_mission_month"], vocab),
        "ipi_mission_month": _mission_month(files["mission_month"], vocab),
    }
