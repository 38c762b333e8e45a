"""Section "Where and with whom": the map, the partners, the regions engaged."""

from __future__ import annotations

import pandas as pd

from defdip.queries import state_facts
from defdip.reports import choose
from defdip.reports.facts import BriefContext
from defdip.reports.model import KeyNumber, Section
from defdip.reports.partners import CLASS_WORDS, partner_table, partners_by_class
from defdip.reports.worldmap import map_spec

__all__ = ["LEGEND", "where_section"]

#: map classes, most engaged first (colour intensity follows the number of instruments)
LEGEND = [
    {"class": "b5", "label": "5 or more military instruments", "colour": "#08306b"},
    {"class": "b3", "label": "3–4 instruments", "colour": "#2171b5"},
    {"class": "b2", "label": "2 instruments", "colour": "#6baed6"},
    {"class": "b1", "label": "1 instrument", "colour": "#c6dbef"},
    {"class": "posts", "label": "posts, memberships or third-party roles only",
     "colour": "#f2e6c9"},
    {"class": "third", "label": "observer or third party only", "colour": "#d9d9d9"},
]


def _bin(breadth: int, classes: set[str]) -> str:
    if breadth >= 5:
        return "b5"
    if breadth >= 3:
        return "b3"
    if breadth >= 1:
        return f"b{breadth}"
    return "third" if classes <= {"exercise_observer", "third_party"} else "posts"


def _markers(ctx: BriefContext, keys: list[str], end: int) -> pd.DataFrame:
    if not keys or not ctx.store.has("cow_capitals"):
        return pd.DataFrame(columns=["key", "lat", "lon"])
    caps = state_facts.capitals(ctx.tables, end)
    return caps[caps["key"].isin(keys)]


def where_section(ctx: BriefContext, shapes: set[str]) -> Section:
    """The map (intensity = military instruments shared), top partners, regions engaged."""
    end = ctx.end or max(s.last for s in ctx.spans.values())
    start = ctx.start
    section = Section("where", f"Where and with whom, {start}–{end}")
    table = partner_table(ctx, start, end)
    if table.empty:
        section.omitted = f"No engagement record involves {ctx.focal.name} in {start}–{end}."
        return section
    per = partners_by_class(table)
    classes = table.groupby("key")["class"].agg(set)
    per["class"] = [_bin(b, classes[k]) for k, b in zip(per["key"], per["breadth"],
                                                          strict=True)]
    per["name"] = per["key"].map(lambda k: "northern Cyprus (Turkish Cypriot "
                                 "administration)" if k == "TRNC" else ctx.name(k))
    per["hover"] = [f"{n}\n" + "\n".join(lines) for n, lines in
                    zip(per["name"], per["lines"], strict=True)]
    on_map = per[per["key"].isin(shapes)]
    small = _markers(ctx, sorted(set(per["key"]) - shapes), end).merge(per, on="key")
    section.figures.append(map_spec(
        f"{ctx.focal.name}'s partners by the number of military instruments shared, "
        f"{start}–{end}", ctx.focal.iso3,
        [{"key": k, "class": c, "hover": h} for k, c, h in
         zip(on_map["key"], on_map["class"], on_map["hover"], strict=True)], LEGEND,
        [{"lat": a, "lon": o, "class": c, "hover": h} for a, o, c, h in
         zip(small["lat"], small["lon"], small["class"], small["hover"], strict=True)],
        note="Military instruments: exercises, arms and technology transfers, defence "
             "agreements, training, operations, UN missions together, forces hosted or "
             "present, attachés, visits, port calls. Hover a country for records and years. "
             "Small states are drawn as dots at their capitals."))
    military = per[per["breadth"] > 0]
    n_partners = int(len(military))
    n_instruments = int(table.loc[table["class"].isin(
        [c for c in CLASS_WORDS if c not in ("exercise_observer", "third_party")]),
        "class"].nunique())
    section.numbers.append(KeyNumber(
        "partners", "defence partners", n_partners, "states",
        f"states sharing at least one military instrument, {start}–{end}", section="where"))
    section.numbers.append(KeyNumber(
        "instruments", "instruments in use", n_instruments, "",
        "kinds of engagement recorded with any partner", section="where"))
    top = military.head(12)
    section.tables["Closest partners (most military instruments shared)"] = pd.DataFrame({
        "partner": top["name"], "instruments": top["breadth"],
        "records": top["military_records"], "what (records, years)": [
            "; ".join(lines) for lines in top["lines"]]})
    names = ", ".join(f"{n} ({b})" for n, b in zip(top["name"].head(5),
                                                   top["breadth"].head(5), strict=True))
    if n_partners:
        section.find(f"{n_partners} states share at least one military instrument with "
                     f"{ctx.focal.name} in {start}–{end}; the broadest ties (instruments "
                     f"shared) are with {names}.", "strong", rank=10)
    else:
        section.find(f"No state shares a recorded military instrument with {ctx.focal.name} "
                     f"in {start}–{end}; it appears only through diplomatic posts, "
                     "memberships or as an observer.", "moderate", rank=10)
    posts_only = int((per["class"] == "posts").sum())
    section.text.append(f"{posts_only} further states appear only through diplomatic posts or "
                        "shared memberships; they are shown in a pale colour, not as partners.")
    by_kind = table[table["class"].isin(list(CLASS_WORDS))].groupby("class").agg(
        partners=("key", "nunique"), records=("records", "sum")).reset_index()
    by_kind["instrument"] = by_kind["class"].map(CLASS_WORDS)
    section.tables["Partners and records by instrument"] = by_kind[
        ["instrument", "partners", "records"]].sort_values("partners", ascending=False)
    regions = choose.engaged_regions(ctx, table.rename(columns={"key": "iso3",
                                                                "class": "kind"}))
    if len(regions):
        words = ", ".join(f"{r} ({s:.0%})" for r, s in zip(regions["region_wb"],
                                                           regions["share"], strict=True))
        section.text.append(f"Regions its recorded military engagement reaches (share of its "
                            f"military partners, World Bank regions): {words}.")
        section.tables["Regions engaged"] = pd.DataFrame({
            "region (World Bank)": regions["region_wb"], "partners": regions["partners"],
            "records": regions["records"],
            "share of partners": regions["share"].map(lambda v: f"{v:.0%}")})
    if not ctx.focal_is_curated():
        section.notes.append("After 2010 exercises come only from the JME dataset, and "
                             "defence agreements only from sources that cover every state: "
                             "the curated record covers " + ", ".join(
                                 sorted(_curated())) + " only.")
    return section


def _curated() -> tuple[str, ...]:
    from defdip.queries.coverage import focal_states

    return focal_states()
