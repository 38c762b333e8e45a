"""Bounds on what a record file may hold, so that no input can exhaust memory or disk or
store a value the record cannot read back.

Every limit is documented in ``docs/curated-format.md`` ("Limits"); a test keeps the two in
step. A value past a limit is a validation problem naming the record and the field, like
any other; a file past a limit is refused before it is parsed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import yaml

__all__ = [
    "DATE_YEARS",
    "MAX_ACTORS",
    "MAX_CLAIMS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_RECORDS",
    "NUMBER_LIMITS",
    "TEXT_LIMITS",
    "NoAliasLoader",
    "check_url",
    "clean_text",
    "deepest",
    "load_yaml",
    "number_problem",
]

MAX_FILE_BYTES = 10_000_000   # a record file; the curated files together are ~0.2 MB
MAX_RECORDS = 50_000          # records in one file
MAX_ACTORS = 500              # actors of one record (every state twice over)
MAX_CLAIMS = 50               # disagreeing claims kept for one record
MAX_DEPTH = 12                # nesting of lists and mappings (the format needs 6)
DEFAULT_TEXT = 1_000          # characters in a text field not listed below
TEXT_LIMITS: dict[str, int] = {"notes": 10_000, "url": 2_000, "source_url": 2_000,
                               "citation": 2_000, "claims": 20_000, "key": 500,
                               "country": 200}
# Whole numbers are stored as BIGINT and read as pandas Int64; tiv as DOUBLE. The bounds are
# far above any real engagement (the largest recorded deployment is ~540,000 personnel; the
# largest SIPRI deal ~10,000 TIV) and far below what storage overflows at.
NUMBER_LIMITS: dict[str, float] = {"personnel": 20_000_000, "units": 10_000_000,
                                   "countries": 250, "tiv": 1_000_000}
# Dates are read back as pandas nanosecond timestamps: 1677-09-21 .. 2262-04-11.
DATE_YEARS: tuple[int, int] = (1678, 2261)


def clean_text(value: object, field: str) -> tuple[str | None, str | None]:
    """``value`` as stripped text without NUL characters, and a problem if it is too long
    (None, None for an empty value)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None
    text = str(value).replace("\x00", "").strip()
    if not text:
        return None, None
    limit = TEXT_LIMITS.get(field.rsplit(".", 1)[-1], DEFAULT_TEXT)
    if len(text) > limit:
        return None, f"is {len(text):,} characters long; the limit for {field} is {limit:,}"
    return text, None


def check_url(text: str) -> str | None:
    """A problem with ``text`` as a public web address, or None: only http(s) URLs with a
    host are accepted (no ``javascript:``, ``file:`` or ``data:``)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return "is not a URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "is not an http:// or https:// address"
    if any(c.isspace() or ord(c) < 32 for c in text):
        return "contains spaces or control characters; percent-encode them"
    return None


def number_problem(field: str, number: float, *, integer: bool) -> str | None:
    """A problem with ``number`` for the scale field ``field``, or None."""
    if not math.isfinite(number):
        return "is not a finite number"
    if number < 0 or (integer and not number.is_integer()):
        return f"must be a {'whole ' if integer else ''}number >= 0"
    limit = NUMBER_LIMITS.get(field.rsplit(".", 1)[-1])
    if limit is not None and number > limit:
        return f"is larger than {limit:,.0f}, the most {field} can hold"
    return None


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        yield from node.values()
    elif isinstance(node, list):
        yield from node


def deepest(document: Any, limit: int = MAX_DEPTH) -> int:
    """The nesting depth of ``document`` (lists and mappings), counted without recursion and
    stopping once past ``limit``."""
    depth, level = 0, [document]
    while level and depth <= limit:
        containers = [n for n in level if isinstance(n, dict | list)]
        if not containers:
            break
        depth += 1
        level = [child for node in containers for child in _children(node)]
    return depth


class NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases (``*name``, which can expand a few bytes into gigabytes)
    and without implicit timestamps (dates stay text, so the validator reports an
    impossible date such as 2024-13-01 with its record and field)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"YAML aliases (*{event.anchor}) are not accepted in record files; "
                "write each value out", event.start_mark)
        return super().compose_node(parent, index)


_NO_TIMESTAMPS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
NoAliasLoader.yaml_implicit_resolvers = _NO_TIMESTAMPS
_CLoader = getattr(yaml, "CSafeLoader", None)
if _CLoader is not None:
    class _CTextDates(_CLoader):  # type: ignore[misc,valid-type]
        """libyaml's parser with the same resolvers (no implicit timestamps)."""

    _CTextDates.yaml_implicit_resolvers = _NO_TIMESTAMPS


def load_yaml(text: str) -> Any:
    """YAML as :class:`NoAliasLoader` reads it; with libyaml, a fast pass over the events
    refuses aliases first (events never expand them) and libyaml's parser builds the
    document (several times faster on a large record file)."""
    if _CLoader is None:
        return yaml.load(text, Loader=NoAliasLoader)
    for event in yaml.parse(text, Loader=_CLoader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, f"YAML aliases (*{event.anchor}) are not accepted in record files; "
                "write each value out", event.start_mark)
    return yaml.load(text, Loader=_CTextDates)
