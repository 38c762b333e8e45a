"""The record's REST routes (defdip.web.records_api) over a real PostgreSQL server: tokens
and sessions with CSRF, ETag/If-Match (412 with the current record, 428 without), and the
same visibility as every other face."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from defdip.service import accounts
from defdip.service.context import Context
from defdip.web.records_api import SESSION_COOKIE, build_router

PASSWORD = "correct horse battery"
RECORD = {"kind": "visit", "name": "Chief of staff visit", "start": "2024-02-05",
          "actors": [{"country": "TUR", "role": "sender"}, {"country": "POL", "role": "host"}],
          "source": {"citation": "Embassy cable 24-117"}, "classification": "RESTRICTED",
          "releasable_to": ["NATO"]}


@pytest.fixture()
def api(pg_db, tmp_path):
    base = Context(tmp_path / "none.duckdb", database_url=pg_db.app_url)
    accounts.add_user(base, "ayse", nationality="TUR", clearance="SECRET", groups=["NATO"],
                      password=PASSWORD)
    store = base.record_store()
    admin = base.as_user(store.principal_of(int(store.user_row("ayse")["id"])))
    accounts.set_grant(admin, "ayse", "approver", "*")
    for name, nation, groups in (("piotr", "POL", ["NATO"]), ("ivan", "RUS", [])):
        accounts.add_user(admin, name, nationality=nation, clearance="SECRET", groups=groups)
    tokens = {name: accounts.issue_token(base.as_user(store.principal_of(
        int(store.user_row(name)["id"]))), "test") for name in ("ayse", "piotr", "ivan")}
    app = FastAPI()
    app.include_router(build_router(lambda: Context(tmp_path / "none.duckdb",
                                                    database_url=pg_db.app_url),
                                    secure_cookie=False))
    return TestClient(app), tokens


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_etags_and_visibility(api):
    client, tokens = api
    made = client.post("/api/v1/entries", json=RECORD, headers=_as(tokens["ayse"]))
    assert made.status_code == 201, made.text
    record_id, etag = made.json()["id"], made.headers["ETag"]
    assert made.headers["Location"] == f"/api/v1/entries/{record_id}"
    assert client.put(f"/api/v1/entries/{record_id}", json=RECORD,
                      headers=_as(tokens["ayse"])).status_code == 428
    approved = client.post(f"/api/v1/entries/{record_id}/approve",
                           headers={**_as(tokens["ayse"]), "If-Match": etag})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    # a write based on the old version: 412 with the current record
    stale = client.put(f"/api/v1/entries/{record_id}", json={**RECORD, "location": "Warsaw"},
                       headers={**_as(tokens["ayse"]), "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["current"]["version"] == 2 and stale.headers["ETag"] == \
        approved.headers["ETag"]
    # the Pole (NATO) sees it in the list; the Russian and the anonymous reader do not
    seen = {name: [r["name"] for r in client.get("/api/v1/entries", headers=_as(t)).json()]
            for name, t in tokens.items()}
    assert seen == {"ayse": ["Chief of staff visit"], "piotr": ["Chief of staff visit"],
                    "ivan": []}
    assert client.get("/api/v1/entries").json() == []
    assert client.get(f"/api/v1/entries/{record_id}", headers=_as(tokens["ivan"])
                      ).status_code == 404
    lists = {name: client.get("/api/v1/entries", headers=_as(t)) for name, t in tokens.items()}
    tags = {name: response.headers["ETag"] for name, response in lists.items()}
    assert len(set(tags.values())) == 3  # a cache keyed by the tag never crosses readers
    suggested = client.get("/api/v1/entries/suggest?q=chief", headers=_as(tokens["ivan"]))
    assert suggested.json() == []
    assert client.get("/api/v1/entries", headers=_as("ddp_nonsense")).status_code == 401
    assert client.get("/api/v1/audit", headers=_as(tokens["piotr"])).status_code == 403


def test_sessions_need_the_csrf_token_for_writes(api):
    client, _tokens = api
    assert client.post("/api/v1/auth/login", json={"name": "ayse", "password": "nope nope nope"}
                       ).status_code == 401
    login = client.post("/api/v1/auth/login", json={"name": "ayse", "password": PASSWORD})
    assert login.status_code == 200 and SESSION_COOKIE in client.cookies
    csrf = login.json()["csrf"]
    refused = client.post("/api/v1/entries", json=RECORD)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    made = client.post("/api/v1/entries", json=RECORD, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    history = client.get(f"/api/v1/entries/{made.json()['id']}/history")  # a read: no token
    assert [v["version"] for v in history.json()] == [1]
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/api/v1/entries/drafts").json() == []  # anonymous again


def test_the_list_comes_in_pages_with_a_next_link(api):
    """A hundred thousand records in one answer took seconds under load: the list is paged,
    in record-list order, and the Link header's next page carries on where the page ended."""
    client, tokens = api
    names = []
    for day in (5, 6, 7):
        body = {**RECORD, "name": f"Visit {day}", "start": f"2024-02-0{day}"}
        made = client.post("/api/v1/entries", json=body, headers=_as(tokens["ayse"]))
        assert made.status_code == 201, made.text
        done = client.post(f"/api/v1/entries/{made.json()['id']}/approve",
                           headers={**_as(tokens["ayse"]), "If-Match": made.headers["ETag"]})
        assert done.status_code == 200
        names.append(body["name"])
    whole = [r["name"] for r in client.get("/api/v1/entries", headers=_as(tokens["piotr"]))
             .json()]
    assert sorted(whole) == sorted(names)
    first = client.get("/api/v1/entries?limit=2", headers=_as(tokens["piotr"]))
    link = first.headers["Link"]
    assert link.startswith("<") and link.endswith('>; rel="next"') and "after=" in link
    rest = client.get(link[1:link.index(">")], headers=_as(tokens["piotr"]))
    assert "Link" not in rest.headers  # the last page
    paged = [r["name"] for r in first.json()] + [r["name"] for r in rest.json()]
    assert paged == whole
    bad = client.get("/api/v1/entries?after=nonsense", headers=_as(tokens["piotr"]))
    assert bad.status_code == 422 and "is not a cursor this service wrote" in bad.text
    assert client.get("/api/v1/entries?limit=0", headers=_as(tokens["piotr"])
                      ).status_code == 422
