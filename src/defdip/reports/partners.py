"""The state's partners by instrument, with the role each side plays.

Read from the engagement record through ``queries.record.select`` — the records
``defdip record list --country X --from A --to B`` returns (one rule for "active in year").
Roles are kept, because a role changes what a record says about a partner: a state that is a
third party to an arrangement (Russia and Iran beside Türkiye at the Idlib posts) does not
host anyone; an exercise observer is not an exercise partner; a state whose territory holds
forces it did not invite is not a host. Posts that the Lowy Institute places in "Northern
Cyprus" are moved to the ``TRNC`` key, so they do not colour the Republic of Cyprus.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from defdip.queries import record, state_facts
from defdip.reports.facts import BriefContext

__all__ = ["CLASS_WORDS", "MILITARY", "partner_table", "partners_by_class"]

#: instrument class → words for tables, legends and hover text
CLASS_WORDS: dict[str, str] = {
    "exercise": "joint exercises", "exercise_observer": "exercises observed",
    "arms_transfer": "arms deals", "technology_transfer": "licensed production / technology",
    "defence_agreement": "defence agreements", "training_programme": "training programmes",
    "operation": "operations", "peacekeeping_deployment": "UN missions together",
    "hosts_forces": "hosts its forces", "forces_present": "its forces present (not invited)",
    "forces_in_focal": "has forces in it", "third_party": "third party to an arrangement",
    "attache_post": "defence attachés", "visit": "high-level visits",
    "port_call": "port calls", "membership": "shared memberships",
    "diplomatic_post": "diplomatic posts",
}
#: classes that are military engagement (posts and memberships are nearly universal; an
#: observer or a third party is not a partner in the arrangement)
MILITARY = tuple(k for k in CLASS_WORDS if k not in (
    "exercise_observer", "third_party", "membership", "diplomatic_post"))


def _north_cyprus(ctx: BriefContext) -> bool:
    """Whether the Lowy Index places the state's posts on Cyprus in 'Northern Cyprus'."""
    if not ctx.store.has("lowy_posts"):
        return False
    return state_facts.north_cyprus_posts(ctx.tables, ctx.focal.iso3) > 0


def _class(kind: str, mine: set[str], theirs: set[str]) -> str:
    if kind == "base_presence":
        if "party" in theirs:
            return "third_party"
        if "sender" in theirs:
            return "forces_in_focal"
        return "hosts_forces" if "host" in theirs else "forces_present"
    if kind == "exercise" and ("observer" in theirs and len(theirs) == 1
                               or "observer" in mine and len(mine) == 1):
        return "exercise_observer"
    return kind


def partner_table(ctx: BriefContext, start: int, end: int) -> pd.DataFrame:
    """One row per (partner key, class): records, first and last year, TIV of the deals.

    ``key`` is the partner's ISO3 (``TRNC`` for the Turkish Cypriot administration);
    organisations and non-state actors are left out (memberships count the member states).
    Only records of ``ctx.kinds`` when it names any.
    """
    def read() -> pd.DataFrame:
        chosen, people = record.select(ctx.tables, country=ctx.focal.iso3, year_from=start,
                                       year_to=end, kinds=ctx.kinds)
        # only the columns the table needs: the one rule picks the records, no more is read
        records = chosen.select("id", "kind", "start", "end", "tiv").execute()
        actors = people.select("engagement_id", "iso3", "label", "role").execute()
        records["start"] = pd.to_datetime(records["start"])
        records["end"] = pd.to_datetime(records["end"])
        actors = actors.assign(key=actors["iso3"].where(actors["iso3"].notna(),
                                                        actors["label"].where(
                                                            actors["label"] == "TRNC")))
        own = actors[actors["iso3"] == ctx.focal.iso3]
        mine = _roles(own["engagement_id"], own["role"])
        others = actors[actors["key"].notna() & (actors["key"] != ctx.focal.iso3)]
        held = _roles(zip(others["engagement_id"], others["key"], strict=True), others["role"])
        theirs = pd.DataFrame({"engagement_id": [e for e, _k in held],
                               "key": [k for _e, k in held], "role": list(held.values())})
        first = records["start"].dt.year
        last = records["end"].dt.year.fillna(first)
        open_ = records["kind"].isin(["membership", "defence_agreement", "base_presence"]) \
            & records["end"].isna()
        last = last.where(~open_, end).clip(upper=end)
        meta = pd.DataFrame({"engagement_id": records["id"], "kind": records["kind"],
                             "first": first.clip(lower=start), "last": last,
                             "tiv": records["tiv"]})
        rows = theirs.merge(meta, on="engagement_id")
        rows["class"] = [_class(k, mine.get(e, set()), r) for k, e, r in
                         zip(rows["kind"], rows["engagement_id"], rows["role"], strict=True)]
        if _north_cyprus(ctx):
            moved = (rows["key"] == "CYP") & (rows["kind"] == "diplomatic_post")
            rows.loc[moved, "key"] = "TRNC"
        out = rows.groupby(["key", "class"]).agg(
            records=("engagement_id", "nunique"), first=("first", "min"),
            last=("last", "max"), tiv=("tiv", lambda v: v.sum(min_count=1))).reset_index()
        out["records"] = out["records"].astype("int64")
        out["first"] = out["first"].astype("int64")
        out["last"] = out["last"].astype("int64")
        return out.sort_values(["key", "class"], ignore_index=True)
    return ctx.memo(f"partners:{start}:{end}:{','.join(ctx.kinds)}", read)


def _roles(keys: Iterable[Any], roles: Iterable[str]) -> dict[Any, set[str]]:
    """The set of roles per key, keys in sorted order (as a groupby gives them; a plain loop,
    since a groupby calling a Python function per group took a quarter of a second)."""
    found: dict[Any, set[str]] = {}
    for key, role in zip(keys, roles, strict=True):
        found.setdefault(key, set()).add(role)
    return dict(sorted(found.items(), key=lambda item: item[0]))


def partners_by_class(table: pd.DataFrame) -> pd.DataFrame:
    """Per partner: the military classes shared (``breadth``), records, and hover text."""
    military = table[table["class"].isin(MILITARY)]
    breadth = military.groupby("key")["class"].nunique().rename("breadth")
    records = military.groupby("key")["records"].sum().rename("military_records")
    lines = table.assign(line=[
        f"{CLASS_WORDS.get(c, c)}: {n} ({a}–{b})" if a != b else
        f"{CLASS_WORDS.get(c, c)}: {n} ({a})"
        for c, n, a, b in zip(table["class"], table["records"], table["first"], table["last"],
                              strict=True)]).groupby("key")["line"].agg(list)
    out = pd.DataFrame({"lines": lines}).join(breadth).join(records).reset_index()
    out["breadth"] = out["breadth"].fillna(0).astype("int64")
    out["military_records"] = out["military_records"].fillna(0).astype("int64")
    return out.sort_values(["breadth", "military_records"], ascending=False,
                           ignore_index=True)
