"""Reliability, names and the country cache (issue 11, "Why" 5 and 6): a name resolves to
what it names or the user is asked, contested entities are themselves, and a damaged
reference file never reaches (or stays in) the cache.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from defdip.countries import Country
from defdip.errors import UnknownCountry


@pytest.mark.parametrize("name", ["Not Turkey", "Turkeyland", "Turkey Point"])
def test_a_near_name_is_a_suggestion_not_an_answer(vocab, name):
    """"Not Turkey" and "Turkeyland" resolved to TUR: the concordance's name pattern for
    Turkey matched them, and a pattern match was taken as the answer."""
    with pytest.raises(UnknownCountry) as caught:
        vocab.resolve_actor(name)
    assert caught.value.candidates[0] == "Türkiye (TUR)"
    assert str(caught.value).startswith(f"Unknown country {name!r}. Closest matches: "
                                        "Türkiye (TUR)")


@pytest.mark.parametrize(("name", "codes"), [("Congo", ["COG", "COD"]),
                                             ("Korea", ["KOR", "PRK"])])
def test_a_name_several_states_answer_to_asks(vocab, name, codes):
    """"Congo" resolved to COG without asking (and "Korea" to the Korean Empire of 1897)."""
    with pytest.raises(UnknownCountry) as caught:
        vocab.resolve_actor(name)
    assert str(caught.value).startswith(f"{name!r} names more than one state: ")
    assert [c.rsplit("(", 1)[1].rstrip(")") for c in caught.value.candidates] == codes


ENTITIES = {  # what a user or a source writes -> the entity's own code
    "Turkish Republic of Northern Cyprus": "XNC", "TRNC": "XNC", "North Cyprus": "XNC",
    "Northern Cyprus": "XNC", "Abkhazia": "XAB", "South Ossetia": "XSO",
    "Somaliland": "XSL", "Transnistria": "XTR", "Nagorno-Karabakh": "XNK",
    "Kosovo": "XKX", "Republic of Kosovo": "XKX", "Taiwan": "TWN", "Palestine": "PSE",
    "State of Palestine": "PSE", "Western Sahara": "ESH",
    "Sahrawi Arab Democratic Republic": "ESH",
}


@pytest.mark.parametrize("name", list(ENTITIES))
def test_contested_entities_are_themselves(vocab, name):
    """"Turkish Republic of Northern Cyprus" resolved to CYP, the state it is not."""
    actor = vocab.resolve_actor(name)
    assert isinstance(actor, Country) and actor.iso3 == ENTITIES[name]
    if actor.iso3.startswith("X") and actor.iso3 != "XKX":
        assert actor.ccode is None and actor.entity  # declared non-members: no COW code


def test_source_spellings_go_where_the_publisher_meant(parse_source):
    """Lowy's 'Northern Cyprus*' (Türkiye's posts in Nicosia and Famagusta) went to CYP and
    'Dominica Republic' (India's embassy in Santo Domingo) to Dominica, by name pattern."""
    posts = parse_source("lowy_gdi")["lowy_posts"]

    def hosts(sender: str, city: str) -> list[str]:
        rows = posts[posts["sender_label"].eq(sender) & posts["city"].eq(city)]
        return rows["host_iso3"].tolist()

    assert hosts("Türkiye", "Nicosia") == hosts("Türkiye", "Famagusta") == ["XNC"]
    assert hosts("India", "Santo Domingo") == ["DOM"]


def test_record_add_asks_and_never_hosts_north_cyprus_in_cyprus(store, vocab, tmp_path):
    """`record add` stored a base in north Cyprus as hosted by the Republic of Cyprus."""
    from defdip.engagements import add_records
    from defdip.errors import InvalidRecord

    base = {"kind": "base_presence", "name": "Test base", "start": "1974",
            "actors": [{"country": "TUR", "role": "sender"},
                       {"country": "Turkish Republic of Northern Cyprus", "role": "host"}],
            "source": {"url": "https://example.org/base"}}
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump({"records": [base]}))
    add_records(store, vocab, path)
    hosts = store.sql("SELECT iso3 FROM engagement_actors WHERE role = 'host'")["iso3"]
    assert hosts.tolist() == ["XNC"]
    for guess in ("Congo", "Turkeyland"):
        base["actors"][1]["country"] = guess
        path.write_text(yaml.safe_dump({"records": [base]}))
        with pytest.raises(InvalidRecord, match=f"'actors\\[2\\].country': '{guess}' "):
            add_records(store, vocab, path)


@pytest.mark.parametrize("args", [("countries", "resolve", "Congo"),
                                  ("arms", "partners", "Congo"),
                                  ("record", "list", "--country", "Turkeyland")])
def test_every_command_asks(defdip_cli, empty_store, args):
    done = defdip_cli(*args, "--store", str(empty_store), home=empty_store.parent) \
        if args[0] != "countries" else defdip_cli(*args, home=empty_store.parent)
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr
    assert ("names more than one state: Congo - Brazzaville (COG), Congo - Kinshasa (COD)"
            in done.stderr) or "'Turkeyland'" in done.stderr and "Türkiye (TUR)" in done.stderr


def _garbage_mirror(root: Path, mirror: Path) -> Path:
    for sub in ("country_codes", "cow_states"):
        (root / sub).mkdir(parents=True)
    shutil.copyfile(mirror / "cow_states/cow_states_v2016.csv",
                    root / "cow_states/cow_states_v2016.csv")
    (root / "country_codes/countrycode_codelist.csv").write_bytes(bytes(range(256)) * 64)
    return root


def test_a_garbage_mirror_file_never_reaches_the_cache(defdip_cli, mirror, tmp_path):
    """One command with a garbage codelist in the mirror overwrote the cached copy; every
    later command (`record list`, `arms partners`, `brief`) then crashed with
    UnicodeDecodeError, even with no mirror set."""
    home = tmp_path / "home"
    assert defdip_cli("countries", "resolve", "TUR", "--mirror", str(mirror),
                      home=home).returncode == 0
    cached = home / "raw/countries/countrycode_codelist.csv"
    good = cached.read_bytes()
    bad = _garbage_mirror(tmp_path / "bad", mirror)
    done = defdip_cli("countries", "resolve", "TUR", "--mirror", str(bad), home=home)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"Error: {bad}/country_codes/countrycode_codelist.csv: "
                                  "cannot be read as the codelist reference file")
    assert cached.read_bytes() == good
    offline = defdip_cli("countries", "resolve", "TUR", home=home, env={"DEFDIP_MIRROR": ""})
    assert offline.returncode == 0, offline.stderr


def test_a_damaged_cache_is_rebuilt_never_trusted(mirror, tmp_path, monkeypatch):
    from defdip import countries, refcache
    from defdip.errors import MirrorFileMissing

    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DEFDIP_MIRROR")
    countries._cached_vocabulary.cache_clear()
    cache = tmp_path / "home/raw/countries"
    cache.mkdir(parents=True)
    shutil.copyfile(mirror / "cow_states/cow_states_v2016.csv", cache / "cow_states_v2016.csv")
    (cache / "countrycode_codelist.csv").write_bytes("naïve\n".encode("utf-16"))

    def offline(raw, **kwargs):
        raise MirrorFileMissing(f"Could not download {raw.url} (offline).")

    monkeypatch.setattr(refcache, "fetch_file", offline)
    with pytest.raises(MirrorFileMissing) as caught:
        countries.load_vocabulary()
    assert str(caught.value).startswith("The cached country reference file was damaged and "
                                        "has been removed (")
    assert not (cache / "countrycode_codelist.csv").exists()
    monkeypatch.undo()
    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    countries._cached_vocabulary.cache_clear()
    assert countries.load_vocabulary(mirror).resolve("TUR").ccode == 640  # rebuilt
    assert (cache / "countrycode_codelist.csv").read_bytes() == \
        (mirror / "country_codes/countrycode_codelist.csv").read_bytes()
    countries._cached_vocabulary.cache_clear()
