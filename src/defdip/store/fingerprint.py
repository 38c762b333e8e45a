"""What decides that a source must be reloaded: a digest of the code that parses it."""

from __future__ import annotations

import hashlib
import sys
from types import ModuleType
from typing import Any

__all__ = ["PARSER_VERSION", "parser_fingerprint"]

PARSER_VERSION = "1"


def parser_fingerprint(module: Any) -> str:
    """A digest of the code that turns raw files into tables: the source module, every defdip
    module it draws on (shared helpers such as ``_base``, ``_checks`` and ``_peacesciencer``,
    another source it reuses, the country vocabulary), and the alias files. A change to any
    of them means a reload."""
    import inspect

    from defdip.countries import alias_files

    digest = hashlib.sha256(PARSER_VERSION.encode())
    for part in _defdip_dependencies(module):
        digest.update(part.__name__.encode())
        digest.update(inspect.getsource(part).encode())
    for item in alias_files():
        digest.update(item.read_bytes())
    return digest.hexdigest()


def _defdip_dependencies(module: ModuleType) -> list[ModuleType]:
    """``module`` and the ``defdip.*`` modules it reaches through its globals (modules,
    functions, classes and instances it imported), transitively, sorted by name."""
    seen: dict[str, ModuleType] = {}
    todo = [module]
    while todo:
        current = todo.pop()
        if current.__name__ in seen:
            continue
        seen[current.__name__] = current
        for value in vars(current).values():
            name = value.__name__ if isinstance(value, ModuleType) else \
                getattr(value, "__module__", None)
            if isinstance(name, str) and name.startswith("defdip.") and name not in seen \
                    and name in sys.modules:
                todo.append(sys.modules[name])
    return [seen[name] for name in sorted(seen)]
