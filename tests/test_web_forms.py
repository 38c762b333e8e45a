"""The record's web forms (defdip.web.pages_forms) over a real PostgreSQL server: log in
through the form, create and edit a record, a stale edit gets the 412 page with the current
version, POSTs without or with a wrong CSRF token are refused, a viewer sees no forms and is
refused (403), and only an admin sees the audit page."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from defdip.service import accounts
from defdip.service.context import Context
from defdip.web import pages_forms
from defdip.web.records_api import SESSION_COOKIE

PASSWORD = "correct horse battery"
FORM = {"kind": "visit", "name": "Chief of staff visit", "start": "2024-02-05",
        "actors": "TUR:sender\nPOL:host", "citation": "Embassy cable 24-117",
        "classification": "RESTRICTED", "releasable_to": "NATO"}


@pytest.fixture()
def site(pg_db, tmp_path):
    """ayse (TUR) is the first user (admin on '*') and approver; elif (TUR) an editor;
    piotr (POL, NATO) a viewer."""
    def make() -> Context:
        return Context(tmp_path / "none.duckdb", database_url=pg_db.app_url)

    base = make()
    accounts.add_user(base, "ayse", nationality="TUR", clearance="SECRET", groups=["NATO"],
                      password=PASSWORD)
    store = base.record_store()
    admin = base.as_user(store.principal_of(int(store.user_row("ayse")["id"])))
    accounts.set_grant(admin, "ayse", "approver", "*")
    for name, nation, role in (("elif", "TUR", "editor"), ("piotr", "POL", "viewer")):
        accounts.add_user(admin, name, nationality=nation, clearance="SECRET", groups=["NATO"],
                          password=PASSWORD)
        accounts.set_grant(admin, name, role, "*")
    app = FastAPI()
    app.include_router(pages_forms.build_router(make, secure_cookie=False))

    def client(name: str | None = None) -> TestClient:
        c = TestClient(app, follow_redirects=False)
        if name:
            landed = c.post("/login", data={"name": name, "password": PASSWORD})
            assert landed.status_code == 303 and landed.headers["location"] == "/entries"
        return c
    return client


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', html)
    assert found, f"no hidden {name} field"
    return found.group(1).replace("&#34;", '"')


def test_login_create_edit_stale_and_approve(site):
    anonymous = site()
    page = anonymous.get("/login")
    assert '<label for="name">User name</label>' in page.text
    assert '<label for="password">Password</label>' in page.text
    wrong = anonymous.post("/login", data={"name": "ayse", "password": "not the password"})
    assert wrong.status_code == 401
    assert "Wrong user name or password for &#39;ayse&#39;" in wrong.text
    assert anonymous.post("/entries/new", data=FORM).status_code == 401

    ayse = site("ayse")
    assert SESSION_COOKIE in ayse.cookies and pages_forms.CSRF_COOKIE in ayse.cookies
    csrf = _hidden(ayse.get("/entries/new").text, "csrf")
    # the CSRF token is checked on every POST
    missing = ayse.post("/entries/new", data=FORM)
    assert missing.status_code == 403 and "lacks the session&#39;s CSRF token" in missing.text
    assert ayse.post("/entries/new", data={**FORM, "csrf": "forged"}).status_code == 403
    # validation is record add's: the bad field is named, nothing written
    bad = ayse.post("/entries/new", data={**FORM, "start": "2024-13-45", "csrf": csrf})
    assert bad.status_code == 422 and "start" in bad.text and "2024-13-45" in bad.text
    assert "No entered record" in ayse.get("/entries").text
    made = ayse.post("/entries/new", data={**FORM, "csrf": csrf})
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    record_id = url.rsplit("/", 1)[1]
    shown = ayse.get(url).text
    assert "Version 1 · draft" in shown and 'action="/entries/' + record_id + '/edit"' in shown
    first = _hidden(shown, "version")
    assert first == f'"{record_id}-v1"'

    edited = ayse.post(f"{url}/edit", data={**FORM, "location": "Warsaw", "version": first,
                                            "csrf": csrf})
    assert edited.status_code == 303
    now = ayse.get(url).text
    assert "Version 2 · draft" in now and "Warsaw" in now
    # a second edit based on version 1 is stale: 412, the current version shown
    stale = ayse.post(f"{url}/edit", data={**FORM, "location": "Krakow", "version": first,
                                           "csrf": csrf})
    assert stale.status_code == 412
    assert f"Record &#39;{record_id}&#39; is at version 2, not 1" in stale.text
    assert "Version 2 · draft" in stale.text and _hidden(stale.text, "version") == \
        f'"{record_id}-v2"'
    assert 'value="Krakow"' in stale.text  # the user's edit is not lost
    approved = ayse.post(f"{url}/approve", data={"version": f'"{record_id}-v2"',
                                                 "csrf": csrf})
    assert approved.status_code == 303 and "Version 3 · approved" in ayse.get(url).text
    deleted = ayse.post(f"{url}/delete", data={"version": f'"{record_id}-v3"', "csrf": csrf})
    assert deleted.status_code == 303 and "· deleted" in ayse.get(url).text
    restored = ayse.post(f"{url}/restore", data={"version": f'"{record_id}-v4"',
                                                 "csrf": csrf})
    assert restored.status_code == 303 and "Version 5 · approved ·" in ayse.get(url).text

    # the viewer sees the record, no form, and is refused a write (403)
    piotr = site("piotr")
    seen = piotr.get(url).text
    assert "Chief of staff visit" in seen and "<form" not in seen.replace(
        'action="/logout"', "")
    assert "Enter a record" not in piotr.get("/entries").text
    his = _hidden(piotr.get("/entries").text, "csrf")
    refused = piotr.post(f"{url}/edit", data={**FORM, "version": f'"{record_id}-v5"',
                                              "csrf": his})
    assert refused.status_code == 403
    assert "owner_nation &#39;TUR&#39;: you enter records for your own nation" in refused.text
    gone = piotr.post(f"{url}/delete", data={"version": f'"{record_id}-v5"', "csrf": his})
    assert gone.status_code == 403 and "&#39;piotr&#39; holds no editor role" in gone.text
    # an editor may edit but not approve: no approve button
    elif_page = site("elif").get(url).text
    assert "/edit" in elif_page and "/approve" not in elif_page

    # the admin's audit page shows the writes; anyone else gets 403
    audit = ayse.get(f"/audit?record={record_id}")
    assert audit.status_code == 200, audit.text
    log = audit.text.split('id="audit-log"')[1].split("</table>")[0]
    assert log.count(record_id) >= 5  # create, edit, approve, delete, restore
    assert "Completeness of desk *" in audit.text
    assert piotr.get("/audit").status_code == 403
    assert site().get("/audit").status_code == 403  # the anonymous reader is no admin
    before = ayse.get(f"/audit?record={record_id}&end=2000-01-01").text
    assert record_id not in before.split('id="audit-log"')[1].split("</table>")[0]
    bad_day = ayse.get("/audit?start=yesterday")
    assert bad_day.status_code == 422
    assert "start &#39;yesterday&#39; is not a date: write YYYY-MM-DD." in bad_day.text


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_the_app_mounts_the_forms(site, pg_db, tmp_path, monkeypatch, scheme):
    """create_app serves the forms with the record in PostgreSQL ($DEFDIP_DATABASE_URL); the
    session cookie is Secure over https and plain over http (``defdip serve`` on
    http://localhost), so a user signs in either way."""
    from defdip.web import create_app

    monkeypatch.setenv("DEFDIP_DATABASE_URL", pg_db.app_url)
    app = create_app(tmp_path / "none.duckdb")
    with TestClient(app, base_url=f"{scheme}://testserver", follow_redirects=False) as client:
        assert client.get("/login").status_code == 200
        landed = client.post("/login", data={"name": "elif", "password": PASSWORD})
        assert landed.status_code == 303, landed.text
        cookies = landed.headers.get_list("set-cookie")
        assert cookies and all(("; secure" in c.lower()) == (scheme == "https")
                               for c in cookies)
        page = client.get("/entries")
        assert "Signed in as elif" in page.text and "Enter a record" in page.text
        assert 'href="/audit"' not in page.text  # elif is no admin
