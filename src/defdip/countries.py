"""One country vocabulary for every source: COW codes, ISO3, and each source's spelling.

The vocabulary is built from two reference files (the R ``countrycode`` concordance and the
COW state-system list) plus hand-written alias files in ``defdip/data/actors/*.yaml``: one per
source, naming the spellings that source uses and the non-state or aggregate actors it
declares (SIPRI's ``PKK (Turkiye)*``, ``United Nations**``, ``unknown supplier(s)``).

A name resolves only to what it exactly names (a code, a spelling in the reference files or
an alias file). The concordance's name patterns (regexes) only suggest candidates: as answers
they read "Not Turkey" as Türkiye and "Northern Cyprus*" as the Republic of Cyprus. Contested
entities (north Cyprus, Abkhazia, Somaliland, …) are declared in ``_common.yaml`` under
``entities:`` with their own user-assigned code, and names several states answer to
(``ambiguous:``, e.g. "Congo") make the user-facing :meth:`Vocabulary.resolve_actor` ask.

    >>> vocab = load_vocabulary(mirror)
    >>> vocab.resolve("Türkiye").ccode
    640
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from defdip.errors import AmbiguousCountry, UnknownCountry
from defdip.fetch import RawFile
from defdip.paths import default_mirror, raw_cache_dir
from defdip.refcache import reference_frame

__all__ = [
    "COUNTRY_FILES",
    "Country",
    "NonStateActor",
    "Vocabulary",
    "alias_files",
    "build_vocabulary",
    "load_reference_rows",
    "load_vocabulary",
    "normalise",
]

COUNTRY_FILES = (
    RawFile("codelist", "country_codes/countrycode_codelist.csv",
            "https://raw.githubusercontent.com/vincentarelbundock/countrycode/main/dictionary/"
            "codelist_without_cldr.csv"),
    RawFile("cow_states", "cow_states/cow_states_v2016.csv",
            "https://correlatesofwar.org/wp-content/uploads/states2016.csv"),
)
NAME_COLUMNS = ("country.name.en", "cow.name", "un.name.en", "iso.name.en", "p4.name",
                "vdem.name", "country.name.de", "country.name.fr", "country.name.es")


@dataclass(frozen=True)
class Country:
    """A state (or territory) with its codes. ``ccode`` is None for non-COW territories."""

    iso3: str
    name: str
    ccode: int | None = None
    cow_abb: str | None = None
    gwcode: int | None = None
    iso3_official: bool = True
    region: str | None = None
    spells: tuple[tuple[str, str], ...] = ()
    entity: str = ""  # for a declared contested entity: what it is (not a UN/COW member)

    def in_system(self, year: int) -> bool:
        """Whether the state is a COW system member at some point in ``year``."""
        return any(int(s[:4]) <= year <= int(e[:4]) for s, e in self.spells)


@dataclass(frozen=True)
class NonStateActor:
    """An actor a source names that is not a state: a rebel group, an IO, 'unknown'."""

    label: str
    kind: str
    source: str
    note: str = ""


@dataclass
class Vocabulary:
    """Resolve names and codes to :class:`Country` or declared :class:`NonStateActor`."""

    countries: dict[str, Country]
    names: dict[str, str] = field(default_factory=dict)
    non_state: dict[str, NonStateActor] = field(default_factory=dict)
    year_codes: list[tuple[str, int, int, int]] = field(default_factory=list)
    regexes: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    variants: list[Country] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_ccode: dict[int, Country] = {}
        for country in [*self.countries.values(), *self.variants]:
            if country.ccode is not None:
                self._by_ccode.setdefault(country.ccode, country)
        self._by_abb = {c.cow_abb: c for c in self.countries.values() if c.cow_abb}
        self._cache: dict[tuple[str, int | None], Country | NonStateActor | None] = {}

    # ---- lookups -------------------------------------------------------------------------
    def by_ccode(self, ccode: int) -> Country:
        try:
            return self._by_ccode[int(ccode)]
        except KeyError:
            raise UnknownCountry(ccode, context="COW codes") from None

    def by_cow_abb(self, abb: str) -> Country | None:
        """The state with COW letter code ``abb`` (``GMY``, ``YUG``), or None."""
        return self._by_abb.get(abb)

    def resolve(self, value: str | int, *, year: int | None = None,
                context: str = "") -> Country:
        """Resolve a state; raise :class:`UnknownCountry` (with candidates) otherwise."""
        actor = self.resolve_actor(value, year=year, context=context)
        if isinstance(actor, NonStateActor):
            raise UnknownCountry(value, [f"{actor.label!r} is a declared {actor.kind} actor"],
                                 context)
        return actor

    def resolve_actor(self, value: str | int, *, year: int | None = None,
                      context: str = "") -> Country | NonStateActor:
        """Resolve what a user typed to a state or a declared non-state actor.

        Never a guess: a name several states answer to ('Congo') raises
        :class:`AmbiguousCountry`, an unknown one :class:`UnknownCountry`; both list the
        candidates."""
        choices = self.ambiguous.get(normalise(str(value)))
        if choices and str(value).strip() not in self.countries:
            raise AmbiguousCountry(value, [f"{self.countries[c].name} ({c})" for c in choices
                                           if c in self.countries], context)
        found = self.try_resolve(value, year=year)
        if found is None:
            raise UnknownCountry(value, self.candidates(str(value)), context)
        return found

    def actor_key(self, value: str | int, *, year: int | None = None,
                  context: str = "") -> str:
        """The key actor columns use everywhere: a state's ISO3, or a declared non-state
        actor's own label; :class:`UnknownCountry` otherwise."""
        actor = self.resolve_actor(value, year=year, context=context)
        return actor.iso3 if isinstance(actor, Country) else actor.label

    def try_resolve(self, value: str | int, *, year: int | None = None
                    ) -> Country | NonStateActor | None:
        """A code, or a name as a source spells it (the alias files say what each source's
        spellings mean), resolved exactly; None for an unknown value. Sources use this; what
        a user types goes through :meth:`resolve_actor`, which also refuses ambiguity."""
        key = (str(value).strip(), year)
        if key not in self._cache:
            self._cache[key] = self._lookup(key[0], year)
        return self._cache[key]

    def resolve_many(self, values: Iterable[object], *, year: int | None = None
                     ) -> dict[str, Country | NonStateActor | None]:
        """Resolve each distinct value once; unknown values map to None."""
        return {str(v): self.try_resolve(str(v), year=year) for v in set(map(str, values))}

    def candidates(self, value: str, n: int = 5) -> list[str]:
        """Suggestions for ``value``, never answers: states whose name pattern matches it,
        the states an ambiguous name may mean, then the closest spellings."""
        key = normalise(value)
        out: list[str] = []
        for iso3 in [*self.ambiguous.get(key, []),
                     *(iso3 for pattern, iso3 in self.regexes if pattern.search(str(value)))]:
            label = f"{self.countries[iso3].name} ({iso3})" if iso3 in self.countries else ""
            if label and label not in out:
                out.append(label)
        pool = list(self.names) + [normalise(k) for k in self.non_state]
        close = difflib.get_close_matches(key, pool, n=n * 3, cutoff=0.6)
        for name in close:
            iso3 = self.names.get(name)
            actor = self.non_state.get(name)
            label = (f"{self.countries[iso3].name} ({iso3})" if iso3 else
                     f"{actor.label} (declared {actor.kind})" if actor else name)
            if label not in out:
                out.append(label)
        return out[:n]

    # ---- internals -----------------------------------------------------------------------
    def _lookup(self, text: str, year: int | None) -> Country | NonStateActor | None:
        if not text:
            return None
        if text in self.non_state:
            return self.non_state[text]
        country = self._code_lookup(text) or self._name_lookup(text)
        if country is None:
            return self.non_state.get(normalise(text))
        return self._for_year(country, year)

    def _code_lookup(self, text: str) -> Country | None:
        number = text[:-2] if text.endswith(".0") else text
        if number.isdigit():
            return self._by_ccode.get(int(number))
        if len(text) == 3 and text.isupper():
            return self.countries.get(text) or self._by_abb.get(text)
        return None

    def _name_lookup(self, text: str) -> Country | None:
        iso3 = self.names.get(normalise(text))
        return self.countries.get(iso3) if iso3 is not None else None

    def _for_year(self, country: Country, year: int | None) -> Country:
        if year is None:
            return country
        for iso3, ccode, start, end in self.year_codes:
            if country.iso3 == iso3 and start <= year <= end:
                return self._by_ccode.get(ccode, country)
        return country


def normalise(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'Côte d’Ivoire' → 'cote divoire'."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _int(value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return int(float(value))  # type: ignore[arg-type]


def alias_files() -> list[Traversable]:
    """The packaged alias files, ``defdip/data/actors/*.yaml``, sorted by name."""
    root = resources.files("defdip") / "data" / "actors"
    return [f for f in sorted(root.iterdir(), key=lambda p: p.name) if f.name.endswith(".yaml")]


def _read_alias_files() -> list[dict]:
    # libyaml's parser when PyYAML has it (same documents, much faster: start-up path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [yaml.load(f.read_text(encoding="utf-8"), Loader=loader) or {}
            for f in alias_files()]


def build_vocabulary(codelist: Iterable[Mapping[str, Any]],
                     cow_states: Iterable[Mapping[str, Any]],
                     alias_docs: list[dict] | None = None) -> Vocabulary:
    """Assemble the vocabulary from the rows of the two reference tables (the codelist read
    as text, COW's state spells) and the alias documents."""
    alias_docs = _read_alias_files() if alias_docs is None else alias_docs
    extra_iso3 = {int(k): v for doc in alias_docs
                  for k, v in (doc.get("historical_iso3") or {}).items()}
    spells: dict[int, list[tuple[str, str]]] = {}
    cow_names: dict[int, tuple[str, str]] = {}
    for row in cow_states:
        start = f"{int(row['styear']):04d}-{int(row['stmonth']):02d}-{int(row['stday']):02d}"
        end = f"{int(row['endyear']):04d}-{int(row['endmonth']):02d}-{int(row['endday']):02d}"
        spells.setdefault(int(row["ccode"]), []).append((start, end))
        cow_names[int(row["ccode"])] = (row["statenme"], row["stateabb"])

    countries: dict[str, Country] = {}
    names: dict[str, str] = {}
    regexes: list[tuple[re.Pattern[str], str]] = []
    for row in codelist:
        ccode = _int(row.get("cown"))
        iso3 = row.get("iso3c") if isinstance(row.get("iso3c"), str) else None
        official = iso3 is not None
        if iso3 is None and ccode is not None:
            iso3 = extra_iso3.get(ccode)
        if iso3 is None or iso3 in countries:
            continue
        countries[iso3] = Country(
            iso3=iso3, name=str(row["country.name.en"]), ccode=ccode,
            cow_abb=row.get("cowc") if isinstance(row.get("cowc"), str) else None,
            gwcode=_int(row.get("gwn")), iso3_official=official,
            region=row.get("region") if isinstance(row.get("region"), str) else None,
            spells=tuple(spells.get(ccode, ())) if ccode is not None else (),
        )
        for column in NAME_COLUMNS:
            if isinstance(row.get(column), str):
                names.setdefault(normalise(row[column]), iso3)
        if isinstance(row.get("country.name.en.regex"), str):
            regexes.append((re.compile(row["country.name.en.regex"], re.IGNORECASE), iso3))
    variants: list[Country] = []
    for ccode, iso3 in extra_iso3.items():  # COW states the concordance gives no code
        if ccode not in cow_names:
            continue
        statenme, abb = cow_names[ccode]
        held = countries.get(iso3)
        if held is None:
            countries[iso3] = Country(iso3, statenme, ccode, abb, None, False, None,
                                      tuple(spells.get(ccode, ())))
        elif held.ccode is None:  # e.g. Serbia: ISO row without a COW code -> COW 345
            countries[iso3] = replace(held, ccode=ccode, cow_abb=abb,
                                      spells=tuple(spells.get(ccode, ())))
        elif held.ccode != ccode:  # e.g. German Federal Republic shares DEU with 255
            variants.append(Country(iso3, statenme, ccode, abb, None, False, held.region,
                                    tuple(spells.get(ccode, ()))))
    for ccode, (statenme, _abb) in cow_names.items():
        match = next((c for c in countries.values() if c.ccode == ccode), None)
        if match is not None:
            names.setdefault(normalise(statenme), match.iso3)

    for doc in alias_docs:  # preferred English names, e.g. TUR -> Türkiye (UN usage)
        for iso3, preferred in (doc.get("display_names") or {}).items():
            if iso3 in countries:
                countries[iso3] = replace(countries[iso3], name=str(preferred))
    ambiguous: dict[str, list[str]] = {}
    for doc in alias_docs:  # contested entities: their own code, never a neighbour's
        for item in doc.get("entities") or []:
            code = str(item["code"])
            countries[code] = Country(code, str(item["name"]), None, None,
                                      _int(item.get("gwcode")), False, item.get("region"),
                                      entity=str(item["note"]))
            for name in [item["name"], *(item.get("names") or [])]:
                names[normalise(name)] = code
        for name, codes in (doc.get("ambiguous") or {}).items():
            ambiguous[normalise(name)] = [str(c) for c in codes]
    non_state: dict[str, NonStateActor] = {}
    year_codes: list[tuple[str, int, int, int]] = []
    for doc in alias_docs:
        source = doc.get("source", "defdip")
        for alias, iso3 in (doc.get("aliases") or {}).items():
            names[normalise(alias)] = str(iso3)
        for item in doc.get("non_state") or []:
            actor = NonStateActor(item["label"], item["kind"], source, item.get("note", ""))
            non_state[actor.label] = actor
            non_state.setdefault(normalise(actor.label), actor)
        for item in doc.get("year_codes") or []:
            year_codes.append((item["iso3"], int(item["ccode"]), int(item["from"]),
                               int(item["to"])))
    return Vocabulary(countries, names, non_state, year_codes, regexes, variants, ambiguous)


def _rows(frame: Any) -> list[dict[str, Any]]:
    """A reference table's rows as dicts, missing values as None."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


@lru_cache(maxsize=4)
def reference_rows(mirror: Path | None, cache: Path) -> dict[str, list[dict[str, Any]]]:
    """The reference rows from the mirror, else the cached copies, else downloads — each file
    checked before it is cached or trusted (:func:`defdip.refcache.reference_frame`)."""
    return {raw.key: _rows(reference_frame(raw, mirror, cache)) for raw in COUNTRY_FILES}


@lru_cache(maxsize=4)
def _cached_vocabulary(mirror: Path | None, cache: Path) -> Vocabulary:
    rows = reference_rows(mirror, cache)
    return build_vocabulary(rows["codelist"], rows["cow_states"])


def _chosen(mirror: Path | str | None) -> Path | None:
    chosen = Path(mirror) if mirror is not None else default_mirror()
    return chosen.resolve() if chosen is not None else None


def load_vocabulary(mirror: Path | str | None = None) -> Vocabulary:
    """The vocabulary from the mirror (or ``$DEFDIP_MIRROR``), else from the copies kept in
    ``$DEFDIP_HOME/raw/countries`` by an earlier run, else from downloads; cached.

    This is how a *load* gets its vocabulary. Commands that read a loaded store use
    ``Store.vocabulary()`` instead, built from the rows the load kept in the store: no mirror,
    no network, and the same vocabulary the data were parsed with."""
    return _cached_vocabulary(_chosen(mirror), raw_cache_dir() / "countries")


def load_reference_rows(mirror: Path | str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The vocabulary's reference rows, found as :func:`load_vocabulary` finds its files."""
    return reference_rows(_chosen(mirror), raw_cache_dir() / "countries")
