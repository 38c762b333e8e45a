"""Section "Alliances and memberships": ATOP alliances in force, NATO, organisations."""

from __future__ import annotations

import pandas as pd

from defdip.queries import state_facts, state_record
from defdip.reports.facts import BriefContext
from defdip.reports.model import Section

__all__ = ["alliances_section"]

OBLIGATIONS = {"defense": "defence", "offense": "offence", "neutral": "neutrality",
               "nonagg": "non-aggression", "consul": "consultation"}


def _atop(ctx: BriefContext, year: int) -> pd.DataFrame:
    """ATOP alliances the state is a member of in ``year``, with obligations and members."""
    frame = state_facts.alliances_in_force(ctx.tables, int(ctx.focal.ccode or 0), year)
    members = state_facts.alliance_members(ctx.tables, frame["atopid"].tolist(), year)
    frame["ccodes"] = [members.get(int(i), []) for i in frame["atopid"]]
    return frame


def alliances_section(ctx: BriefContext) -> Section:
    section = Section("alliances", "Alliances and memberships")
    last = ctx.last("atop_dyad_year")
    if last is None or ctx.focal.ccode is None:
        section.omitted = "ATOP alliance data are not loaded."
        return section
    frame = _atop(ctx, last)
    if frame.empty:
        section.text.append(f"ATOP records no formal alliance of {ctx.focal.name} in force "
                            f"in {last} (ATOP's last year).")
    else:
        kinds = [", ".join(w for k, w in OBLIGATIONS.items() if row[k] == 1) or "other"
                 for _, row in frame.iterrows()]
        members = [[c for c in codes if c != ctx.focal.ccode] for codes in frame["ccodes"]]
        shown = [", ".join(ctx.name(c) for c in m[:8]) + (f" and {len(m) - 8} more"
                                                           if len(m) > 8 else "")
                 for m in members]
        section.tables[f"Alliances in force in {last} (ATOP)"] = pd.DataFrame({
            "ATOP id": frame["atopid"], "since": frame["since"], "obligations": kinds,
            "other members": [len(m) for m in members], "who": shown})
        defence = {c for m, k in zip(members, kinds, strict=True) if "defence" in k for c in m}
        count = f"{len(frame)} alliances" if len(frame) != 1 else "1 alliance"
        section.find(f"{ctx.focal.name} belongs to {count} in force in {last} "
                     f"(ATOP); {len(defence)} "
                     f"{'states are' if len(defence) != 1 else 'state is'} bound to defend it "
                     "or be defended by it.", "strong", rank=40)
    _organisations(ctx, section)
    return section


def _organisations(ctx: BriefContext, section: Section) -> None:
    """Full IGO memberships (COW IGO, to its last year) and curated memberships."""
    last = ctx.last("cow_igo_state_year")
    if last is not None:
        counts = state_facts.igo_memberships(ctx.tables, last)
        counts["rank"] = counts["n"].rank(ascending=False, method="min")
        own = counts[counts["ccode"] == ctx.focal.ccode]
        if len(own):
            section.text.append(
                f"Full member of {int(own['n'].iloc[0])} intergovernmental organisations in "
                f"{last} (COW IGO, its last year): rank {int(own['rank'].iloc[0])} of "
                f"{len(counts)} states.")
    if not ctx.focal_is_curated():
        return
    rows = state_record.curated_memberships(ctx.tables, ctx.focal.iso3)
    if len(rows):
        section.tables["Memberships (curated record, cited)"] = rows.assign(
            left_in=rows["left_in"].astype("Int64"))
