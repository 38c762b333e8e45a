"""Event actors → states: the country through the one vocabulary, and the sector that makes
an actor a state actor (its government or its military). Everyone else is non-state.

An event side is a **state actor** when its country resolves to a state and the publisher
places the actor in the state's government or military:

* ICEWS: the ``Sectors`` list holds ``Military`` (→ military) or ``Government`` (→ government;
  ICEWS files every state organ, ministries, police, legislature and courts, under
  ``Government``); or the actor *is* the country (``Source Name`` = ``Source Country``, e.g.
  "Russia" / "Russian Federation"), which ICEWS codes for the state as a whole.
* GDELT: a CAMEO role code ``MIL`` (→ military) or ``GOV``, ``LEG``, ``JUD``, ``COP``, ``SPY``
  (→ government) among ``Type1Code``..``Type3Code``; or the actor code is the bare country
  code ("TUR"). Actors with a known-group code (UN, NATO, rebels) are non-state.
* POLECAT: the primary sector, else the sector list, with the same codes.

Non-state actors keep their country codes (a Turkish business is still Turkish) but get no
sector, and the dyad aggregates leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from defdip.countries import Country, Vocabulary

__all__ = ["CAMEO_REGIONS", "GOVERNMENT", "MILITARY", "CountryCodes", "role_sector"]

GOVERNMENT = "government"
MILITARY = "military"

#: CAMEO role codes of state organs (CAMEO 1.1b3 actor codebook, "domestic roles").
ROLE_SECTORS: dict[str, str] = {"MIL": MILITARY, "GOV": GOVERNMENT, "LEG": GOVERNMENT,
                                "JUD": GOVERNMENT, "COP": GOVERNMENT, "SPY": GOVERNMENT,
                                "MILITARY": MILITARY, "GOVERNMENT": GOVERNMENT}

#: CAMEO's regional "country" codes (CAMEO 1.1b3, geographic regions): places, not states.
#: Some collide with COW letter codes (SAF is Southern Africa here, South Africa in COW), so
#: they are settled before any code reaches the vocabulary.
CAMEO_REGIONS: dict[str, str] = {
    "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CRB": "Caribbean", "CAU": "Caucasus",
    "CFR": "Central Africa", "CAS": "Central Asia", "CEU": "Central Europe",
    "EIN": "East Indies", "EAF": "Eastern Africa", "EEU": "Eastern Europe", "EUR": "Europe",
    "LAM": "Latin America", "MEA": "Middle East", "MDT": "Mediterranean",
    "NAF": "North Africa", "NMR": "North America", "PGS": "Persian Gulf",
    "SCN": "Scandinavia", "SAM": "South America", "SAS": "South Asia",
    "SEA": "Southeast Asia", "SAF": "Southern Africa", "WAF": "West Africa", "WST": "The West",
}


def role_sector(codes: list[str]) -> str | None:
    """military if any code is MIL, else government if any is a state organ, else None."""
    found = {ROLE_SECTORS.get(c.strip().upper()) for c in codes if c}
    return MILITARY if MILITARY in found else GOVERNMENT if GOVERNMENT in found else None


@dataclass
class CountryCodes:
    """Country names or codes → (iso3, ccode) through the vocabulary, cached per (text, year).

    ``resolve`` answers ``None`` for an unknown text (the reader reports the row), ``("", None)``
    for a known non-state label or a CAMEO region, else the state's ISO3 and COW code (the
    code of that year: DEU is 260 before 1991).
    """

    vocab: Vocabulary
    codes: bool = False  # the texts are CAMEO country codes (GDELT), not names
    _cache: dict[tuple[str, int], tuple[str, int | None] | None] = field(default_factory=dict)

    def resolve(self, text: str, year: int) -> tuple[str, int | None] | None:
        key = (text, year)
        if key not in self._cache:
            self._cache[key] = self._lookup(text, year)
        return self._cache[key]

    def _lookup(self, text: str, year: int) -> tuple[str, int | None] | None:
        if self.codes and text in CAMEO_REGIONS:
            return ("", None)
        if self.codes and text in self.vocab.countries:  # CAMEO country codes are ISO3
            country: object = self.vocab.countries[text]
            found = self.vocab.try_resolve(text, year=year)
            country = found if isinstance(found, Country) else country
        else:
            country = self.vocab.try_resolve(text, year=year)
        if country is None:
            return None
        if isinstance(country, Country):
            return (country.iso3, country.ccode)
        return ("", None)
