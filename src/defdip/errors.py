"""One error hierarchy. Each subclass also inherits the built-in that fits, so callers
can catch either ``DefdipError`` or the usual ``LookupError``/``ValueError``/``OSError``.

Messages say what went wrong, where (file, row, column, argument) and what to do next.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousCountry",
    "DefdipError",
    "InvalidArgument",
    "InvalidRecord",
    "MirrorFileMissing",
    "NotLoaded",
    "SourceFormatError",
    "UnknownCountry",
    "UnknownSource",
]


class DefdipError(Exception):
    """Root of every error defdip raises on purpose."""


class UnknownCountry(DefdipError, LookupError):
    """A country name or code that the vocabulary cannot resolve."""

    def __init__(self, value: object, candidates: list[str] | None = None,
                 context: str = "") -> None:
        self.value = value
        self.candidates = candidates or []
        where = f" in {context}" if context else ""
        hint = (f" Closest matches: {', '.join(self.candidates)}."
                if self.candidates else "")
        super().__init__(
            f"Unknown country {value!r}{where}.{hint} Use an ISO3 code (e.g. 'TUR'), a COW code "
            f"(e.g. 640) or a name; `defdip countries resolve NAME` shows what resolves."
        )


class UnknownSource(DefdipError, KeyError):
    """A source name that is not registered."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        import difflib

        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(
            f"Unknown source {name!r}.{hint} `defdip sources` lists the {len(known)} known sources."
        )

    def __str__(self) -> str:  # KeyError quotes its argument; keep the sentence readable
        return str(self.args[0])


class MirrorFileMissing(DefdipError, FileNotFoundError):
    """A source file that is neither in the mirror nor downloadable."""


class SourceFormatError(DefdipError, ValueError):
    """A raw file that does not have the shape its parser expects."""

    def __init__(self, path: object, problem: str, *, row: int | None = None,
                 column: str | None = None, fix: str = "") -> None:
        self.path, self.row, self.column = path, row, column
        where = str(path)
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        advice = fix or ("Re-download the file (`defdip load NAME` without --mirror) or check "
                         "that the mirror holds the publisher's unmodified file.")
        super().__init__(f"{where}: {problem}. {advice}")


class InvalidRecord(DefdipError, ValueError):
    """Engagement records that fail validation; ``problems`` lists every bad field."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        self.problems = problems
        head = f"{source}: " if source else ""
        shown = "\n  ".join(problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"{head}{len(problems)} problem(s); nothing was written.\n  {shown}{more}"
        )


class InvalidArgument(DefdipError, ValueError):
    """An argument a user passed that cannot be used as given."""


class NoStore(DefdipError, FileNotFoundError):
    """A command that reads the store found none at the path."""

    def __init__(self, path: object) -> None:
        self.path = path
        super().__init__(f"There is no defdip store at {str(path)!r}. Load one first with "
                         "`defdip load --mirror DIR` (it is created there), or point --store / "
                         "$DEFDIP_HOME at an existing store.")


class NotLoaded(DefdipError, LookupError):
    """A table that the store does not hold yet."""

    def __init__(self, table: str, source: str | None = None) -> None:
        self.table = table
        load = f"`defdip load {source}`" if source else "`defdip load`"
        super().__init__(f"Table {table!r} is not in the store. Run {load} first.")


class AmbiguousCountry(DefdipError, LookupError):
    """A name that fits more than one state (Korea, Congo): the caller must choose."""

    def __init__(self, value: object, candidates: list[str]) -> None:
        self.value = value
        self.candidates = candidates
        super().__init__(
            f"Country {value!r} is ambiguous: it could be {', '.join(candidates)}. Pass the "
            f"ISO3 code of the one you mean (e.g. {candidates[0].rsplit('(', 1)[-1][:3]!r}).")
