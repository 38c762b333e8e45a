"""The PostgreSQL record store: numbered migrations, roles, forced row-level security, and a
database that refuses to answer the application without knowing who asks."""

from __future__ import annotations

import psycopg
import pytest

from defdip.errors import DefdipError
from defdip.store.markings import Principal
from defdip.store.pg_schema import PG_MIGRATIONS
from defdip.store.postgres import PostgresStore, init_database, redact

MARKED = ("engagements", "engagement_actors", "engagement_versions", "audit")


def _admin(pg_db):
    return psycopg.connect(pg_db.admin_url, autocommit=True)


def _seed(pg_db) -> tuple[PostgresStore, Principal]:
    """One admin of Türkiye and one approved RESTRICTED record released to NATO."""
    store = PostgresStore(pg_db.app_url)
    uid = store.add_user("ayse", nationality="TUR", clearance="SECRET", groups=["NATO"])
    store.set_grant("ayse", "admin", "*")
    ayse = store.principal_of(uid)
    record = {"kind": "exercise", "name": "Seed", "natural_key": "seed|2022",
              "classification": "RESTRICTED", "owner_nation": "TUR", "releasable_to": ["NATO"]}
    store.create_record("seed0000seed0000", record,
                        [{"iso3": "TUR", "ccode": 640, "label": "Türkiye", "role": "host"}],
                        principal=ayse)
    store.approve_record("seed0000seed0000", 1, principal=ayse)
    return store, ayse


def test_migrations_are_numbered_applied_once_and_recorded(pg_db):
    store = PostgresStore(pg_db.app_url)
    numbers = [m["number"] for m in store.migrations()]
    assert numbers == [n for n, _, _ in PG_MIGRATIONS] == list(range(1, len(PG_MIGRATIONS) + 1))
    assert init_database(pg_db.admin_url) == []  # idempotent: nothing left to apply


def test_the_application_role_owns_nothing_and_security_is_forced(pg_db):
    with _admin(pg_db) as conn:
        owned = conn.execute("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = "
                             "c.relowner WHERE r.rolname = 'defdip_app'").fetchone()[0]
        assert owned == 0
        role = conn.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = "
                            "'defdip_app'").fetchone()
        assert role == (False, False)
        flags = dict(conn.execute(
            "SELECT c.relname, (c.relrowsecurity AND c.relforcerowsecurity) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'defdip' AND "
            "c.relkind = 'r'").fetchall())
        assert all(flags[table] for table in MARKED)
        owners = {r[0] for r in conn.execute(
            "SELECT tableowner FROM pg_tables WHERE schemaname = 'defdip'")}
        assert owners == {"defdip_owner"}
        # the view that the analyses read checks the reader's policies, not its owner's
        options = conn.execute("SELECT reloptions FROM pg_class WHERE relname = "
                               "'record_current'").fetchone()[0]
        assert "security_invoker=true" in options


def test_the_database_refuses_a_read_without_the_user_context(pg_db):
    store, ayse = _seed(pg_db)
    with psycopg.connect(pg_db.app_url, autocommit=True) as conn:
        for table in (*MARKED, "record_current"):
            with pytest.raises(psycopg.errors.UndefinedObject,
                               match=r'unrecognized configuration parameter '
                                     r'"defdip\.(clearance|admin)"'):
                conn.execute(f"SELECT * FROM defdip.{table}").fetchall()
        # once a transaction stated who asked, the next one without it is refused too
        with conn.transaction():
            conn.execute("SELECT set_config('defdip.clearance', '3', true), "
                         "set_config('defdip.nation', 'TUR', true), "
                         "set_config('defdip.audience', '{ALL,TUR}', true)")
            assert conn.execute("SELECT count(*) FROM defdip.engagements").fetchone()[0] == 1
        with pytest.raises(psycopg.errors.InvalidTextRepresentation,
                           match='invalid input syntax for type integer: ""'):
            conn.execute("SELECT * FROM defdip.engagements").fetchall()
        # no role may delete a record, nor touch the log
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("DELETE FROM defdip.engagements")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("UPDATE defdip.audit SET action = 'x'")


def test_the_policies_apply_the_marking_rule(pg_db):
    store, ayse = _seed(pg_db)
    readers = {
        "TUR owner, RESTRICTED": (Principal("a", "TUR", "RESTRICTED"), 1),
        "DEU in NATO, RESTRICTED": (Principal("b", "DEU", "RESTRICTED", ("NATO",)), 1),
        "DEU in NATO, PUBLIC clearance": (Principal("c", "DEU", "PUBLIC", ("NATO",)), 0),
        "RUS, SECRET, no group": (Principal("d", "RUS", "SECRET"), 0),
        "anonymous": (Principal("e", None), 0),
    }
    for label, (who, expected) in readers.items():
        with store.transaction(who, read_only=True) as conn:
            seen = [conn.execute(f"SELECT count(*) FROM defdip.{t}").fetchone()[0]
                    for t in ("engagements", "engagement_actors", "engagement_versions",
                              "record_current")]
        assert seen == [expected, expected, 2 * expected, expected], label


def test_the_audit_log_and_the_versions_are_append_only_even_for_the_owner(pg_db):
    _seed(pg_db)
    with _admin(pg_db) as conn:  # a superuser: row security does not stop it, triggers do
        for statement in ("UPDATE defdip.audit SET action = 'forged'",
                          "DELETE FROM defdip.audit", "TRUNCATE defdip.audit",
                          "DELETE FROM defdip.engagement_versions",
                          "UPDATE defdip.engagement_versions SET status = 'approved' "
                          "WHERE version = 1"):
            with pytest.raises(psycopg.Error, match="append-only|kept as written"):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM defdip.audit WHERE target = 'engagements'"
                            ).fetchone()[0] == 2  # create, approve


def test_a_bad_url_says_what_to_do():
    with pytest.raises(DefdipError, match="is not a postgresql:// URL"):
        PostgresStore("mysql://x@y/z")
    assert redact("postgresql://app:secret@db:5432/defdip") == \
        "postgresql://app:***@db:5432/defdip"
    with pytest.raises(DefdipError, match=r"Cannot reach PostgreSQL at 'postgresql://a:\*\*\*@"
                                          r"127.0.0.1:1/x'"):
        init_database("postgresql://a:pw@127.0.0.1:1/x")
