"""Which state a brief is about: a code, or a name that must not be ambiguous.

``brief Korea`` must not quietly pick the Korea of before 1910, nor ``brief Congo`` quietly
pick Brazzaville: a name that fits more than one state of the COW system's last year stops
with the candidates. Codes (ISO3, COW) are never ambiguous.
"""

from __future__ import annotations

import re

from defdip.countries import Country, Vocabulary, normalise
from defdip.errors import AmbiguousCountry, UnknownCountry

__all__ = ["QUALIFIERS", "resolve_state"]

#: Leading words a state's formal name adds to a short name another state is known by
#: ("Democratic Republic of the Congo" is also "Congo").
QUALIFIERS = ("democratic republic of the ", "republic of the ", "the ")


def _aliases(vocab: Vocabulary) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, iso3 in vocab.names.items():
        out.setdefault(iso3, []).append(name)
    for iso3, country in vocab.countries.items():
        out.setdefault(iso3, []).append(normalise(country.name))
    return out


def _stripped(name: str) -> str:
    for prefix in QUALIFIERS:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def resolve_state(vocab: Vocabulary, value: str | int, year: int) -> Country:
    """The state ``value`` names, or :class:`AmbiguousCountry` listing the states of
    ``year`` it could mean, or :class:`UnknownCountry`."""
    text = str(value).strip()
    if text.isdigit() or (len(text) == 3 and text.isupper()):
        return vocab.resolve(text)
    key = normalise(text)
    aliases = _aliases(vocab)
    members = [c for c in vocab.countries.values() if c.ccode is not None and
               c.in_system(year)]
    word = re.compile(rf"\b{re.escape(key)}\b")
    fits = [c for c in members if any(word.search(a) for a in aliases.get(c.iso3, []))]
    found = vocab.try_resolve(text)
    if isinstance(found, Country) and found.in_system(year):
        same = [c for c in fits if c.iso3 != found.iso3 and any(
            _stripped(a) == key for a in aliases.get(c.iso3, []))]
        if not same:
            return found
        fits = [found, *same]
    elif len(fits) == 1:
        return fits[0]
    elif not fits:
        if isinstance(found, Country):
            return found
        raise UnknownCountry(value, vocab.candidates(text), "the brief")
    raise AmbiguousCountry(value, [f"{c.name} ({c.iso3})" for c in
                                   sorted(fits, key=lambda c: c.name)])
