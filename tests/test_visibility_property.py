"""Proved, not assumed: no figure reveals a record its reader may not see.

For random records (random markings: level, owner nation, releasable-to list) and random
readers (nationality, clearance, groups), every list, search, export, count, panel and brief
that defdip computes for the reader — in the embedded DuckDB mode and in PostgreSQL mode —
equals what the same function computes, unscoped, over a store that physically holds only the
records a *plain re-statement of the rule* (:func:`allowed`, written here without defdip's
code) lets that reader see.

The records are exercises and defence agreements of Türkiye with a partner, 2019–2023, added
to the full built store (every source loaded, the record and the measures built: derived and
curated records are PUBLIC and released to ALL). Settings (examples run) are in
``EXAMPLES``; the rule's three statements (PostgreSQL policies, Ibis on DuckDB, Python) are
compared over ``RULE_EXAMPLES`` random readers.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from defdip.countries import load_vocabulary
from defdip.engagements.model import conform_actors, conform_engagements
from defdip.panels.adders import add_all
from defdip.panels.filters import filter_country
from defdip.panels.units import create_dyad_years
from defdip.reports.brief import brief_context, build_brief
from defdip.reports.partners import partner_table
from defdip.reports.sec_timeline import timeline_section
from defdip.service import oversight, reads
from defdip.service.context import Context
from defdip.store import Store
from defdip.store.markings import Principal, may_see, visible
from defdip.store.pg_records import WRITABLE
from defdip.store.postgres import PostgresStore
from pgserver import drop_database, fresh_database

EXAMPLES = 8        # random worlds, two random readers each, one mode each (alternating)
RULE_EXAMPLES = 150  # random readers against 60 random markings, three engines
LEVELS = ("PUBLIC", "RESTRICTED", "CONFIDENTIAL", "SECRET")
OWNERS = ("TUR", "DEU", "USA")
TOKENS = ("ALL", "NATO", "EU", "TUR", "DEU", "USA", "AZE")
PARTNERS = {"DEU": (255, "Germany"), "USA": (2, "United States"), "AZE": (373, "Azerbaijan"),
            "GRC": (350, "Greece"), "PAK": (770, "Pakistan")}


@dataclass(frozen=True)
class Rec:
    id: str
    kind: str
    partner: str
    year: int
    classification: str
    owner: str
    releasable_to: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"PT-{self.id}"


@dataclass(frozen=True)
class Reader:
    nationality: str | None
    clearance: str
    groups: tuple[str, ...]

    def principal(self) -> Principal:
        return Principal("reader", self.nationality, self.clearance, self.groups)


def allowed(reader: Reader, rec: Rec) -> bool:
    """The rule, re-stated plainly (not defdip's code)."""
    order = {"PUBLIC": 0, "RESTRICTED": 1, "CONFIDENTIAL": 2, "SECRET": 3}
    if order[rec.classification] > order[reader.clearance]:
        return False
    if reader.nationality is not None and rec.owner == reader.nationality:
        return True
    reach = {"ALL", *reader.groups} | ({reader.nationality} if reader.nationality else set())
    return bool(reach & set(rec.releasable_to))


markings = st.tuples(st.sampled_from(LEVELS), st.sampled_from(OWNERS),
                     st.lists(st.sampled_from(TOKENS), max_size=3, unique=True).map(
                         lambda t: tuple(sorted(t))))
readers = st.builds(Reader, st.sampled_from(("TUR", "DEU", "USA", "AZE", "RUS", None)),
                    st.sampled_from(LEVELS),
                    st.lists(st.sampled_from(("NATO", "EU")), unique=True).map(tuple))


@st.composite
def worlds(draw: Any) -> list[Rec]:
    out = []
    for i in range(draw(st.integers(1, 6))):
        level, owner, tokens = draw(markings)
        out.append(Rec(f"x{i:015d}",
                       draw(st.sampled_from(("exercise", "defence_agreement"))),
                       draw(st.sampled_from(sorted(PARTNERS))), draw(st.integers(2019, 2023)),
                       level, owner, tokens))
    return out


def _rows(recs: list[Rec]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, people = [], []
    for r in recs:
        rows.append({"id": r.id, "kind": r.kind, "name": r.name, "start": date(r.year, 6, 15),
                     "start_precision": "day", "source": "entered",
                     "url": "https://example.org/pt", "origin": "entered",
                     "natural_key": r.name.lower(), "classification": r.classification,
                     "owner_nation": r.owner, "releasable_to": list(r.releasable_to)})
        roles = ("host", "participant") if r.kind == "exercise" else ("party", "party")
        ccode, label = PARTNERS[r.partner]
        people += [{"engagement_id": r.id, "iso3": "TUR", "ccode": 640, "label": "Türkiye",
                    "role": roles[0]},
                   {"engagement_id": r.id, "iso3": r.partner, "ccode": ccode, "label": label,
                    "role": roles[1]}]
    return (conform_engagements(pd.DataFrame(rows)),
            conform_actors(pd.DataFrame(people, columns=["engagement_id", "iso3", "ccode",
                                                         "label", "role"])))


def _write_duckdb(path: Path, recs: list[Rec]) -> None:
    """The entered records of the store at ``path`` become exactly ``recs``."""
    with Store(path) as store:
        store.con.execute("DELETE FROM engagement_actors WHERE engagement_id IN (SELECT id "
                          "FROM engagements WHERE origin = 'entered')")
        store.con.execute("DELETE FROM engagements WHERE origin = 'entered'")
        store.upsert_records(*_rows(recs))


class World:
    """The built store three ways (as built; + every random record; + only the allowed ones)
    and a PostgreSQL database holding the random records."""

    def __init__(self, built: Path, folder: Path, database: Any) -> None:
        self.built, self.database = built, database
        self.duck, self.plain = folder / "all.duckdb", folder / "plain.duckdb"
        shutil.copyfile(built, self.duck)
        shutil.copyfile(built, self.plain)
        self.folder, self._plain_ids, self._cache = folder, None, {}
        self.pg = PostgresStore(database.app_url)
        self.editors = {}
        for nation in OWNERS:
            name = f"editor-{nation.lower()}"
            uid = self.pg.add_user(name, nationality=nation, clearance="SECRET")
            for role in ("editor", "approver"):
                self.pg.set_grant(name, role, "*")
            self.editors[nation] = self.pg.principal_of(uid)

    def install(self, recs: list[Rec]) -> list[Rec]:
        """Put ``recs`` in PostgreSQL and in the all-records store, under fresh ids (a
        record's versions stay in PostgreSQL for good); return them as stored."""
        self._installs = getattr(self, "_installs", 0) + 1
        recs = [replace(r, id=f"w{self._installs:05d}{i:010d}") for i, r in enumerate(recs)]
        with psycopg.connect(self.database.admin_url, autocommit=True) as conn:
            conn.execute("TRUNCATE defdip.engagement_actors, defdip.engagements")
        engagements, actors = _rows(recs)
        for rec, row in zip(recs, engagements.to_dict("records"), strict=True):
            values = {c: None if not isinstance(row[c], list) and pd.isna(row[c]) else row[c]
                      for c in WRITABLE}
            values |= {"start": date(rec.year, 6, 15), "releasable_to": list(rec.releasable_to)}
            people = [{k: (int(v) if k == "ccode" else v) for k, v in a.items()
                       if k != "engagement_id"}
                      for a in actors[actors["engagement_id"] == rec.id].to_dict("records")]
            self.pg.create_record(rec.id, values, people, principal=self.editors[rec.owner])
            self.pg.approve_record(rec.id, 1, principal=self.editors[rec.owner])
        _write_duckdb(self.duck, recs)
        self._cache.clear()
        return recs

    def context(self, mode: str, reader: Reader | None, recs: list[Rec]) -> Context:
        if mode == "duckdb":
            return Context(self.duck, user=reader.principal())
        if mode == "postgres":
            return Context(self.built, user=reader.principal(),
                           database_url=self.database.app_url)
        chosen = [r for r in recs if allowed(reader, r)]  # plain: only the allowed ones
        ids = tuple(r.id for r in chosen)
        if ids != self._plain_ids:
            _write_duckdb(self.plain, chosen)
            self._plain_ids = ids
        return Context(self.plain, database_url=None)

    def outputs(self, ctx: Context, label: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        out["list"] = reads.list_records(ctx, country="TUR", year_from=2019,
                                         year_to=2023).table
        out["search"] = oversight.suggest(ctx, "PT-", limit=50).table
        exported = self.folder / f"export-{label}.csv"
        reads.export_records(ctx, exported, fmt="csv", country="TUR", year_from=2019,
                             year_to=2023)
        out["export"] = exported.read_text(encoding="utf-8")
        out["count"] = pd.concat([reads.profile(ctx, "TUR", y).table for y in (2020, 2023)])
        turkey = load_vocabulary().resolve("TUR")
        with ctx.reading() as store:
            panel = create_dyad_years(store, start=2019, end=2023)
            panel = filter_country(add_all(panel, ["exercises", "agreements"]), "TUR", side="1")
            out["panel"] = panel.expr.order_by(["ccode_2", "year"]).execute()
            # the brief's partner table (its map's data) and timeline, as the brief builds them
            window = brief_context(store, turkey.iso3, start=2019, end=2023)
            out["brief: partners and map"] = _plain(partner_table(window, 2019, 2023))
            timeline = timeline_section(brief_context(store, turkey.iso3, start=2015,
                                                      end=2024))
            out["brief: timeline"] = (timeline.text, timeline.figures,
                                      {k: _plain(v) for k, v in timeline.tables.items()})
        return out

    def plain_outputs(self, reader: Reader, recs: list[Rec]) -> dict[str, Any]:
        key = tuple(r.id for r in recs if allowed(reader, r))
        if key not in self._cache:
            self._cache[key] = self.outputs(self.context("plain", reader, recs), "plain")
        return self._cache[key]


def _plain(value: Any) -> Any:
    """Frames compared cell by cell (list-valued cells as tuples, NA as None)."""
    if isinstance(value, pd.DataFrame):
        return [tuple(tuple(v) if isinstance(v, list | np.ndarray) else
                      (None if v is None or (not isinstance(v, str) and pd.isna(v)) else v)
                      for v in row) for row in value.itertuples(index=False)] + \
            [tuple(value.columns)]
    return value


@pytest.fixture(scope="module")
def world(built_store, pg_server, tmp_path_factory):
    database = fresh_database(pg_server)
    try:
        yield World(Path(built_store.path), tmp_path_factory.mktemp("visibility"), database)
    finally:
        drop_database(database)


@settings(max_examples=EXAMPLES, deadline=None,
          phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(recs=worlds(), pair=st.tuples(readers, readers), duck=st.booleans())
def test_every_output_equals_the_plain_rule(world, recs, pair, duck):
    recs = world.install(recs)
    mode = "duckdb" if duck else "postgres"
    for reader in pair:
        got = world.outputs(world.context(mode, reader, recs), mode)
        want = world.plain_outputs(reader, recs)
        names = sorted(n for n in got["list"]["name"] if n.startswith("PT-"))
        assert names == sorted(r.name for r in recs if allowed(reader, r)), (mode, reader)
        for output in want:
            assert _plain(got[output]) == _plain(want[output]), (output, mode, reader)


def test_the_whole_brief_equals_the_plain_rule(world):
    """The brief entire (footprint, map, timeline, alignment, effects, challenges, regions,
    trends, standing): scoped in PostgreSQL mode equals unscoped over the allowed records,
    for two readers who see different records — and the two briefs differ."""
    recs = [Rec("b000000000000001", "exercise", "AZE", 2021, "RESTRICTED", "TUR", ("NATO",)),
            Rec("b000000000000002", "defence_agreement", "PAK", 2020, "SECRET", "TUR", ()),
            Rec("b000000000000003", "exercise", "DEU", 2022, "PUBLIC", "DEU", ("ALL",)),
            Rec("b000000000000004", "defence_agreement", "GRC", 2019, "CONFIDENTIAL", "USA",
                ("EU", "TUR"))]
    recs = world.install(recs)
    briefs = {}
    for reader in (Reader("DEU", "RESTRICTED", ("NATO",)), Reader("TUR", "SECRET", ())):
        with world.context("postgres", reader, recs).reading() as store:
            scoped = build_brief(store, "TUR", start=2015, end=2024).to_dict()
        with world.context("plain", reader, recs).reading() as store:
            plain = build_brief(store, "TUR", start=2015, end=2024).to_dict()
        assert scoped == plain, reader
        briefs[reader] = scoped
    first, second = briefs.values()
    assert first != second  # the readers see different records, and the brief shows it


@pytest.fixture(scope="module")
def marked(world):
    """60 random records in PostgreSQL (approved) and in a DuckDB table, for the rule."""
    rng = random.Random(14)
    recs = [Rec(f"r{i:015d}", "exercise", "DEU", 2020, rng.choice(LEVELS), rng.choice(OWNERS),
                tuple(sorted(rng.sample(TOKENS, rng.randint(0, 3))))) for i in range(60)]
    return world.install(recs)


@settings(max_examples=RULE_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reader=readers)
def test_the_rule_is_the_same_in_postgresql_duckdb_and_python(world, marked, reader):
    import ibis

    who = reader.principal()
    expected = {r.id for r in marked if allowed(reader, r)}
    in_python = {r.id for r in marked if may_see(who, r.classification, r.owner,
                                                  r.releasable_to)}
    frame = pd.DataFrame({"id": [r.id for r in marked],
                          "classification": [r.classification for r in marked],
                          "owner_nation": [r.owner for r in marked],
                          "releasable_to": [list(r.releasable_to) for r in marked]})
    table = ibis.memtable(frame)
    in_ibis = set(table.filter(visible(table, who)).execute()["id"])
    in_postgres = set(world.pg.visible_records(who).engagements.column("id").to_pylist())
    assert in_python == in_ibis == in_postgres == expected
