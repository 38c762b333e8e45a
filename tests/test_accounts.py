"""Users, desks and roles; argon2 passwords, API tokens, web sessions with CSRF protection;
`defdip users …` and `defdip db …` (against a real PostgreSQL server)."""

from __future__ import annotations

import psycopg
import pytest
from typer.testing import CliRunner

from defdip.cli import app
from defdip.errors import Forbidden, InvalidArgument, Unauthenticated
from defdip.service import accounts
from defdip.service.context import Context

PASSWORD = "correct horse battery"


def _ctx(pg_db) -> Context:
    return Context(database_url=pg_db.app_url)


def _admin(pg_db) -> Context:
    ctx = _ctx(pg_db)
    accounts.add_user(ctx, "ayse", nationality="TUR", clearance="SECRET", groups=["NATO"],
                      password=PASSWORD)
    return ctx.as_user(accounts.authenticate(ctx, "ayse", PASSWORD))


def test_the_first_user_is_the_admin_and_only_admins_add_more(pg_db):
    ctx = _ctx(pg_db)
    first = accounts.add_user(ctx, "ayse", nationality="TUR", clearance="SECRET",
                              password=PASSWORD)
    assert first["bootstrap_admin"] is True
    with pytest.raises(Unauthenticated, match="This needs a login"):
        accounts.add_user(ctx, "hans", nationality="DEU", clearance="RESTRICTED")
    admin = ctx.as_user(accounts.authenticate(ctx, "ayse", PASSWORD))
    assert admin.user.has_role("admin")
    accounts.add_user(admin, "hans", nationality="DEU", clearance="RESTRICTED",
                      groups=["NATO"], password=PASSWORD)
    hans = ctx.as_user(accounts.authenticate(ctx, "hans", PASSWORD))
    with pytest.raises(Forbidden, match="'hans' holds no admin role on desk '\\*'"):
        accounts.add_user(hans, "ivan", nationality="RUS", clearance="SECRET")
    listed = accounts.list_users(admin).table
    assert list(listed["name"]) == ["ayse", "hans"]
    assert list(listed["grants"]) == [["admin@*"], []]


def test_passwords_are_argon2id_and_a_wrong_one_is_refused_and_logged(pg_db):
    ctx = _admin(pg_db)
    row = ctx.record_store().user_row("ayse")
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]
    for name, password in (("ayse", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(Unauthenticated, match=f"Wrong user name or password for {name!r}"):
            accounts.authenticate(_ctx(pg_db), name, password)
    with pytest.raises(InvalidArgument, match="The password is 5 characters long; use at "
                                              "least 12"):
        accounts.add_user(ctx, "short", nationality="DEU", clearance="PUBLIC",
                          password="abcde")
    actions = [r["action"] for r in ctx.record_store().audit_rows(principal=ctx.user)
               if r["target"] == "accounts.authenticate"]
    assert actions == ["login_failed", "login_failed", "login"]


def test_tokens_are_shown_once_stored_as_digests_and_revocable(pg_db):
    ctx = _admin(pg_db)
    token = accounts.issue_token(ctx, "laptop")
    assert token.startswith("ddp_") and len(token) > 40
    assert accounts.principal_for_token(_ctx(pg_db), token).name == "ayse"
    with psycopg.connect(pg_db.admin_url) as conn:
        stored = [r[0] for r in conn.execute("SELECT token_hash FROM defdip.api_tokens")]
    assert stored == [accounts.digest(token)]
    assert accounts.revoke_tokens(ctx, "laptop") == 1
    with pytest.raises(Unauthenticated, match="unknown, revoked or expired"):
        accounts.principal_for_token(_ctx(pg_db), token)


def test_web_sessions_need_their_csrf_token_and_end_at_logout(pg_db):
    _admin(pg_db)
    ctx = _ctx(pg_db)
    session = accounts.login(ctx, "ayse", PASSWORD)
    assert accounts.principal_for_session(ctx, session.token).name == "ayse"
    accounts.check_csrf(ctx, session.token, session.csrf)
    for forged in (None, "", session.token, session.csrf + "x"):
        with pytest.raises(Forbidden, match="lacks the session's CSRF token"):
            accounts.check_csrf(ctx, session.token, forged)
    other = accounts.login(ctx, "ayse", PASSWORD)
    with pytest.raises(Forbidden):  # one session's CSRF token does not fit another session
        accounts.check_csrf(ctx, other.token, session.csrf)
    accounts.logout(ctx, session.token)
    with pytest.raises(Unauthenticated, match="The session has ended"):
        accounts.principal_for_session(ctx, session.token)


def test_roles_are_scoped_to_desks(pg_db):
    admin = _admin(pg_db)
    accounts.set_desk(admin, "Caucasus", ["aze", "GEO", "ARM"])
    accounts.add_user(admin, "elif", nationality="TUR", clearance="RESTRICTED",
                      password=PASSWORD)
    accounts.set_grant(admin, "elif", "editor", "Caucasus")
    elif_ = accounts.authenticate(_ctx(pg_db), "elif", PASSWORD)
    assert elif_.has_role("viewer", ["AZE"]) and elif_.has_role("editor", ["TUR", "GEO"])
    assert not elif_.has_role("editor", ["TUR"]) and not elif_.has_role("approver", ["AZE"])
    with pytest.raises(InvalidArgument, match="Role 'boss' is not one of viewer, editor"):
        accounts.set_grant(admin, "elif", "boss", "Caucasus")
    with pytest.raises(Exception, match="There is no desk 'Balkans'"):
        accounts.set_grant(admin, "elif", "editor", "Balkans")
    accounts.set_grant(admin, "elif", "editor", "Caucasus", granted=False)
    assert not accounts.authenticate(_ctx(pg_db), "elif", PASSWORD).has_role("viewer", ["AZE"])
    audited = [r["action"] for r in admin.record_store().audit_rows(principal=admin.user)
               if r["target"] in ("grants", "desks")]
    assert audited == ["grants.delete", "grants.insert", "desks.insert", "grants.insert"]


def test_the_users_and_db_commands(pg_db, monkeypatch):
    monkeypatch.setenv("DEFDIP_DATABASE_URL", pg_db.app_url)
    monkeypatch.delenv("DEFDIP_TOKEN", raising=False)
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> str:
        result = runner.invoke(app, list(args), input=stdin)
        assert result.exit_code == 0, result.output + repr(result.exception)
        return result.output

    assert '"bootstrap_admin": true' in run("users", "add", "ayse", "--nation", "TUR",
                                           "--clearance", "SECRET", "--group", "NATO",
                                           "--password", "--json",
                                           stdin=f"{PASSWORD}\n{PASSWORD}\n")
    token = run("users", "token", "cli", "--user", "ayse", "--password",
                stdin=f"{PASSWORD}\n").strip().splitlines()[-1]
    assert token.startswith("ddp_")
    monkeypatch.setenv("DEFDIP_TOKEN", token)
    run("users", "desk", "Caucasus", "--countries", "AZE,GEO,ARM")
    run("users", "add", "hans", "--nation", "DEU", "--clearance", "RESTRICTED", "--group",
        "NATO")
    run("users", "grant", "hans", "viewer", "Caucasus")
    listed = run("users", "list", "--json")
    assert '"viewer@Caucasus"' in listed and '"admin@*"' in listed
    assert '"number": 4' in run("db", "status", "--json")
    result = runner.invoke(app, ["users", "add", "x1", "--nation", "Turkey"])
    assert result.exit_code != 0 and "--nation 'Turkey' is not an ISO3 code" in str(
        result.exception)
