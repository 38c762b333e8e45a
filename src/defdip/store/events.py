"""The event dataset: one Parquet table of events, partitioned by month, beside the store.

Where it lives is the store's business: ``<store folder>/events/`` (so ``$DEFDIP_HOME/events``
for the default store), laid out as ``month=YYYY-MM/part-*.parquet`` that DuckDB, Spark or
any Parquet reader can scan. ``_loads.json`` lists the files loaded (their sha256, rows, bad
rows, duplicates); ``_rejects/`` holds every bad row of every file, with its line.

Loading appends, idempotently: a file whose sha256 was loaded before is skipped, and rows
whose key (day, source, target, code, story: :data:`defdip.events.KEY`) is already stored, or
repeats within the batch, are dropped and counted as duplicates. New rows are written as new
part files, and the list of loads is replaced last, so an interrupted load leaves the dataset
readable and the next load finishes it without doubling a row. Rows are written sorted by
dyad and day, which makes the month files smaller and their scans faster.
"""

from __future__ import annotations

import csv
import fcntl
import json
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import duckdb
import pyarrow.parquet as pq

from defdip.errors import InvalidArgument, NotLoaded
from defdip.events import COLUMNS, KEY, BadRow, CameoBook, ReadContext, read_events
from defdip.fetch import sha256_of
from defdip.paths import default_home, replacing

__all__ = ["EventStore", "FileLoad", "NoEventData", "cameo_books"]

LOADS = "_loads.json"


class NoEventData(NotLoaded):
    """The event dataset holds no events yet."""

    def __init__(self, root: Path) -> None:
        super().__init__("events")
        self.args = (f"No event data in {root}: load event files first with `defdip events "
                     "load FILE…` (ICEWS .tab, GDELT .export.CSV.zip, POLECAT .txt).",)


@dataclass
class FileLoad:
    """What loading one file did."""

    path: Path
    status: str  # "loaded" or "unchanged"
    format: str = ""
    rows: int = 0
    events: int = 0
    bad: list[BadRow] = field(default_factory=list)
    duplicates: int = 0
    stored: int = 0
    notes: dict[str, int] = field(default_factory=dict)
    rejects: Path | None = None

    def summary(self) -> dict[str, Any]:
        return {"file": self.path.name, "status": self.status, "format": self.format,
                "rows": self.rows, "bad": len(self.bad), "duplicates": self.duplicates,
                "stored": self.stored, "notes": self.notes,
                "rejects": str(self.rejects) if self.rejects else None}


def cameo_books(store: Any) -> dict[str, CameoBook]:
    """The ICEWS and GDELT CAMEO codebooks from the store's ``cameo_codes`` table."""
    rows = store.table("cameo_codes", ["flavour", "code", "name", "goldstein"])
    records = rows.to_dict("records")
    return {flavour: CameoBook.from_rows(records, flavour) for flavour in ("icews", "gdelt")}


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class EventStore:
    """The event dataset under ``root``: a folder, or for Spark a URI any cluster node can
    read (``hdfs://…``, ``s3a://…``; only reading goes through a URI)."""

    def __init__(self, root: Path | str) -> None:
        text = str(root)
        self.uri = text if "://" in text else None
        self.root = Path(text.split("://", 1)[1]) if self.uri else Path(root)

    @classmethod
    def beside(cls, store: Any = None) -> EventStore:
        """The dataset of a :class:`~defdip.store.Store`: ``events/`` in the store's folder
        (``$DEFDIP_HOME/events`` for the default store and for ``:memory:``)."""
        path = getattr(store, "path", None)
        folder = path.parent if isinstance(path, Path) else default_home()
        return cls(folder / "events")

    @classmethod
    def for_backend(cls, backend: Any) -> EventStore:
        """The dataset beside the DuckDB file an Ibis backend reads (a panel's tables); for
        an in-memory database or another engine, ``$DEFDIP_HOME/events``."""
        if getattr(backend, "name", "") == "duckdb":
            row = backend.con.execute("SELECT path FROM duckdb_databases() "
                                      "WHERE database_name = current_database()").fetchone()
            if row and row[0]:
                return cls(Path(row[0]).parent / "events")
        return cls(default_home() / "events")

    # ---- reading ---------------------------------------------------------------------------
    def parts(self) -> list[Path]:
        return sorted(self.root.glob("month=*/*.parquet"))

    def exists(self) -> bool:
        return self.uri is not None or bool(self.parts())

    def glob(self) -> str:
        if self.uri is not None:
            return self.uri.rstrip("/") + "/month=*/*.parquet"
        return str(self.root / "month=*" / "*.parquet")

    def months(self) -> list[str]:
        """The months ('YYYY-MM') the dataset holds events for: its coverage."""
        return sorted(p.name.split("=", 1)[1] for p in self.root.glob("month=*")
                      if any(p.glob("*.parquet")))

    def loads(self) -> list[dict[str, Any]]:
        """Every file loaded so far, oldest first (from ``_loads.json``)."""
        try:
            return list(json.loads((self.root / LOADS).read_text()))
        except FileNotFoundError:
            return []

    def table(self, backend: Any) -> Any:
        """The events as an Ibis table on ``backend`` (DuckDB or PySpark); columns
        :data:`defdip.events.COLUMNS`. :class:`NoEventData` if nothing is loaded.

        On DuckDB the scan is written into the query (``read_parquet``), so a compiled
        query keeps reading whatever the dataset holds when it runs.
        """
        if not self.exists():
            raise NoEventData(self.root)
        if backend.name == "duckdb":
            columns = ", ".join(f'"{c}"' for c in COLUMNS)
            return backend.sql(f"SELECT {columns} FROM read_parquet({_sql_text(self.glob())}, "
                               "hive_partitioning = false)")
        return backend.read_parquet(self.uri or str(self.root)).select(*COLUMNS)

    def file_count(self, backend: Any) -> Any:
        """The number of files the dataset's scan reads now, as a one-row Ibis table
        (``files``) on a DuckDB ``backend``: what the panels' SQL cache asks again, so a job
        compiled before files were added or removed is built anew."""
        return backend.sql(f"SELECT count(*) AS files FROM glob({_sql_text(self.glob())})")

    # ---- writing ---------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def load(self, paths: Sequence[Path | str], context: ReadContext, *,
             format: str | None = None, force: bool = False,
             on_file: Callable[[FileLoad], None] | None = None) -> list[FileLoad]:
        """Read ``paths`` and append their new events; one :class:`FileLoad` per path.

        A file loaded before (same sha256) is ``unchanged`` unless ``force``; with ``force``
        its rows are read again and, being stored already, counted as duplicates.
        """
        names = [Path(p).name for p in paths]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise InvalidArgument(f"{twice} named twice in one load: rows are traced to their "
                                  "file by name, so load files with the same name separately.")
        with self._locked():
            done = {entry["sha256"] for entry in self.loads()}
            batch = self.root / "_staging" / uuid4().hex[:12]
            results: list[FileLoad] = []
            shas: dict[str, str] = {}
            try:
                for path in map(Path, paths):
                    sha = sha256_of(path) if path.is_file() else ""
                    if sha and sha in done and not force:
                        results.append(FileLoad(path, "unchanged"))
                    else:
                        results.append(self._stage(path, context, format, batch, len(results)))
                        shas[path.name] = sha
                    if on_file is not None:
                        on_file(results[-1])
                loaded = [r for r in results if r.status == "loaded"]
                if loaded:
                    self._commit(batch, loaded)
                    self._record(loaded, shas)
            finally:
                shutil.rmtree(batch, ignore_errors=True)
        return results

    def _stage(self, path: Path, context: ReadContext, format: str | None, batch: Path,
               number: int) -> FileLoad:
        report, chunks = read_events(path, context, format=format)
        batch.mkdir(parents=True, exist_ok=True)
        for i, chunk in enumerate(chunks):
            if chunk.num_rows:
                pq.write_table(chunk, batch / f"{number:06d}-{i:06d}.parquet",
                               compression="zstd")
        return FileLoad(path, "loaded", report.format, report.rows, report.events, report.bad,
                        notes=report.notes)

    def _commit(self, batch: Path, loaded: list[FileLoad]) -> None:
        """Drop duplicates (within the batch and against the stored months), write the rest
        as new part files, and count per file what was stored."""
        con = duckdb.connect(config={"temp_directory": str(batch / "spill")})
        try:
            self._dedupe(con, batch)
            kept = dict(con.execute("SELECT file, count(*) FROM kept GROUP BY 1").fetchall())
            for item in loaded:
                item.stored = int(kept.get(item.path.name, 0))
                item.duplicates = item.events - item.stored
            if sum(kept.values()):
                out = batch / "out"
                con.execute(f"""COPY (SELECT *, strftime(event_date, '%Y-%m') AS month FROM kept
                    ORDER BY source_ccode, target_ccode, event_date, file, line)
                    TO {_sql_text(str(out))}
                    (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month),
                     FILENAME_PATTERN 'part-{batch.name}-{{i}}')""")
                for part in sorted(out.glob("month=*/*.parquet")):
                    target = self.root / part.parent.name / part.name
                    target.parent.mkdir(exist_ok=True)
                    part.replace(target)
        finally:
            con.close()

    def _dedupe(self, con: duckdb.DuckDBPyConnection, batch: Path) -> None:
        key = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '')" for c in KEY)
        staged = _sql_text(str(batch / "*.parquet"))
        con.execute(f"""CREATE TEMP TABLE fresh AS SELECT DISTINCT ON ({key}) *
            FROM read_parquet({staged}) ORDER BY {key}, file, line""")
        months = [r[0] for r in con.execute(
            "SELECT DISTINCT strftime(event_date, '%Y-%m') FROM fresh").fetchall()]
        stored = [str(p) for m in months for p in sorted((self.root / f"month={m}").glob(
            "*.parquet"))]
        if not stored:
            con.execute("CREATE TEMP VIEW kept AS SELECT * FROM fresh")
            return
        listing = ", ".join(_sql_text(p) for p in stored)
        match = " AND ".join(f"coalesce(CAST(f.{c} AS VARCHAR), '') = "
                             f"coalesce(CAST(e.{c} AS VARCHAR), '')" for c in KEY)
        con.execute(f"""CREATE TEMP TABLE kept AS SELECT f.* FROM fresh f ANTI JOIN
            (SELECT {', '.join(KEY)} FROM read_parquet([{listing}])) e ON {match}""")

    def _record(self, loaded: list[FileLoad], shas: dict[str, str]) -> None:
        """Write each file's rejects and append the loads to ``_loads.json`` (last step)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        entries = self.loads()
        for item in loaded:
            sha = shas[item.path.name]
            if item.bad:
                item.rejects = self.root / "_rejects" / f"{item.path.name}.{sha[:12]}.csv"
                with replacing(item.rejects) as partial, partial.open("w", newline="") as out:
                    writer = csv.writer(out)
                    writer.writerow(["file", "line", "column", "problem", "text"])
                    writer.writerows([b.file, b.line, b.column or "", b.problem, b.text]
                                     for b in item.bad)
            entries = [e for e in entries if e["sha256"] != sha]
            entries.append({"file": item.path.name, "path": str(item.path.resolve()),
                            "sha256": sha, "format": item.format, "rows": item.rows,
                            "events": item.events, "bad": len(item.bad),
                            "duplicates": item.duplicates, "stored": item.stored,
                            "notes": item.notes, "loaded_at": now,
                            "rejects": str(item.rejects) if item.rejects else None})
        with replacing(self.root / LOADS) as partial:
            partial.write_text(json.dumps(entries, indent=1))
