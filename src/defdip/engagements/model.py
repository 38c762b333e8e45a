"""The engagement model: kinds, roles, columns, deterministic ids and partial dates.

Every engagement — derived from a dataset, curated by hand or entered by a user — is one row
of ``engagements`` plus one row per actor in ``engagement_actors``. Ids hash the kind and a
natural key (e.g. ``sipri_transfers|<deal id>``), so rebuilding after a reload gives the same
ids and re-entering a record updates it instead of duplicating it.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import date, datetime

import pandas as pd

from defdip.engagements.limits import DATE_YEARS
from defdip.store.markings import ALL, parse_releasable

__all__ = [
    "ACTOR_COLUMNS",
    "CONFIDENCE",
    "DOMAINS",
    "ENGAGEMENT_COLUMNS",
    "KINDS",
    "ONGOING_KINDS",
    "RECOMMENDED",
    "ROLES",
    "SCALE_FIELDS",
    "conform_actors",
    "conform_engagements",
    "empty_actors",
    "empty_engagements",
    "engagement_id",
    "engagement_ids",
    "format_partial",
    "normalise_key",
    "parse_partial",
    "period_end",
]

KINDS: tuple[str, ...] = (
    "attache_post", "diplomatic_post", "exercise", "arms_transfer", "technology_transfer",
    "defence_agreement", "training_programme", "peacekeeping_deployment", "operation", "visit",
    "port_call", "base_presence", "membership",
)
ROLES: tuple[str, ...] = (
    "host", "participant", "observer", "supplier", "recipient", "sender", "receiving_state",
    "member", "contributor", "party", "organiser",
)
DOMAINS: tuple[str, ...] = ("land", "air", "naval", "joint", "cyber", "space")
CONFIDENCE: tuple[str, ...] = ("high", "medium", "low")
# Kinds whose empty ``end`` means "still in force" rather than "a single date".
ONGOING_KINDS: tuple[str, ...] = ("membership", "defence_agreement", "base_presence")
SCALE_FIELDS: tuple[str, ...] = ("personnel", "units", "tiv", "countries")

# Fields a complete record of each kind should have beyond what validation requires; the
# completeness report counts the records that lack them.
RECOMMENDED: dict[str, tuple[str, ...]] = {
    "exercise": ("end", "domain", "location", "personnel"),
    "arms_transfer": ("end", "units", "tiv"),
    "technology_transfer": ("end", "units"),
    "defence_agreement": ("subtype", "url"),
    "training_programme": ("end", "personnel"),
    "peacekeeping_deployment": ("end", "personnel"),
    "operation": ("end", "domain", "personnel"),
    "visit": ("end", "location"),
    "port_call": ("end", "location"),
    "base_presence": ("start", "personnel", "location"),
    "membership": ("subtype",),
    "diplomatic_post": ("location",),
    "attache_post": ("location",),
}

ENGAGEMENT_DTYPES: dict[str, str] = {
    "id": "string", "kind": "string", "subtype": "string", "name": "string",
    "series": "string", "start": "datetime64[ns]", "start_precision": "string",
    "end": "datetime64[ns]", "end_precision": "string", "domain": "string",
    "location": "string", "personnel": "Int64", "units": "Int64", "tiv": "float64",
    "countries": "Int64", "legal_basis": "string", "source": "string", "citation": "string",
    "url": "string", "retrieved": "datetime64[ns]", "confidence": "string",
    "conflict": "string", "notes": "string", "origin": "string", "natural_key": "string",
    # the marking (defdip.store.markings): level, owner nation, releasable-to list
    "classification": "string", "owner_nation": "string", "releasable_to": "object",
}
ENGAGEMENT_COLUMNS: tuple[str, ...] = tuple(ENGAGEMENT_DTYPES)
ACTOR_DTYPES: dict[str, str] = {"engagement_id": "string", "iso3": "string", "ccode": "Int64",
                                "label": "string", "role": "string"}
ACTOR_COLUMNS: tuple[str, ...] = tuple(ACTOR_DTYPES)


def empty_engagements() -> pd.DataFrame:
    """An ``engagements`` frame with no rows and the stored column types."""
    return conform_engagements(pd.DataFrame(columns=list(ENGAGEMENT_COLUMNS)))


def empty_actors() -> pd.DataFrame:
    """An ``engagement_actors`` frame with no rows and the stored column types."""
    return conform_actors(pd.DataFrame(columns=list(ACTOR_COLUMNS)))


def conform_engagements(frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the stored columns, in order and typed; missing columns become null."""
    out = pd.DataFrame(index=frame.index)
    for column, dtype in ENGAGEMENT_DTYPES.items():
        values = frame[column] if column in frame.columns else pd.Series(None, index=frame.index,
                                                                          dtype="object")
        if dtype.startswith("datetime"):
            out[column] = pd.to_datetime(values, errors="raise")
        elif dtype == "Int64":
            out[column] = pd.to_numeric(values, errors="raise").round().astype("Int64")
        elif dtype == "float64":
            out[column] = pd.to_numeric(values, errors="raise").astype("float64")
        elif dtype == "object":
            out[column] = values.astype("object")
        else:
            out[column] = values.astype("string")
    out["classification"] = out["classification"].fillna("PUBLIC")
    # a record without a list (derived from a public dataset, or from before markings) is
    # released to ALL; a list that is there, even empty, is kept as it is
    out["releasable_to"] = pd.Series([_tokens(v) for v in out["releasable_to"]],
                                     index=out.index, dtype="object")
    return out.reset_index(drop=True)


def _tokens(value: object) -> list[str]:
    """A stored releasable-to list: sorted tokens; absent (None/NA) → ``[ALL]``."""
    if isinstance(value, str):
        return list(parse_releasable(value))
    if value is None or not hasattr(value, "__iter__"):
        return [ALL] if value is None or pd.isna(value) else [str(value)]
    return sorted({str(token) for token in value})


def conform_actors(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored actor columns, typed, one row per (engagement, actor, role)."""
    out = pd.DataFrame({c: frame[c] if c in frame.columns else None for c in ACTOR_COLUMNS},
                       index=frame.index).astype(ACTOR_DTYPES)
    out = out[out["iso3"].notna()]
    return out.drop_duplicates(["engagement_id", "iso3", "role"]).reset_index(drop=True)


def normalise_key(text: object) -> str:
    """Case- and spacing-insensitive text for natural keys ('EFES 2022 ' → 'efes 2022')."""
    return " ".join(str(text).casefold().split()) if text is not None and not pd.isna(text) \
        else ""


def engagement_id(kind: str, natural_key: str) -> str:
    """The deterministic id of an engagement: 16 hex digits of SHA-1 over kind and key."""
    return hashlib.sha1(f"{kind}|{natural_key}".encode()).hexdigest()[:16]


def engagement_ids(kind: pd.Series | str, natural_key: pd.Series) -> pd.Series:
    """:func:`engagement_id` over whole columns."""
    kinds = kind if isinstance(kind, pd.Series) else pd.Series(kind, index=natural_key.index)
    return pd.Series([engagement_id(k, n) for k, n in zip(kinds, natural_key, strict=True)],
                     index=natural_key.index, dtype="string")


_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_partial(value: object) -> tuple[date, str] | None:
    """'2022-05-20' → (date, 'day'); '2022-05' → (2022-05-01, 'month'); 2022 → (…, 'year').

    Returns None for an empty value; raises ``ValueError`` (with the reason) otherwise.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    if isinstance(value, datetime):
        return value.date(), "day"
    if isinstance(value, date):
        return value, "day"
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = str(value).strip()
    if text.endswith("T00:00:00"):
        text = text[:-9]
    match = _PARTIAL.match(text)
    if match is None:
        raise ValueError("is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    if not DATE_YEARS[0] <= int(year) <= DATE_YEARS[1]:
        raise ValueError(f"has a year outside {DATE_YEARS[0]}-{DATE_YEARS[1]}, the dates the "
                         "record can hold")
    try:
        if day is not None:
            return date(int(year), int(month), int(day)), "day"
        if month is not None:
            return date(int(year), int(month), 1), "month"
    except ValueError as exc:
        raise ValueError(f"is not a calendar date ({exc})") from None
    return date(int(year), 1, 1), "year"


def period_end(day: date, precision: str) -> date:
    """The last day of the period a partial date stands for (its year or month)."""
    if precision == "year":
        return date(day.year, 12, 31)
    if precision == "month":
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def format_partial(value: object, precision: object) -> str | None:
    """A stored date back in the form its precision implies ('2022', '2022-05', …)."""
    if value is None or pd.isna(value):
        return None
    stamp = pd.Timestamp(value)
    if precision == "year":
        return f"{stamp.year:04d}"
    if precision == "month":
        return f"{stamp.year:04d}-{stamp.month:02d}"
    return stamp.strftime("%Y-%m-%d")
