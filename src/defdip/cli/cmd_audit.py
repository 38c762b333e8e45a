"""`defdip audit` — the audit log of the multi-user record (admins on desk '*')."""

from __future__ import annotations

from datetime import datetime

import typer

from defdip.cli._common import JsonOption, cli_context, emit

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("audit")
    def audit_cmd(record: str = typer.Option(None, "--record", help="Only this record's id."),
                  user: str = typer.Option(None, "--user", help="Only this user's actions."),
                  action: str = typer.Option(None, "--action", help="create, update, delete, "
                                             "restore, approve, read, export, login, …"),
                  since: datetime = typer.Option(None, "--since", help="From this time."),
                  limit: int = typer.Option(50, "--limit", help="Newest rows to show."),
                  as_json: bool = JsonOption) -> None:
        """Who did what and when: every write (logged by the database) and every read and
        export (logged by defdip), newest first, with the record before and after.

        Example: defdip audit --record 3f9c0a1b2c3d4e5f --json
        """
        from defdip.service import oversight

        moment = since.astimezone() if since is not None and since.tzinfo is None else since
        frame = oversight.audit_log(cli_context(None), record_id=record, user=user,
                                    action=action, since=moment, limit=limit).table
        if as_json:
            emit(frame, as_json=True)
            return
        emit(frame[["seq", "at", "user_name", "action", "target", "record_id", "version"]],
             as_json=False, title="audit log (newest first)")
