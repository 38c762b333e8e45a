"""Every registered source: its contract, its provenance, and no silently dropped actor."""

from __future__ import annotations

import pytest

from defdip import sources
from defdip.countries import Country, NonStateActor

NAMES = list(sources.all_sources())


def test_every_builtin_source_is_registered():
    assert list(sources.BUILTIN) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_info_is_complete(name):
    info = sources.get(name).INFO
    assert info.name == name
    for field in ("title", "publisher", "version", "coverage", "licence"):
        assert getattr(info, field).strip(), field
    assert info.url.startswith("https://") or info.url.startswith("http://")
    assert info.citation.lstrip().startswith("@") and info.citation_key
    assert info.files and info.tables


@pytest.mark.parametrize("name", NAMES)
def test_loaded_tables_match_info_and_provenance(loaded_store, name):
    info = sources.get(name).INFO
    record = loaded_store.provenance().set_index("name").loc[name]
    assert len(record["fingerprint"]) == 64
    counted = sum(int(loaded_store.sql(f'SELECT count(*) AS n FROM "{t}"')["n"][0])
                  for t in info.tables)
    assert counted == record["rows"] > 0


def _label_columns(store) -> list[tuple[str, str, str]]:
    """(table, label column, iso3 column) for every actor column a source stores."""
    cols = store.sql("SELECT table_name, column_name FROM information_schema.columns "
                     "WHERE table_schema = 'main'")
    have = set(zip(cols["table_name"], cols["column_name"], strict=True))
    out = []
    for table, column in sorted(have):
        if column.endswith("_label"):
            prefix = column[: -len("_label")]
            if (table, f"{prefix}_iso3") in have:
                out.append((table, column, f"{prefix}_iso3"))
    return out


def test_every_actor_name_resolves_or_is_declared_non_state(loaded_store, vocab):
    """No silent drops: a name without a state code must be a declared non-state actor."""
    columns = _label_columns(loaded_store)
    assert len(columns) >= 8  # SIPRI (2 roles x 2), milex, Lowy (2), IPI, ICEWS, ...
    for table, label, iso3 in columns:
        names = loaded_store.sql(
            f'SELECT DISTINCT "{label}" AS name, "{iso3}" IS NULL AS uncoded FROM "{table}" '
            f'WHERE "{label}" IS NOT NULL')
        for name, uncoded in zip(names["name"], names["uncoded"], strict=True):
            if ";" in name:  # several actors in one cell (JME's 'AUS ; USA'): each resolves
                parts = [vocab.try_resolve(p.strip()) for p in name.split(";")]
                assert all(isinstance(p, Country) for p in parts), f"{table}.{label}: {name!r}"
                continue
            actor = vocab.try_resolve(name)
            assert actor is not None, f"{table}.{label}: {name!r} does not resolve"
            if uncoded:
                assert isinstance(actor, NonStateActor), f"{table}.{label}: {name!r}"
            else:
                assert isinstance(actor, Country), f"{table}.{label}: {name!r}"


def test_attach_codes_reports_file_lines(vocab, tmp_path):
    """Rows are file lines: given ``lines`` (reshaped frames), else position + header + 1."""
    import pandas as pd

    from defdip.errors import SourceFormatError
    from defdip.sources import attach_codes

    path = tmp_path / "wide.csv"
    # a reshaped frame: rows out of file order, index from a melt
    frame = pd.DataFrame({"label": ["Turkey", "Narnia"], "year": [2001, 2001]}, index=[7, 3])
    lines = pd.Series({7: 12, 3: 5})
    fix = ("Add the spelling to the source's alias file in defdip/data/actors/ (aliases: or "
           "non_state:).")
    with pytest.raises(SourceFormatError) as caught:
        attach_codes(frame.copy(), "label", vocab, prefix="p", path=path, year_column="year",
                     lines=lines)
    message = str(caught.value)
    assert message.startswith(f"{path}, row 5, column 'label': actor name 'Narnia' is neither "
                              "a known state nor a declared non-state actor (")
    assert message.endswith(fix)
    with pytest.raises(SourceFormatError, match=r", row 4, column 'label': actor name 'Narnia'"):
        attach_codes(frame.copy(), "label", vocab, prefix="p", path=path, header_rows=2)
    coded = attach_codes(frame.iloc[:1].copy(), "label", vocab, prefix="p", path=path,
                         lines=lines)
    assert coded["p_ccode"].tolist() == [640] and coded["p_iso3"].tolist() == ["TUR"]


def test_registering_first_keeps_the_builtins():
    """register(m) before all_sources() used to hide every built-in source (fresh process,
    since the registry is process-wide)."""
    import subprocess
    import sys

    code = """
import types
from defdip import sources
from defdip.sources._base import SourceInfo
info = SourceInfo(name='my_source', title='t', publisher='p', version='1', coverage='c',
                  url='https://example.org', licence='l', citation='@misc{x}', files=(),
                  tables={'my_table': 'd'})
mine = types.SimpleNamespace(INFO=info, fetch=lambda **k: {}, parse=lambda f, v: {})
sources.register(mine)
names = list(sources.all_sources())
assert names[:len(sources.BUILTIN)] == list(sources.BUILTIN), names
assert names[-1] == 'my_source', names
print(len(names))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    from defdip import sources

    assert int(done.stdout) == len(sources.BUILTIN) + 1
