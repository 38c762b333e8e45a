"""Schemathesis against the record routes' OpenAPI document, once per role: whatever a client
sends — as admin, editor, viewer or nobody — no route answers with a server error."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from defdip.service import accounts
from defdip.service.context import Context
from defdip.store.markings import Principal
from defdip.web.records_api import build_router
from pgserver import drop_database, fresh_database

EXAMPLES = 25  # generated requests per operation, each sent as all four roles
RECORD = {"kind": "exercise", "name": "Fuzz target", "start": "2024-04-01",
          "actors": [{"country": "TUR", "role": "host"}, {"country": "GRC",
                                                          "role": "participant"}],
          "source": {"url": "https://example.org/fuzz"}}


@pytest.fixture(scope="module")
def fuzz_world(pg_server, tmp_path_factory):
    """Users of each role with tokens, one approved record, and the routes as an app."""
    database = fresh_database(pg_server)
    folder = tmp_path_factory.mktemp("fuzz")

    def context() -> Context:
        return Context(folder / "none.duckdb", database_url=database.app_url)

    base = context()
    store = base.record_store()

    def as_user(name: str) -> Principal:
        return store.principal_of(int(store.user_row(name)["id"]))

    accounts.add_user(base, "admin", nationality="TUR", clearance="SECRET", groups=["NATO"])
    admin = base.as_user(as_user("admin"))
    for name, nation, role in (("editor", "TUR", "editor"), ("viewer", "DEU", "viewer")):
        accounts.add_user(admin, name, nationality=nation, clearance="RESTRICTED",
                          groups=["NATO"])
        accounts.set_grant(admin, name, role, "*")
    from defdip.service import entries

    made = entries.create_record(admin, RECORD).document
    entries.approve_record(admin, made["id"], made["etag"])
    headers = {name: {"Authorization": "Bearer " + accounts.issue_token(
        base.as_user(as_user(name)), "fuzz")} for name in ("admin", "editor", "viewer")}
    headers["anonymous"] = {}
    app = FastAPI()
    app.include_router(build_router(context, secure_cookie=False))
    yield app, headers
    drop_database(database)


def test_no_route_fails_for_any_role(fuzz_world):
    """Every operation of the OpenAPI document, with generated inputs, called as each role
    (logging in is left out: argon2 takes ~1 s a try here; tests/test_records_api.py logs
    in)."""
    app, headers = fuzz_world
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path_regex="/auth/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            for role, auth in headers.items():
                response = case.call(headers=auth)
                assert response.status_code < 500, (role, case.method, case.formatted_path,
                                                    response.text)

        check()
