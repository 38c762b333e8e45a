"""Import, once and in one thread, every module the service imports on first use.

The service imports its heavy parts inside functions (``from defdip.engagements.query import
…``), so a CLI command pays only for what it asks. A server answers from a pool of threads,
and two threads importing the same package for the first time at once can each wait on a
module the other is initialising: Python then hands one of them the half-initialised module,
and the request fails with ``ImportError: cannot import name … from partially initialized
module`` (``bench/record_load.py`` met it on its first requests: 15 answers of 500). A server
calls :func:`preload` before it serves, so no first import happens in a request.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["PACKAGES", "preload"]

#: The packages the service imports lazily; each imports its submodules, or is walked below.
PACKAGES = ("defdip.service", "defdip.engagements", "defdip.measures", "defdip.analysis",
            "defdip.reports", "defdip.panels", "defdip.queries", "defdip.store")


def preload() -> list[str]:
    """Import :data:`PACKAGES` and every module in them; return the names imported. A
    module whose optional third-party dependency is not installed (psycopg without the
    ``postgres`` extra, pyspark without ``spark``) is skipped: it fails the same way, with
    its own message, when asked for."""
    done = []
    for name in PACKAGES:
        package = importlib.import_module(name)
        done.append(name)
        for info in pkgutil.iter_modules(package.__path__, prefix=f"{name}."):
            try:
                importlib.import_module(info.name)
            except ModuleNotFoundError as exc:
                if (exc.name or "").split(".")[0] == "defdip":
                    raise
                continue
            done.append(info.name)
    return done
