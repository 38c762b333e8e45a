"""Looking after the record: search suggestions, completeness per desk, the audit log.

Suggestions and completeness are computed over what the asking user may see (the scoped
store of :meth:`Context.reading`), so neither a suggestion nor a count reveals a record the
user may not see. The audit log is for admins (PostgreSQL shows each row only if the admin
may see the record before and after the change).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from defdip.service.accounts import require
from defdip.service.context import Context
from defdip.service.results import Result

__all__ = ["audit_log", "desk_completeness", "suggest"]


def suggest(ctx: Context, text: str, *, limit: int = 10) -> Result:
    """Names and series of records that contain ``text`` (case-insensitive), most frequent
    first: what a search box offers as the user types."""
    from defdip.queries.tables import Tables

    needle = text.strip().lower()
    with ctx.reading() as store:
        if not needle:
            import pandas as pd

            return Result("suggestions", table=pd.DataFrame(columns=["text", "kind", "records"]),
                          vintage=store.vintage())
        e = Tables.from_store(store).table("engagements")
        label = e["name"].fill_null(e.series)
        hits = e.filter(label.lower().contains(needle))
        hits = hits.group_by(text=label, kind=hits.kind).aggregate(records=hits.id.count())
        frame = hits.order_by([hits.records.desc(), hits.text, hits.kind]).limit(limit
                                                                                ).execute()
        ctx.log("read", "oversight.suggest", {"text": text, "suggestions": len(frame)})
        return Result(f"suggestions for {text!r}", table=frame, vintage=store.vintage())


def desk_completeness(ctx: Context, desk: str = "*", *, late_days: int = 90) -> Result:
    """How complete a desk's record is, over what the user may see: per kind, the records,
    those missing a required or a recommended field and those without a citation; the entered
    records made more than ``late_days`` after the event began; drafts awaiting approval."""
    import ibis

    from defdip.engagements.model import RECOMMENDED
    from defdip.engagements.validate import RULES
    from defdip.errors import InvalidArgument
    from defdip.queries.tables import Tables

    countries: list[str] | None = None
    if ctx.multi_user:
        desks = {d["name"]: d["countries"] for d in ctx.record_store().desks()}
        if desk not in desks:
            raise InvalidArgument(f"There is no desk {desk!r}; desks: {', '.join(desks)}.")
        countries = desks[desk]
    elif desk != "*":
        raise InvalidArgument("Desks are kept in the multi-user record (DEFDIP_DATABASE_URL); "
                              "the embedded store knows only '*'.")
    with ctx.reading() as store:
        tables = Tables.from_store(store)
        e, a = tables.table("engagements"), tables.table("engagement_actors")
        if countries is not None:
            e = e.filter(e.id.isin(a.filter(a.iso3.isin(countries)).engagement_id))
        rows = []
        for kind, (required, _roles) in RULES.items():
            mine = e.filter(e.kind == kind)
            lacks = [mine[f].isnull() for f in required]
            short = [mine[f].isnull() for f in RECOMMENDED.get(kind, ())]
            none = ibis.literal(False)
            counts = {"records": mine.id.count(),
                      "missing_required": mine.id.count(where=ibis.or_(none, *lacks)),
                      "missing_recommended": mine.id.count(where=ibis.or_(none, *short)),
                      "without_citation": mine.id.count(where=mine.citation.isnull()
                                                        & mine.url.isnull())}
            rows.append(mine.aggregate(kind=ibis.literal(kind),
                                       **{k: v.cast("int64") for k, v in counts.items()}))
        by_kind = ibis.union(*rows).execute()
        vintage = store.vintage()
    late: list[dict[str, Any]] = []
    drafts = 0
    if ctx.multi_user:
        for row in ctx.record_store().record_rows():
            places = {p["iso3"] for p in row["actors"]}
            if countries is not None and not places & set(countries):
                continue
            drafts += row["status"] == "draft"
            if row["start"] is not None:
                delay = (row["created_at"].date() - row["start"]).days
                if delay > late_days:
                    late.append({"id": row["id"], "kind": row["kind"], "name": row["name"],
                                 "start": row["start"].isoformat(), "entered":
                                 row["created_at"].date().isoformat(), "days_late": delay})
    ctx.log("read", "oversight.desk_completeness", {"desk": desk})
    by_kind = by_kind[by_kind["records"] > 0].reset_index(drop=True)
    return Result(f"completeness of desk {desk}", document={
        "desk": desk, "countries": countries or "all", "late_after_days": late_days,
        "by_kind": by_kind.to_dict("records"), "entered_late": late,
        "drafts_awaiting_approval": drafts}, vintage=vintage)


def audit_log(ctx: Context, *, record_id: str | None = None, user: str | None = None,
              action: str | None = None, since: datetime | None = None, limit: int = 200
              ) -> Result:
    """The newest audit rows (admins on '*'): who did what when, the row before and after."""
    import pandas as pd

    from defdip.errors import InvalidArgument

    require(ctx.principal(), "admin")
    if not 1 <= limit <= 10_000:
        raise InvalidArgument(f"limit {limit!r}: ask for 1 to 10000 rows.")
    rows = ctx.record_store().audit_rows(record_id=record_id, user=user, action=action,
                                         since=since, limit=limit)
    frame = pd.DataFrame(rows, columns=["seq", "at", "user_id", "user_name", "action",
                                        "target", "record_id", "version", "before", "after",
                                        "detail"])
    for column in ("seq", "user_id", "version"):  # NULL-able integers stay integers
        frame[column] = frame[column].astype("Int64")
    return Result("audit log", table=frame)
