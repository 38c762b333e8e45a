"""One resolver from what a person types (a name in any spelling, an ISO3 or a COW code) to
the codes the tables use, with one message style.

Every argument that names a country goes through here: the analyses' focal state, the arms
queries' actor, the alignment partners, the record's ``--country``/``--partner`` and the
panels' ``filter_country``. The matching itself is the country vocabulary's
(:class:`defdip.countries.Vocabulary`); this module only chooses *which* vocabulary (the
store's own, so a read needs no mirror and no network) and says, the same way everywhere,
what went wrong:

- an unknown name → :class:`~defdip.errors.UnknownCountry` (the vocabulary's) naming the
  argument, with the closest spellings;
- a known state without the code the question needs (e.g. Kosovo has no COW code), or a
  declared non-state actor where a state is needed → :class:`~defdip.errors.InvalidArgument`
  naming the argument, the state found and the fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from defdip.errors import InvalidArgument

if TYPE_CHECKING:
    from defdip.countries import Country, Vocabulary

__all__ = [
    "CODE_SYSTEMS",
    "actor_key",
    "resolve_ccode",
    "resolve_state",
    "stored_vocabulary",
    "vocabulary",
]

#: code attribute of :class:`~defdip.countries.Country` → how a message names it
CODE_SYSTEMS = {"ccode": "COW", "gwcode": "Gleditsch-Ward"}


def stored_vocabulary(store: Any) -> Vocabulary | None:
    """The vocabulary the store's data were parsed with (``Store.vocabulary()``: rebuilt from
    the reference rows the load kept); None for a store that keeps none (a record entered
    before any load, a test's hand-made store)."""
    return store.vocabulary() if store.has("_vocabulary_codelist") else None


def vocabulary(store: Any = None) -> Vocabulary:
    """The store's vocabulary; without a store, or for a store that keeps none, the
    vocabulary of the reference files (the mirror, else the cached copies)."""
    found = stored_vocabulary(store) if store is not None else None
    if found is not None:
        return found
    from defdip.countries import load_vocabulary

    return load_vocabulary()


def resolve_state(country: str | int, vocab: Vocabulary, argument: str = "the country "
                  "argument", *, code: str | None = "ccode", year: int | None = None
                  ) -> Country:
    """The state ``country`` names, which must have ``code`` (``"ccode"``, ``"gwcode"``, or
    None for any state). ``argument`` names the argument in messages (``"--country"``)."""
    found = vocab.resolve_actor(country, year=year, context=argument)
    from defdip.countries import Country

    if not isinstance(found, Country):
        kind = found.kind.replace("_", "-")
        raise InvalidArgument(f"{argument} {country!r} is {found.label!r}, a declared {kind} "
                              "actor, not a state; pass a state (e.g. 'TUR' or 640).")
    if code is not None and getattr(found, code) is None:
        system = CODE_SYSTEMS[code]
        raise InvalidArgument(f"{argument} {country!r} is {found.name} ({found.iso3}), which "
                              f"has no {system} code, so no {system}-coded data; pass a state "
                              "with one (e.g. 'TUR' or 640).")
    return found


def resolve_ccode(country: str | int, vocab: Vocabulary, argument: str = "the country "
                  "argument") -> int:
    """The COW code of the state ``country`` names (:func:`resolve_state`)."""
    return int(resolve_state(country, vocab, argument).ccode)  # type: ignore[arg-type]


def actor_key(value: str | int, vocab: Vocabulary | None, argument: str = "the country "
              "argument") -> str:
    """The key actor columns use (the record's actors, the arms tables): a state's ISO3, or
    a declared non-state actor's own label. Without a vocabulary (a store that keeps none)
    the value is taken as given: an ISO3 code upper-cased, anything else as typed."""
    text = str(value).strip()
    if vocab is None:
        return text.upper() if len(text) == 3 else text
    return vocab.actor_key(value, context=argument)
