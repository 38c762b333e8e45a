"""Shared fixtures: the mirror of real public data, the vocabulary, a loaded store.

Tests read the publishers' files from the mirror (``$DEFDIP_MIRROR``, else ``../shared/data``
beside the checkout) and never touch the network.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from defdip.countries import Vocabulary, load_vocabulary
from defdip.store import Store
from pgserver import pg_db, pg_server  # noqa: F401  (a real PostgreSQL server, tests/pgserver.py)

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-spark", action="store_true", default=False,
                     help="also run the tests marked spark (PySpark local mode, ~2 min); "
                          "scripts/test.sh passes it, so CI runs them")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Spark tests are opt-in: a plain ``pytest`` skips them and says how to run them."""
    if config.getoption("--run-spark"):
        return
    skip = pytest.mark.skip(reason="PySpark test: run with --run-spark (scripts/test.sh does)")
    for item in items:
        if "spark" in item.keywords:
            item.add_marker(skip)


def _mirror() -> Path:
    value = os.environ.get("DEFDIP_MIRROR")
    path = Path(value) if value else ROOT.parent / "shared" / "data"
    if not path.is_dir():
        raise RuntimeError(f"The test mirror {path} is missing: set DEFDIP_MIRROR to the folder "
                           "holding the public source files (../shared/data on project machines).")
    return path.resolve()


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep every test's store and cache out of the user's real data directory."""
    home = tmp_path_factory.mktemp("defdip-home")
    os.environ["DEFDIP_HOME"] = str(home)
    for name in ("DEFDIP_DATABASE_URL", "DEFDIP_TOKEN"):  # the embedded mode unless a test
        os.environ.pop(name, None)                         # asks for PostgreSQL
    os.environ["DEFDIP_MIRROR"] = str(_mirror())


@pytest.fixture(scope="session")
def mirror() -> Path:
    return _mirror()


@pytest.fixture(scope="session")
def vocab(mirror: Path) -> Vocabulary:
    return load_vocabulary(mirror)


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path, vocab: Vocabulary
                 ) -> Store:
    """Every registered source loaded from the mirror into one fresh store (read it only)."""
    from defdip import sources
    from defdip.store.session import writing

    path = tmp_path_factory.mktemp("store") / "defdip.duckdb"
    with writing(path) as staged:  # as `defdip load` does: staged beside, swapped in
        for name in sources.all_sources():
            staged.load_source(name, mirror=mirror, vocab=vocab)
    store = Store(path, read_only=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def source_files(mirror: Path):
    """``source_files(module)``: the module's raw files in the mirror, by key, through the
    source contract's own ``fetch`` (which also checks that each file is there)."""
    def files(module: object) -> dict[str, Path]:
        return {key: got.path for key, got in module.fetch(mirror=mirror).items()}

    return files


@pytest.fixture(scope="session")
def parse_source(source_files, vocab: Vocabulary):
    """``parse_source(name or module)``: the source's tables parsed from the mirror."""
    from defdip import sources

    def parse(source: object) -> dict:
        module = sources.get(source) if isinstance(source, str) else source
        return module.parse(source_files(module), vocab)

    return parse


@pytest.fixture()
def source_copy(tmp_path: Path, source_files):
    """``source_copy(module)``: copies of the module's raw files in a temp folder, by key,
    for tests that corrupt a file."""
    import shutil

    def copy(module: object) -> dict[str, Path]:
        out = {}
        for key, path in source_files(module).items():
            out[key] = tmp_path / path.name
            shutil.copyfile(path, out[key])
        return out

    return copy


@pytest.fixture(scope="session")
def built_store(loaded_store: Store, vocab: Vocabulary) -> Store:
    """The loaded store plus the engagement record and the measures (read it only)."""
    from defdip.engagements import build_record
    from defdip.measures import build_measures
    from defdip.store.session import writing

    if not loaded_store.has("network_standing"):
        loaded_store.close()  # reopens read-only on next use, on the swapped-in file
        with writing(loaded_store.path) as staged:
            build_record(staged, vocab)
            build_measures(staged)
    return loaded_store


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    """A fresh, empty store for tests that write."""
    handle = Store(tmp_path / "defdip.duckdb")
    yield handle
    handle.close()


@pytest.fixture(scope="session")
def defdip_cli():
    """``defdip_cli(*args, home=None, env=None)``: run the ``defdip`` command in a subprocess
    (the installed entry point, importing this checkout through $PYTHONPATH), as a user
    would; ``home`` sets $DEFDIP_HOME."""
    import subprocess
    import sys

    command = str(Path(sys.executable).with_name("defdip"))

    def run(*args: str, home: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, **(env or {})}
        if home is not None:
            environment["DEFDIP_HOME"] = str(home)
        return subprocess.run([command, *args], capture_output=True, text=True,
                              timeout=timeout, env=environment)

    return run


@pytest.fixture()
def empty_store(tmp_path: Path) -> Path:
    """The path of a store with defdip's schema and no data (closed, for subprocesses)."""
    path = tmp_path / "home" / "defdip.duckdb"
    with Store(path) as handle:
        handle.tables()
    return path


@pytest.fixture()
def spark_session(tmp_path: Path):
    """A PySpark local session set up as it works on these machines (loopback, a temporary
    warehouse, no UI, two shuffle partitions, UTC); stopped after the test."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (SparkSession.builder.master("local[1]").appName("defdip-test")
               .config("spark.sql.warehouse.dir", str(tmp_path / "warehouse"))
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .getOrCreate())
    yield session
    session.stop()
