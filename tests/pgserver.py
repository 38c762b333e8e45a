"""A real PostgreSQL server for the tests: started once per session, one fresh database each.

The server is Debian's PostgreSQL (``apt-get install postgresql``; scripts/test.sh installs
it): ``initdb`` and ``pg_ctl`` in a temporary folder, listening on 127.0.0.1 and a socket in
that folder, run as the ``postgres`` user when the tests run as root. Set
``DEFDIP_TEST_PG_ADMIN_URL`` to use a server that is already running instead (a superuser's
URL; each test gets its own database on it). Without a server the PostgreSQL tests are skipped
— except when ``DEFDIP_REQUIRE_POSTGRES=1`` (scripts/test.sh, CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

__all__ = ["PgDatabase", "PgServer", "drop_database", "fresh_database", "pg_db", "pg_server",
           "start_server"]


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PgServer:
    """A running server: where it listens and how to stop (or crash) it."""

    host: str
    port: int
    user: str = "postgres"
    data: Path | None = None  # None: a server this fixture did not start
    bindir: Path | None = None

    def url(self, database: str, user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@{self.host}:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        assert self.bindir is not None
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, str(self.bindir / args[0]), *args[1:]], check=check,
                              capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        assert self.data is not None
        socket_dir = self.data.parent
        log = socket_dir / "server.log"
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(log), "-w", "-o",
                         f"-p {self.port} -k {socket_dir} -c listen_addresses=127.0.0.1 "
                         "-c max_connections=200 -c shared_buffers=64MB", "start", check=False)
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{tail}")

    def run_foreground(self) -> subprocess.Popen:
        """Start the server as a child of this process (so that this process reaps it when
        it is killed) and wait until it accepts connections."""
        assert self.data is not None and self.bindir is not None
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        socket_dir = self.data.parent
        log = open(socket_dir / "foreground.log", "ab")  # noqa: SIM115 - the child's log
        child = subprocess.Popen([*prefix, str(self.bindir / "postgres"), "-D", str(self.data),
                                  "-p", str(self.port), "-k", str(socket_dir),
                                  "-c", "listen_addresses=127.0.0.1"], stdout=log, stderr=log)
        for _ in range(600):
            ready = subprocess.run([str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p",
                                    str(self.port)], capture_output=True, check=False)
            if ready.returncode == 0:
                return child
            if child.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError((socket_dir / "foreground.log").read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        if self.data is not None:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def postmaster_pid(self) -> int:
        assert self.data is not None
        return int((self.data / "postmaster.pid").read_text().split()[0])


def start_server(root: Path) -> PgServer:
    """initdb a cluster under ``root`` (trust authentication, loopback only) and start it."""
    bindir = _bindir()
    if bindir is None:
        raise FileNotFoundError("no pg_ctl: apt-get install postgresql")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PgServer("127.0.0.1", _free_port(), data=root / "data", bindir=bindir)
    server._run("initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C", "-N")
    server.start()
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server (see the module doc)."""
    given = os.environ.get("DEFDIP_TEST_PG_ADMIN_URL")
    if given:
        parts = urlsplit(given)
        yield PgServer(parts.hostname or "127.0.0.1", parts.port or 5432,
                       parts.username or "postgres")
        return
    if _bindir() is None:
        message = ("PostgreSQL is not installed (apt-get install postgresql), and "
                   "DEFDIP_TEST_PG_ADMIN_URL names no running server")
        if os.environ.get("DEFDIP_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="defdip-pg-"))
    server = start_server(root)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class PgDatabase:
    """A fresh database with defdip's schema: the admin URL and the application's URL."""

    server: PgServer
    name: str

    @property
    def admin_url(self) -> str:
        return self.server.url(self.name)

    @property
    def app_url(self) -> str:
        return self.server.url(self.name, "defdip_app")


def _create(server: PgServer, name: str) -> None:
    import psycopg

    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop(server: PgServer, name: str) -> None:
    import psycopg

    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database(server: PgServer) -> PgDatabase:
    """A new database on ``server`` with defdip's roles, schema and migrations."""
    from defdip.store.postgres import init_database

    database = PgDatabase(server, f"defdip_test_{uuid.uuid4().hex[:12]}")
    _create(server, database.name)
    init_database(database.admin_url)
    return database


def drop_database(database: PgDatabase) -> None:
    from defdip.store.postgres import PostgresStore

    PostgresStore.close_pools()
    _drop(database.server, database.name)


@pytest.fixture()
def pg_db(pg_server: PgServer) -> Iterator[PgDatabase]:
    """A fresh database for one test, initialised (roles, schema, migrations)."""
    database = fresh_database(pg_server)
    try:
        yield database
    finally:
        drop_database(database)
