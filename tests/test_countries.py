"""The country vocabulary on the real concordance and COW state list."""

from __future__ import annotations

import pandas as pd
import pytest

from defdip.countries import NonStateActor, normalise
from defdip.errors import UnknownCountry


@pytest.mark.parametrize("name", ["Türkiye", "Turkiye", "Turkey", "TUR", "640", 640,
                                  "Republic of Türkiye"])
def test_turkiye_spellings_resolve_to_640(vocab, name):
    country = vocab.resolve(name)
    assert (country.ccode, country.iso3) == (640, "TUR")


def test_source_spellings(vocab):
    assert vocab.resolve("Czechia").iso3 == vocab.resolve("Czech Republic").iso3 == "CZE"
    assert vocab.resolve("Cote d'Ivoire").ccode == 437
    # Namibia's ISO2 is "NA": the concordance must not lose it to a missing value.
    assert vocab.resolve("Namibia").ccode == 565


def test_every_cow_state_has_a_code(vocab, mirror):
    states = pd.read_csv(mirror / "cow_states" / "cow_states_v2016.csv")
    for ccode in states["ccode"].astype(int).unique():
        country = vocab.by_ccode(ccode)
        assert len(country.iso3) == 3


def test_cow_letter_codes_look_up_states(vocab):
    assert vocab.by_cow_abb("USA").ccode == 2
    assert vocab.by_cow_abb("YUG").ccode == 345  # COW letters, not ISO3 (SRB)
    assert vocab.by_cow_abb("") is None
    assert vocab.by_cow_abb("usa") is None


def test_year_picks_the_cow_code(vocab):
    # COW codes West Germany 260 for 1955-1990 and Germany 255 otherwise (cow_states file).
    assert vocab.resolve("Germany", year=1970).ccode == 260
    assert vocab.resolve("Germany", year=2000).ccode == 255


def test_unknown_name_lists_candidates(vocab):
    with pytest.raises(UnknownCountry) as info:
        vocab.resolve("Mauritanya")
    assert "Mauritania (MRT)" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_normalise():
    assert normalise("Côte d’Ivoire") == "cote divoire"
    assert normalise("Bosnia & Herzegovina") == "bosnia and herzegovina"


def test_non_state_actor_is_not_a_state(vocab):
    # SIPRI marks non-state actors with * and organisations with ** (SIPRI README).
    actor = vocab.resolve_actor("PKK (Turkiye)*")
    assert isinstance(actor, NonStateActor) and actor.kind == "non_state"
    assert vocab.resolve_actor("United Nations**").kind == "io"
    with pytest.raises(UnknownCountry, match="declared"):
        vocab.resolve("PKK (Turkiye)*")


def test_vocabulary_works_offline_after_a_mirror_run(tmp_path, mirror, monkeypatch):
    """After any run with the mirror, commands that only read the store need neither the
    mirror nor the network: the two reference files are kept in $DEFDIP_HOME/raw/countries."""
    import httpx

    from defdip import fetch
    from defdip.countries import load_vocabulary

    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path))
    assert load_vocabulary(mirror).resolve("Türkiye").ccode == 640
    kept = sorted(p.name for p in (tmp_path / "raw" / "countries").iterdir())
    assert kept == ["countrycode_codelist.csv", "cow_states_v2016.csv"]

    def no_network(*args, **kwargs):
        raise httpx.ConnectError("no network in this test")

    monkeypatch.delenv("DEFDIP_MIRROR", raising=False)
    monkeypatch.setattr(fetch.httpx.Client, "get", no_network)
    assert load_vocabulary().resolve("Cote d'Ivoire").ccode == 437
