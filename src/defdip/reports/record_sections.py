"""Brief sections drawn from the engagement record, the measures and the provenance."""

from __future__ import annotations

import html
import json

import ibis
import pandas as pd

from defdip.countries import Country
from defdip.engagements.query import select_records
from defdip.queries.record import select
from defdip.queries.tables import Tables, to_frame
from defdip.reports import figures
from defdip.reports.html import Section
from defdip.store import Store

__all__ = [
    "INSTRUMENT_PRIORITY",
    "alignment_section",
    "footer_html",
    "footprint_section",
    "map_features",
    "partner_counts",
    "sources_table",
    "timeline_section",
]

# The map colours each partner by its strongest instrument, in this order: commitments
# (bases, agreements) before activity (exercises, arms, training) before presence
# (diplomatic posts, shared memberships), which nearly every state has.
INSTRUMENT_PRIORITY = (
    "base_presence", "defence_agreement", "exercise", "arms_transfer", "technology_transfer",
    "training_programme", "operation", "peacekeeping_deployment", "attache_post", "visit",
    "port_call", "membership", "diplomatic_post",
)


def partner_counts(store: Store, focal: Country, start: int, end: int) -> pd.DataFrame:
    """Records shared with each partner in [start, end], by kind, with TIV: the records
    ``defdip record list --country X --from start --to end`` returns (one query, one rule)."""
    records, actors = select_records(store, country=focal.iso3, year_from=start,
                                     year_to=end, vocab=None)
    shared = actors[actors["iso3"].notna() & (actors["iso3"] != focal.iso3)].merge(
        records[["id", "kind", "tiv"]], left_on="engagement_id", right_on="id")
    shared = shared[shared["kind"] != "membership"]
    # A membership's partner is the organisation (its series), as in the profile: ATOP and
    # COW IGO memberships name only the member state.
    members = records.loc[records["kind"] == "membership", ["id", "kind", "tiv", "series"]]
    shared = pd.concat([shared[["iso3", "id", "kind", "tiv"]],
                        members.rename(columns={"series": "iso3"})], ignore_index=True)
    shared = shared.dropna(subset=["iso3"]).drop_duplicates(["iso3", "id"])
    counts = shared.groupby(["iso3", "kind"], as_index=False).agg(
        records=("id", "nunique"), tiv=("tiv", lambda v: v.sum(min_count=1)))
    counts["records"] = counts["records"].astype("int64")
    return counts.sort_values(["iso3", "kind"], ignore_index=True)


def _names(store: Store) -> dict[str, str]:
    codes = Tables.from_store(store).table("country_codes")
    codes = to_frame(codes.filter(codes.iso3.notnull()).select("iso3", "name"))
    return dict(zip(codes["iso3"], codes["name"], strict=True))


def footprint_section(store: Store, focal: Country, start: int, end: int) -> Section:
    everything = partner_counts(store, focal, start, end)
    names = _names(store)
    counts = everything[everything["iso3"].isin(names)]  # states (organisations: the table)
    rank = {k: i for i, k in enumerate(INSTRUMENT_PRIORITY)}
    counts["priority"] = counts["kind"].map(rank).fillna(len(rank))
    main = counts.sort_values(["iso3", "priority"]).drop_duplicates("iso3")
    wide = counts.pivot_table(index="iso3", columns="kind", values="records", aggfunc="sum",
                              fill_value=0)
    hover = {iso: f"<b>{names.get(iso, iso)}</b><br>" + "<br>".join(
        f"{k.replace('_', ' ')}: {int(v)}" for k, v in row.items() if v)
        for iso, row in wide.iterrows()}
    partners = pd.DataFrame({"iso3": main["iso3"], "instrument": main["kind"]})
    partners["name"] = partners["iso3"].map(names)
    partners["hover"] = partners["iso3"].map(hover)
    features = map_features(store)
    on_map = {f["properties"]["iso_a3"] for f in features}
    markers = _capital_markers(store, partners[~partners["iso3"].isin(on_map)], end)
    section = Section("footprint", f"Where {focal.name} is engaged, {start}–{end}")
    section.figures.append(figures.world_map(
        partners, features, focal.iso3, "Partners by strongest instrument", markers))
    by_kind = everything.groupby("kind").agg(partners=("iso3", "nunique"),
                                             records=("records", "sum"), tiv=("tiv", "sum"))
    by_kind = by_kind.reset_index().sort_values("partners", ascending=False)
    section.tables["Partners and records by instrument"] = by_kind
    breadth = wide.gt(0).sum(axis=1).sort_values(ascending=False).head(5)
    section.text.append("Broadest partnerships (instruments used): " + ", ".join(
        f"{names.get(iso, iso)} ({n})" for iso, n in breadth.items()) + ".")
    section.text.append(
        f"{partners['iso3'].nunique()} partner states across {everything['kind'].nunique()} "
        f"instruments (memberships: {_organisations(everything)} organisations); colour = "
        f"the strongest instrument in the order "
        f"{', '.join(k.replace('_', ' ') for k in INSTRUMENT_PRIORITY[:4])}, …")
    section.notes.append("States too small for the 1:110m map are drawn as points at their "
                         "capitals (COW capitals).")
    return section


def _organisations(counts: pd.DataFrame) -> int:
    return int(counts.loc[counts["kind"] == "membership", "iso3"].nunique())


def map_features(store: Store) -> list[dict]:
    """Natural Earth 1:110m countries as GeoJSON features keyed by ``properties.iso_a3``."""
    shapes = Tables.from_store(store).table("natural_earth_countries")
    rows = to_frame(shapes.filter(shapes.iso3.notnull()).select("iso3", "geometry"))
    features = []
    for iso3, text in zip(rows["iso3"], rows["geometry"], strict=True):
        shape = json.loads(text)
        geometry = shape.get("geometry", shape) if shape.get("type") == "Feature" else shape
        features.append({"type": "Feature", "properties": {"iso_a3": iso3},
                         "geometry": geometry})
    return features


def _capital_markers(store: Store, partners: pd.DataFrame, year: int) -> pd.DataFrame:
    tables = Tables.from_store(store)
    if partners.empty or not tables.has("cow_capitals"):
        return pd.DataFrame(columns=["iso3", "lat", "lon", "instrument", "hover"])
    k, c = tables.table("cow_capitals"), tables.table("country_codes")
    k = k.filter(k.start.year() <= year)
    c = c.select(c_ccode=c.ccode, iso3=c.iso3)
    joined = k.join(c, k.ccode == c.c_ccode)
    latest = joined.mutate(n=ibis.row_number().over(group_by="iso3",
                                                    order_by=ibis.desc(joined.start)))
    capitals = to_frame(latest.filter(latest.n == 0).select("iso3", "lat", lon=latest.lng))
    return partners.merge(capitals, on="iso3", how="inner")


def timeline_section(store: Store, focal: Country, start: int, end: int) -> Section:
    mine, _ = select(Tables.from_store(store), country=focal.iso3)
    begun = mine.filter(mine.first_year.between(start, end))
    frame = to_frame(begun.group_by(year=begun.first_year, kind=begun.kind).aggregate(
        records=begun.id.nunique()).order_by(["year", "kind"]))
    section = Section("timeline", "Timeline of engagement")
    section.figures.append(figures.bars_by_year(
        frame[frame["kind"] != "diplomatic_post"], "year", "records", "kind",
        "Engagements starting each year, by instrument (diplomatic posts omitted)",
        "records"))
    coverage = to_frame(mine.group_by(["kind", "source"]).aggregate(
        first_year=mine.first_year.min(), last_year=mine.first_year.max(),
        records=mine.id.nunique()).order_by(["kind", "source"]))
    section.tables["Which source covers which years"] = coverage
    section.notes.append("MME exercises end in 2010, IPI mission detail covers 2009–2014, "
                         "Lowy posts 2016–2023; later years rest on the curated record.")
    return section


def alignment_section(store: Store, focal: Country, start: int, end: int,
                      partners: tuple[str, ...] = ("USA", "RUS", "CHN", "GRC", "DEU")
                      ) -> Section:
    section = Section("alignment", "UN General Assembly alignment with key partners")
    tables = Tables.from_store(store)
    u, c = tables.table("un_alignment"), tables.table("country_codes")
    u = u.filter((u.ccode_1 == focal.ccode) & u.year.between(start, end))
    c = c.filter(c.iso3.isin(list(partners))).select(c_ccode=c.ccode, partner=c.iso3)
    joined = u.join(c, u.ccode_2 == c.c_ccode)
    frame = to_frame(joined.select("year", "partner", "un_agree", "un_sscore", "un_kappa",
                                   "idealpoint_dist", "un_nvotes").order_by(["year", "partner"]))
    section.figures.append(figures.line_plot(
        frame, "year", "un_agree", "partner",
        f"Share of identical UNGA votes, {focal.name} with …", "share of identical votes"))
    section.figures.append(figures.line_plot(
        frame, "year", "idealpoint_dist", "partner",
        "Ideal-point distance (Bailey, Strezhnev & Voeten)", "|ideal point difference|"))
    order = {iso3: i for i, iso3 in enumerate(partners)}
    latest = frame[frame["year"] == frame["year"].max()].sort_values(
        "partner", key=lambda column: column.map(order))
    for row in latest.itertuples():
        section.text.append(f"{row.year}: agreement with {row.partner} {row.un_agree:.3f} on "
                            f"{int(row.un_nvotes)} joint votes (S-score {row.un_sscore:.3f}).")
    section.tables["Alignment by year and partner"] = frame.sort_values(
        ["year", "partner"], ascending=[False, True])
    section.notes.append("Roll-call data end in 2019 (session 74).")
    return section


def sources_table(store: Store) -> pd.DataFrame:
    return store.provenance()[["name", "title", "publisher", "version", "url", "licence",
                               "citation", "files"]]


def footer_html(store: Store) -> str:
    """Sources and citations from the provenance records, with each file's sha256."""
    rows = []
    for record in sources_table(store).itertuples():
        files = json.loads(record.files)
        digests = ", ".join(f"{f['key']} sha256 {f['sha256'][:12]}…" for f in files)
        rows.append(
            f"<li><b>{html.escape(record.title)}</b> — {html.escape(record.publisher)}, "
            f"{html.escape(record.version)}. <a href=\"{html.escape(record.url)}\">"
            f"{html.escape(record.url)}</a>. Licence: {html.escape(record.licence)}. "
            f"<span class=\"note\">{html.escape(digests)}</span></li>")
    return ("<h2>Sources and citations</h2><ul>" + "".join(rows) + "</ul>"
            "<p>Calculations by defdip from the sources above; they are not the publishers' "
            "own figures. SIPRI data: information from the SIPRI Arms Transfers Database, "
            "https://www.sipri.org/databases/armstransfers.</p>")
