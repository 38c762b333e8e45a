"""`defdip record show|history|approve|delete|restore|drafts` — one entered record's life in
the multi-user record (PostgreSQL, $DEFDIP_DATABASE_URL), as the user of $DEFDIP_TOKEN.

`--version` is the version the change is based on (what `record show` printed); a stale one
fails with the current version, so no one's write is lost.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from defdip.cli._common import JsonOption, StoreOption, cli_context, emit

__all__ = ["register"]

VersionOption = typer.Option(..., "--version", help="The version you read (record show).")


def _record_group(app: typer.Typer) -> typer.Typer:
    """The `record` group that cmd_record made (it registers first)."""
    for info in app.registered_groups:
        if info.name == "record" and info.typer_instance is not None:
            return info.typer_instance
    raise RuntimeError("cmd_record must register the `record` group before cmd_entries")


def register(app: typer.Typer) -> None:
    record = _record_group(app)
    _desk_command(record)

    @record.command("show")
    def show_cmd(record_id: str = typer.Argument(..., help="The record's id."),
                 at: datetime = typer.Option(None, "--at", help="What the record said at this "
                                             "time (e.g. 2026-01-31T12:00)."),
                 store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """An entered record as it is now (or was at --at), with its version and state.

        Example: defdip record show 3f9c0a1b2c3d4e5f --json
        """
        from defdip.service import entries

        ctx = cli_context(store)
        result = (entries.record_as_of(ctx, record_id, _aware(at)) if at is not None
                  else entries.get_record(ctx, record_id))
        emit(result.document, as_json=as_json)

    @record.command("history")
    def history_cmd(record_id: str = typer.Argument(..., help="The record's id."),
                    store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Every version of a record: when each was valid, who wrote it, what changed.

        Example: defdip record history 3f9c0a1b2c3d4e5f
        """
        import pandas as pd

        from defdip.service import entries

        versions = entries.record_history(cli_context(store), record_id).document
        if as_json:
            emit(versions, as_json=True)
            return
        emit(pd.DataFrame([{k: v[k] for k in ("version", "valid_from", "valid_to", "status",
                                               "deleted", "written_by")}
                           | {"changed": ", ".join(v["changed"])} for v in versions]),
             as_json=False, title=f"history of {record_id}")

    def _transition(action: str, record_id: str, version: int, store: Path | None,
                    as_json: bool) -> None:
        from defdip.service import entries

        result = getattr(entries, f"{action}_record")(cli_context(store), record_id, version)
        document = result.document
        emit(document if as_json else {k: document[k] for k in ("id", "version", "status",
                                                               "deleted")}, as_json=as_json)

    @record.command("approve")
    def approve_cmd(record_id: str = typer.Argument(..., help="The record's id."),
                    version: int = VersionOption, store: Path = StoreOption,
                    as_json: bool = JsonOption) -> None:
        """Approve a draft (approver on a desk covering it): it counts from now on.

        Example: defdip record approve 3f9c0a1b2c3d4e5f --version 1
        """
        _transition("approve", record_id, version, store, as_json)

    @record.command("delete")
    def delete_cmd(record_id: str = typer.Argument(..., help="The record's id."),
                   version: int = VersionOption, store: Path = StoreOption,
                   as_json: bool = JsonOption) -> None:
        """Delete an entered record (soft: its versions stay; `record restore` undoes it).

        Example: defdip record delete 3f9c0a1b2c3d4e5f --version 4
        """
        _transition("delete", record_id, version, store, as_json)

    @record.command("restore")
    def restore_cmd(record_id: str = typer.Argument(..., help="The record's id."),
                    version: int = VersionOption, store: Path = StoreOption,
                    as_json: bool = JsonOption) -> None:
        """Restore a deleted record.

        Example: defdip record restore 3f9c0a1b2c3d4e5f --version 5
        """
        _transition("restore", record_id, version, store, as_json)

    @record.command("drafts")
    def drafts_cmd(deleted: bool = typer.Option(False, "--deleted", help="List deleted "
                                                "records instead (to restore)."),
                   store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Entered records awaiting approval (or deleted ones) that you may see.

        Example: defdip record drafts --json
        """
        from defdip.service import entries

        ctx = cli_context(store)
        result = (entries.workflow(ctx, status=None, include_deleted=True) if deleted
                  else entries.workflow(ctx))
        table = result.table
        if deleted and len(table):
            table = table[table["deleted"]]
        emit(table, as_json=as_json, title="deleted records" if deleted else "drafts")


def _aware(moment: datetime) -> datetime:
    """A time without a zone is the local time of this machine."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def _desk_command(record: typer.Typer) -> None:
    @record.command("desk-completeness")
    def desk_cmd(desk: str = typer.Argument("*", help="Desk name ('*': every country)."),
                 late: int = typer.Option(90, "--late-days", help="An entry made this many "
                                          "days after the event began counts as late."),
                 store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """A desk's record: per kind, missing fields and citations; late entries; drafts.

        Example: defdip record desk-completeness Caucasus --late-days 30 --json
        """
        import pandas as pd

        from defdip.service import oversight

        report = oversight.desk_completeness(cli_context(store), desk, late_days=late).document
        if as_json:
            emit(report, as_json=True)
            return
        emit(pd.DataFrame(report["by_kind"]), as_json=False, title=f"desk {desk}: per kind")
        emit(pd.DataFrame(report["entered_late"]), as_json=False,
             title=f"entered more than {late} days after the event")
        typer.echo(f"drafts awaiting approval: {report['drafts_awaiting_approval']}")
