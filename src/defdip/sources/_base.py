"""The small contract every source module follows.

A source module defines:

- ``INFO``: a :class:`SourceInfo` (title, publisher, version, coverage, official URL, licence,
  BibTeX citation, the raw files it needs and the tables it produces);
- ``fetch(mirror=None, transport=None)``: local copies of its raw files (see :func:`fetch_source`);
- ``parse(files, vocab)``: the raw files turned into tidy, typed tables keyed by COW code and date.

Built-in sources register in :mod:`defdip.sources`; an outside package registers the same way
(``defdip.sources.register(module)`` or the ``defdip.sources`` entry-point group).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from defdip.countries import Vocabulary
from defdip.fetch import Fetched, RawFile, fetch_file
from defdip.lazy import lazy_import
from defdip.paths import raw_cache_dir

httpx = lazy_import("httpx")
pd = lazy_import("pandas")

__all__ = ["ACTOR_FIX", "SourceInfo", "SourceModule", "Whole", "attach_codes", "fetch_source",
           "fetcher", "unresolved"]

ACTOR_FIX = ("Add the spelling to the source's alias file in defdip/data/actors/ "
             "(aliases: or non_state:).")


@dataclass(frozen=True)
class Whole:
    """What one table parsed from a whole, undamaged file looks like.

    :func:`defdip.sources.parse_whole` checks it before a load replaces anything: at least
    ``floor`` rows (and not much fewer than the last load), no null in ``required`` (default:
    the key columns), and each ``key`` once — or, for ``key=()``, no row repeated in every
    column but the ``generated`` ids defdip numbers in file order. ``repeats`` is how many
    repeated keys the publisher's own file really holds (documented in ``why``); a doubled or
    merged file repeats far more.
    """

    table: str
    floor: int
    key: tuple[str, ...] = ()
    required: tuple[str, ...] | None = None
    generated: tuple[str, ...] = ()
    repeats: int = 0
    why: str = ""
    file: str = ""  # the raw file's key the table comes from ('' = the source's files)


@dataclass(frozen=True)
class SourceInfo:
    """Provenance of one dataset, stored beside its tables and printed by `defdip sources`."""

    name: str
    title: str
    publisher: str
    version: str
    coverage: str
    url: str
    licence: str
    citation: str
    files: tuple[RawFile, ...]
    tables: Mapping[str, str]
    transformations: tuple[str, ...] = ()
    notes: str = ""
    depends_on: tuple[str, ...] = field(default=())
    whole: tuple[Whole, ...] = ()
    #: First and last year the source has data for (None: not declared yet), and which states
    #: it covers ("all" or a description); outside them its values are unknown, not zero.
    coverage_years: tuple[int, int] | None = None
    coverage_states: str = ""

    @property
    def citation_key(self) -> str:
        head = self.citation.split("{", 1)[1] if "{" in self.citation else self.name
        return head.split(",", 1)[0].strip()


class SourceModule(Protocol):
    INFO: SourceInfo

    def fetch(self, mirror: Path | None = None,
              transport: httpx.BaseTransport | None = None) -> dict[str, Fetched]: ...

    def parse(self, files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]: ...


def fetch_source(info: SourceInfo, mirror: Path | None = None,
                 transport: httpx.BaseTransport | None = None) -> dict[str, Fetched]:
    """Fetch every raw file of ``info`` from ``mirror`` or the publisher's URL."""
    cache = raw_cache_dir() / info.name
    return {raw.key: fetch_file(raw, mirror=mirror, cache_dir=cache, transport=transport)
            for raw in info.files}


def fetcher(info: SourceInfo) -> Callable[..., dict[str, Fetched]]:
    """A module's ``fetch(mirror=None, transport=None)``: :func:`fetch_source` for ``info``."""

    def fetch(mirror: Path | None = None,
              transport: httpx.BaseTransport | None = None) -> dict[str, Fetched]:
        return fetch_source(info, mirror, transport)

    fetch.__doc__ = f"Local copies of the raw files of {info.name!r} (mirror or download)."
    return fetch


def unresolved(values: pd.Series, vocab: Vocabulary) -> list[str]:
    """Distinct labels in ``values`` that are neither a state nor a declared non-state actor."""
    found = vocab.resolve_many(values.dropna().unique())
    return sorted(label for label, actor in found.items() if actor is None)


def attach_codes(frame: pd.DataFrame, column: str, vocab: Vocabulary, *, prefix: str,
                 path: Path | str, year_column: str | None = None,
                 header_rows: int = 1, lines: pd.Series | None = None) -> pd.DataFrame:
    """Add ``{prefix}_iso3`` and ``{prefix}_ccode`` for the actor names in ``column``.

    Every name must resolve to a state or to a declared non-state actor (whose ``iso3`` and
    ``ccode`` stay null); otherwise a :class:`SourceFormatError` names the file, the first
    row that holds the name, and the column, so nothing is dropped silently. With
    ``year_column`` the year picks between codes that share a name (Germany 1970 → 260).

    The row is the file line: ``lines`` (file line numbers, indexed like ``frame``) where the
    frame's rows are not the file's in order (reshaped frames, preambles, records split over
    lines); else the frame position + ``header_rows`` + 1.
    """
    from defdip.countries import Country
    from defdip.errors import SourceFormatError

    labels = frame[column].astype("string")
    if year_column is None:
        lookup = vocab.resolve_many(labels.dropna().unique())
        actors = labels.map(lambda v: lookup.get(str(v)) if pd.notna(v) else None)
    else:
        pairs = pd.Series(list(zip(labels, frame[year_column], strict=True)), index=frame.index)
        cache: dict[tuple[object, object], object] = {}
        for pair in set(pairs):
            label, year = pair
            if pd.notna(label):
                cache[pair] = vocab.try_resolve(
                    str(label), year=int(year) if pd.notna(year) else None)
        actors = pairs.map(lambda p: cache.get(p))
    missing = labels.notna() & actors.isna()
    if missing.any():
        first = missing.idxmax()
        row = (int(lines.loc[first]) if lines is not None
               else int(frame.index.get_loc(first)) + header_rows + 1)
        bad = str(labels.loc[first])
        raise SourceFormatError(
            path, f"actor name {bad!r} is neither a known state nor a declared non-state actor "
            f"({vocab.candidates(bad)[:3] or 'no close match'})",
            row=row, column=column, fix=ACTOR_FIX)
    frame[f"{prefix}_iso3"] = actors.map(
        lambda a: a.iso3 if isinstance(a, Country) else None).astype("string")
    frame[f"{prefix}_ccode"] = actors.map(
        lambda a: a.ccode if isinstance(a, Country) else None).astype("Int64")
    return frame
