"""Modules imported on first use, so that a command which never parses a file (``defdip
cite``, ``countries resolve``) does not pay for pandas or httpx at start-up.

``pd = lazy_import("pandas")`` at the top of a module behaves like ``import pandas as pd``
except that pandas is imported the first time an attribute is read (annotations are strings
under ``from __future__ import annotations`` and read nothing).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["lazy_import"]


class _LazyModule(ModuleType):
    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self.__name__)
        return getattr(module, attribute)


def lazy_import(name: str) -> Any:
    """A stand-in for module ``name`` that imports it when first used."""
    return _LazyModule(name)
