"""The reads the engagement record's derivations make beyond whole tables, written once in Ibis.

``defdip.engagements.derive_*`` turn loaded sources into engagement records. Most read a
whole table (``Store.table``); the three reads here aggregate first, and are expressions over
:class:`~defdip.queries.tables.Tables` so they run wherever the query layer runs.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from defdip.queries.tables import Tables, to_frame

__all__ = ["mme_name_years", "mission_hosts", "us_troop_host_years"]


def mme_name_years(tables: Tables) -> Any:
    """Every MME exercise's name and start year (``name``, ``y``): what JME exercises are
    matched against, so an exercise in both datasets is recorded once (from MME)."""
    mme = tables.table("mme_exercises")
    return to_frame(mme.select(name=mme.name, y=mme.start.year().cast("int64")))


def mission_hosts(tables: Tables) -> Any:
    """One row per peacekeeping mission of ``ipi_mission_month`` with its host country: the
    most frequent (``mode``) ISO3, label and COW code over the mission's months."""
    months = tables.table("ipi_mission_month")
    return to_frame(months.group_by("mission").aggregate(
        host_iso3=months.mission_country_iso3.mode(),
        host_label=months.mission_country_label.mode(),
        host_ccode=months.mission_country_ccode.mode()))


def _us_troop_rows(tables: Tables) -> ir.Table:
    """``us_troops`` rows with active-duty troops in a host other than the USA, keyed by host
    (the ISO3, else the source's label)."""
    troops = tables.table("us_troops")
    abroad = troops.filter(troops.troops_ad > 0, troops.iso3.fill_null("") != "USA",
                           ~troops.ccode.identical_to(2))
    return abroad.mutate(host=abroad.iso3.fill_null(abroad.country_label))


def us_troop_host_years(tables: Tables) -> Any:
    """US troops abroad per host and year, rows that name one host twice in a year summed:
    host, iso3, label (the source's distinct labels, sorted, joined by ' / '), ccode, year,
    troops_ad; ordered by host and year."""
    rows = _us_troop_rows(tables)
    totals = rows.group_by(["host", "year"]).aggregate(
        iso3=rows.iso3.arbitrary(), ccode=rows.ccode.arbitrary(),
        troops_ad=rows.troops_ad.sum())
    labels = rows.select("host", "year", "country_label").distinct()
    labels = labels.group_by(["host", "year"]).aggregate(
        label=labels.country_label.group_concat(" / ", order_by=labels.country_label))
    joined = totals.join(labels, ["host", "year"])
    out = joined.select("host", "iso3", "label", "ccode", "year", "troops_ad")
    return to_frame(out.order_by(["host", "year"]))
