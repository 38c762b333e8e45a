"""Accounts: who someone is (passwords, API tokens, web sessions with CSRF protection) and
what they may manage. The rows live in PostgreSQL (:mod:`defdip.store.pg_accounts`).

- Passwords are hashed with argon2id (argon2-cffi's defaults: RFC 9106's second recommended
  option, t=3, m=64 MiB, p=4) and re-hashed on login when the parameters change.
- API tokens (``ddp_…``) and session cookies (``dds_…``) are 256 random bits, shown once;
  only their SHA-256 is stored, so a copy of the database lets no one log in.
- A web session carries a CSRF token (synchronizer-token pattern): a page gets it at login
  and must send it back (``X-CSRF-Token``) with every request that changes something;
  :func:`check_csrf` compares digests in constant time.
- Roles (viewer < editor < approver < admin) are granted on desks (named groups of countries;
  ``*`` is every country). Reading is governed by markings alone; roles govern writing.
  Managing users and desks takes ``admin`` on ``*``; the first user of an empty database is
  created without a login and made admin on ``*`` (bootstrap).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from defdip.errors import Forbidden, InvalidArgument, Unauthenticated
from defdip.service.context import Context
from defdip.service.results import Result
from defdip.store.markings import CLASSIFICATIONS, GROUPS, ROLES, Principal

__all__ = [
    "WebSession",
    "add_user",
    "authenticate",
    "check_csrf",
    "digest",
    "hash_password",
    "issue_token",
    "list_users",
    "login",
    "logout",
    "principal_for_session",
    "principal_for_token",
    "require",
    "revoke_tokens",
    "set_desk",
    "set_grant",
    "set_user",
]

MIN_PASSWORD = 12
_DUMMY: list[str] = []  # a hash to check unknown names against, so timing tells nothing


@dataclass(frozen=True)
class WebSession:
    """A logged-in browser: the cookie value, its CSRF token, who, and until when."""

    token: str
    csrf: str
    principal: Principal
    expires_at: datetime


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def digest(secret: str) -> str:
    """SHA-256 of a token, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash; :class:`InvalidArgument` for a password shorter than 12 characters."""
    if len(password) < MIN_PASSWORD:
        raise InvalidArgument(f"The password is {len(password)} characters long; use at least "
                              f"{MIN_PASSWORD} (a passphrase of several words is easiest).")
    return str(_hasher().hash(password))


def require(who: Principal, role: str, countries: Sequence[str] | None = None) -> None:
    """:class:`Forbidden` unless ``who`` holds ``role`` (or stronger) on a desk covering one
    of ``countries`` (None: on the every-country desk '*')."""
    if not who.has_role(role, countries):
        where = f"a desk covering {', '.join(countries)}" if countries else "desk '*'"
        raise Forbidden(f"{who.name!r} holds no {role} role on {where}; an admin can grant it "
                        f"(`defdip users grant {who.name} {role} DESK`).")


def authenticate(ctx: Context, name: str, password: str) -> Principal:
    """The principal of ``name`` if the password is right (logged either way)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    store = ctx.record_store()
    row = store.user_row(name)
    hasher = _hasher()
    if not _DUMMY:
        _DUMMY.append(hasher.hash(secrets.token_hex(16)))
    try:
        hasher.verify(row["password_hash"] if row and row["password_hash"] else _DUMMY[0],
                      password)
        ok = row is not None and bool(row["password_hash"]) and bool(row["active"])
    except (VerificationError, InvalidHashError):
        ok = False
    principal = store.principal_of(int(row["id"])) if ok and row else None
    if principal is None:
        store.log_access("login_failed", "accounts.authenticate", {"name": name})
        raise Unauthenticated(f"Wrong user name or password for {name!r} (or the account is "
                              "disabled).")
    if hasher.check_needs_rehash(row["password_hash"]):
        store.update_user(name, password_hash=hasher.hash(password), principal=principal)
    store.log_access("login", "accounts.authenticate", {"name": name}, principal=principal)
    return principal


def issue_token(ctx: Context, label: str, *, name: str | None = None,
                days: int | None = 90) -> str:
    """A new API token for ``name`` (default: the context's user; another user's takes admin
    on '*'). The token is returned once; only its digest is kept."""
    who = _signed_in(ctx)
    target = who if name in (None, who.name) else None
    store = ctx.record_store()
    if target is None:
        require(who, "admin")
        row = store.user_row(str(name))
        target = store.principal_of(int(row["id"])) if row else None
        if target is None:
            raise InvalidArgument(f"There is no active user {name!r}.")
    token = "ddp_" + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days) if days else None
    assert target.user_id is not None
    store.add_token(target.user_id, label, digest(token), expires, principal=who)
    return token


def revoke_tokens(ctx: Context, label: str | None = None, *, name: str | None = None) -> int:
    """Revoke the user's tokens named ``label`` (all when None); another user's takes admin."""
    who = _signed_in(ctx)
    store = ctx.record_store()
    user_id = who.user_id
    if name not in (None, who.name):
        require(who, "admin")
        row = store.user_row(str(name))
        if row is None:
            raise InvalidArgument(f"There is no user {name!r}.")
        user_id = int(row["id"])
    assert user_id is not None
    return store.revoke_tokens(user_id, label, principal=who)


def principal_for_token(ctx: Context, token: str) -> Principal:
    store = ctx.record_store()
    user_id = store.token_user(digest(token)) if token.startswith("ddp_") else None
    principal = store.principal_of(user_id) if user_id is not None else None
    if principal is None:
        raise Unauthenticated("The API token is unknown, revoked or expired; make a new one "
                              "with `defdip users token LABEL`.")
    return principal


def login(ctx: Context, name: str, password: str, *, hours: int = 8) -> WebSession:
    """Check the password and open a web session with its CSRF token."""
    principal = authenticate(ctx, name, password)
    token, csrf = "dds_" + secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=hours)
    assert principal.user_id is not None
    ctx.record_store().add_session(principal.user_id, digest(token), digest(csrf), expires)
    return WebSession(token, csrf, principal, expires)


def principal_for_session(ctx: Context, token: str) -> Principal:
    store = ctx.record_store()
    row = store.session_row(digest(token)) if token.startswith("dds_") else None
    principal = store.principal_of(int(row["user_id"])) if row else None
    if principal is None:
        raise Unauthenticated("The session has ended or is unknown: log in again.")
    return principal


def check_csrf(ctx: Context, token: str, csrf: str | None) -> None:
    """:class:`Forbidden` unless ``csrf`` is the session's CSRF token."""
    row = ctx.record_store().session_row(digest(token))
    if row is None or not csrf or not hmac.compare_digest(row["csrf_hash"], digest(csrf)):
        raise Forbidden("The request lacks the session's CSRF token (X-CSRF-Token header or "
                        "csrf form field); reload the page and try again.")


def logout(ctx: Context, token: str) -> None:
    store = ctx.record_store()
    row = store.session_row(digest(token))
    store.end_session(digest(token))
    if row is not None:
        who = store.principal_of(int(row["user_id"]))
        store.log_access("logout", "accounts.logout", {}, principal=who)


# ---- managing users -------------------------------------------------------------------------
def _signed_in(ctx: Context) -> Principal:
    if ctx.user is None or ctx.user.user_id is None:
        raise Unauthenticated("This needs a login: set DEFDIP_TOKEN to an API token (`defdip "
                              "users token LABEL --user NAME --password`) or log in.")
    return ctx.user


def _checked_user(name: str, nationality: str, clearance: str, groups: Sequence[str]) -> None:
    if not re.match(r"^[a-z0-9][a-z0-9._-]{1,62}$", name):
        raise InvalidArgument(f"User name {name!r}: use 2-63 lower-case letters, digits, '.', "
                              "'_' or '-', starting with a letter or digit.")
    if not re.match(r"^[A-Z]{3}$", nationality):
        raise InvalidArgument(f"--nation {nationality!r} is not an ISO3 code such as 'TUR'.")
    if clearance not in CLASSIFICATIONS:
        raise InvalidArgument(f"--clearance {clearance!r} is not one of "
                              f"{', '.join(CLASSIFICATIONS)}.")
    for group in groups:
        if group not in GROUPS:
            raise InvalidArgument(f"--group {group!r} is not one of {', '.join(GROUPS)}.")


def add_user(ctx: Context, name: str, *, nationality: str, clearance: str,
             groups: Sequence[str] = (), password: str | None = None,
             display_name: str | None = None) -> dict[str, Any]:
    """Create a user (admin on '*'; or, in an empty database, the first user, made admin on
    '*'). Without a password the user logs in only with tokens an admin issues."""
    _checked_user(name, nationality, clearance, groups)
    store = ctx.record_store()
    bootstrap = store.count_users() == 0
    who = None if bootstrap else _signed_in(ctx)
    if who is not None:
        require(who, "admin")
    hashed = hash_password(password) if password is not None else None
    user_id = store.add_user(name, nationality=nationality, clearance=clearance, groups=groups,
                             password_hash=hashed, display_name=display_name, principal=who)
    if bootstrap:
        store.set_grant(name, "admin", "*")
    return {"id": user_id, "name": name, "bootstrap_admin": bootstrap}


def set_user(ctx: Context, name: str, *, password: str | None = None,
             **changes: Any) -> None:
    """Change a user: clearance, groups, nationality, display name, active (admin on '*'),
    or the password (admin, or the user themself)."""
    who = _signed_in(ctx)
    if changes or name != who.name:
        require(who, "admin")
    if "nationality" in changes or "clearance" in changes or "groups" in changes:
        row = ctx.record_store().user_row(name)
        if row is None:
            raise InvalidArgument(f"There is no user {name!r}.")
        _checked_user(name, changes.get("nationality", row["nationality"]),
                      changes.get("clearance", row["clearance"]),
                      changes.get("groups", row["groups"]))
    if password is not None:
        changes["password_hash"] = hash_password(password)
    ctx.record_store().update_user(name, principal=who, **changes)


def set_grant(ctx: Context, name: str, role: str, desk: str, *, granted: bool = True) -> None:
    """Grant (or revoke) ``role`` on ``desk`` (admin on '*')."""
    who = _signed_in(ctx)
    require(who, "admin")
    if role not in ROLES:
        raise InvalidArgument(f"Role {role!r} is not one of {', '.join(ROLES)}.")
    ctx.record_store().set_grant(name, role, desk, granted=granted, principal=who)


def set_desk(ctx: Context, name: str, countries: Sequence[str], description: str | None = None
             ) -> None:
    """Create or change a desk: a named group of countries (ISO3) (admin on '*')."""
    who = _signed_in(ctx)
    require(who, "admin")
    codes = sorted({c.strip().upper() for c in countries if c.strip()})
    if not codes or any(not re.match(r"^[A-Z]{3}$", c) for c in codes):
        raise InvalidArgument(f"--countries {','.join(countries)!r}: give ISO3 codes such as "
                              "TUR,GRC,CYP.")
    ctx.record_store().set_desk(name, codes, description, principal=who)


def list_users(ctx: Context) -> Result:
    """Every user with nationality, clearance, groups and grants (admin on '*')."""
    import pandas as pd

    require(_signed_in(ctx), "admin")
    return Result("users", table=pd.DataFrame(ctx.record_store().users()))
