"""`defdip users add|list|set|grant|revoke|desk|token|revoke-tokens` and `defdip db init|status`.

Accounts live in PostgreSQL ($DEFDIP_DATABASE_URL). Commands act as the user of the API token
in $DEFDIP_TOKEN; managing others takes admin on desk '*'. In an empty database the first
`users add` needs no token and makes that user admin on '*'. `users token --user NAME
--password` logs in with a password (asked for) and prints a new token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from defdip.cli._common import JsonOption, emit

if TYPE_CHECKING:
    from defdip.service.context import Context

__all__ = ["register"]

PasswordOption = typer.Option(False, "--password", help="Ask for a password (twice).")


def _ctx() -> Context:
    from defdip.cli._common import cli_context

    return cli_context(None)


def _password(ask: bool, *, confirm: bool = True) -> str | None:
    # on stderr, so that `TOKEN=$(defdip users token … --password)` captures the token only
    return typer.prompt("password", hide_input=True, confirmation_prompt=confirm,
                        err=True) if ask else None


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Users, desks, roles and API tokens of the multi-user record.",
                        no_args_is_help=True)
    app.add_typer(users, name="users")
    db = typer.Typer(help="The PostgreSQL database of the multi-user record.",
                     no_args_is_help=True)
    app.add_typer(db, name="db")

    @users.command("add")
    def add_cmd(name: str = typer.Argument(..., help="Login name (lower case)."),
                nation: str = typer.Option(..., "--nation", help="Nationality, ISO3."),
                clearance: str = typer.Option("PUBLIC", "--clearance",
                                              help="PUBLIC, RESTRICTED, CONFIDENTIAL or "
                                                   "SECRET."),
                group: list[str] = typer.Option(None, "--group", help="A group the user "
                                                "belongs to, e.g. NATO (repeatable)."),
                display: str = typer.Option(None, "--display-name", help="Full name."),
                password: bool = PasswordOption, as_json: bool = JsonOption) -> None:
        """Create a user (the first one becomes admin on '*').

        Example: defdip users add ayse --nation TUR --clearance SECRET --group NATO --password
        """
        from defdip.service import accounts

        result = accounts.add_user(_ctx(), name, nationality=nation, clearance=clearance,
                                   groups=group or (), password=_password(password),
                                   display_name=display)
        emit(result, as_json=as_json)

    @users.command("list")
    def list_cmd(as_json: bool = JsonOption) -> None:
        """Every user with nationality, clearance, groups and grants (admins).

        Example: defdip users list --json
        """
        from defdip.service import accounts

        emit(accounts.list_users(_ctx()).table, as_json=as_json, title="users")

    @users.command("set")
    def set_cmd(name: str = typer.Argument(..., help="Login name."),
                nation: str = typer.Option(None, "--nation", help="New nationality (ISO3)."),
                clearance: str = typer.Option(None, "--clearance", help="New clearance."),
                group: list[str] = typer.Option(None, "--group", help="The user's groups "
                                                "(repeatable; replaces them)."),
                active: bool = typer.Option(None, "--active/--disabled", help="Enable or "
                                            "disable the account."),
                password: bool = PasswordOption) -> None:
        """Change a user (admins), or your own password.

        Example: defdip users set hans --clearance CONFIDENTIAL --group NATO --group EU
        """
        from defdip.service import accounts

        changes = {k: v for k, v in (("nationality", nation), ("clearance", clearance),
                                     ("groups", group or None), ("active", active))
                   if v is not None}
        accounts.set_user(_ctx(), name, password=_password(password), **changes)
        typer.echo(f"changed {name}")

    @users.command("grant")
    def grant_cmd(name: str = typer.Argument(..., help="Login name."),
                  role: str = typer.Argument(..., help="viewer, editor, approver or admin."),
                  desk: str = typer.Argument("*", help="Desk name, or '*' (every country).")
                  ) -> None:
        """Grant a role on a desk (admins).

        Example: defdip users grant ayse editor Caucasus
        """
        from defdip.service import accounts

        accounts.set_grant(_ctx(), name, role, desk)
        typer.echo(f"{name}: {role} on {desk}")

    @users.command("revoke")
    def revoke_cmd(name: str = typer.Argument(..., help="Login name."),
                   role: str = typer.Argument(..., help="The role to take back."),
                   desk: str = typer.Argument("*", help="Desk name, or '*'.")) -> None:
        """Take a role on a desk back (admins).

        Example: defdip users revoke ayse editor Caucasus
        """
        from defdip.service import accounts

        accounts.set_grant(_ctx(), name, role, desk, granted=False)
        typer.echo(f"{name}: no longer {role} on {desk}")

    @users.command("desk")
    def desk_cmd(name: str = typer.Argument(..., help="Desk name."),
                 countries: str = typer.Option(..., "--countries", help="ISO3 codes, "
                                               "comma-separated."),
                 description: str = typer.Option(None, "--description", help="What it is.")
                 ) -> None:
        """Create or change a desk: a named group of countries (admins).

        Example: defdip users desk Caucasus --countries AZE,GEO,ARM
        """
        from defdip.service import accounts

        accounts.set_desk(_ctx(), name, countries.split(","), description)
        typer.echo(f"desk {name}: {countries}")

    @users.command("token")
    def token_cmd(label: str = typer.Argument(..., help="What the token is for."),
                  user: str = typer.Option(None, "--user", help="For this user (admins), or "
                                           "with --password: log in as them."),
                  days: int = typer.Option(90, "--days", help="Valid for days (0: no end)."),
                  password: bool = PasswordOption) -> None:
        """Print a new API token (shown once): set it as $DEFDIP_TOKEN.

        Example: defdip users token laptop --user ayse --password
        """
        from defdip.service import accounts

        ctx = _ctx()
        if password:
            if not user:
                raise typer.BadParameter("--password needs --user NAME")
            who = accounts.authenticate(ctx, user, str(_password(True, confirm=False)))
            ctx = ctx.as_user(who)
            user = None
        typer.echo(accounts.issue_token(ctx, label, name=user, days=days or None))

    @users.command("revoke-tokens")
    def revoke_tokens_cmd(label: str = typer.Argument(None, help="Only tokens of this label."),
                          user: str = typer.Option(None, "--user", help="Another user's "
                                                   "(admins).")) -> None:
        """Revoke API tokens (yours, or another user's as admin).

        Example: defdip users revoke-tokens laptop
        """
        from defdip.service import accounts

        count = accounts.revoke_tokens(_ctx(), label, name=user)
        typer.echo(f"revoked {count} token(s)")

    @db.command("init")
    def init_cmd(admin_url: str = typer.Option(..., "--admin-url", envvar="DEFDIP_ADMIN_URL",
                                               help="postgresql:// URL of a superuser or the "
                                                    "database owner."),
                 app_password: bool = typer.Option(False, "--app-password", help="Ask for a "
                                                   "password for the defdip_app role.")
                 ) -> None:
        """Create the roles and schema and apply the migrations (idempotent).

        Example: defdip db init --admin-url postgresql://postgres@localhost/defdip
        """
        from defdip.store.postgres import init_database

        applied = init_database(admin_url, app_password=_password(app_password))
        typer.echo(f"migrations applied: {applied or 'none (up to date)'}")

    @db.command("status")
    def status_cmd(as_json: bool = JsonOption) -> None:
        """The migrations applied to the database of $DEFDIP_DATABASE_URL.

        Example: defdip db status --json
        """
        emit(_ctx().record_store().migrations(), as_json=as_json)
