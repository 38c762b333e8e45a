"""One error hierarchy. Each subclass also inherits the built-in that fits, so callers
can catch either ``DefdipError`` or the usual ``LookupError``/``ValueError``/``OSError``.

Messages say what went wrong, where (file, row, column, argument) and what to do next.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousCountry",
    "DefdipError",
    "IncompleteSource",
    "InvalidArgument",
    "InvalidRecord",
    "MirrorFileMissing",
    "NoStore",
    "NotLoaded",
    "OutputRefused",
    "SourceFormatError",
    "StoreUnavailable",
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


class AmbiguousCountry(UnknownCountry):
    """A name that several states answer to ('Congo', 'Korea'): the user must choose."""

    def __init__(self, value: object, candidates: list[str], context: str = "") -> None:
        self.value, self.candidates = value, candidates
        where = f" in {context}" if context else ""
        example = candidates[0].rsplit("(", 1)[-1].rstrip(")") if candidates else "TUR"
        DefdipError.__init__(
            self, f"{value!r}{where} names more than one state: {', '.join(candidates)}. "
            f"Use the ISO3 code of the one you mean (e.g. {example!r}).")


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


class IncompleteSource(SourceFormatError):
    """A raw file that parses but is not whole: too few rows, repeated keys, a cut last line.

    Loading it would replace good data with less, so the load is refused and the store keeps
    what it had."""


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
        super().__init__(f"No store at {str(path)!r}. Run `defdip load` to create and fill "
                         "it (e.g. `defdip load --mirror DIR`), or point --store / $DEFDIP_HOME "
                         "at an existing store.")


class OutputRefused(InvalidArgument):
    """An output path defdip will not write: the store, a device, a folder, or a file it did
    not write itself (without ``--force``)."""


class StoreUnavailable(DefdipError, OSError):
    """A store that cannot be opened or created where it was asked for."""


class NotLoaded(DefdipError, LookupError):
    """A table that the store does not hold yet."""

    def __init__(self, table: str, source: str | None = None) -> None:
        self.table = table
        load = f"`defdip load {source}`" if source else "`defdip load`"
        super().__init__(f"Table {table!r} is not in the store. Run {load} first.")


# ---- the multi-user record (defdip.store.postgres, defdip.service.accounts/records) --------

class Unauthenticated(DefdipError, PermissionError):
    """No valid login: a wrong password, an unknown, expired or revoked token or session."""


class Forbidden(DefdipError, PermissionError):
    """A known user asked for what their role, desk, nation or clearance does not allow."""


class RecordNotFound(DefdipError, LookupError):
    """No record with that id that the asking user may see."""

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        super().__init__(f"No record {record_id!r} that you may see. Check the id (`defdip "
                         "record list --json` shows ids) or ask its owner nation to release it.")


class RecordExists(DefdipError, ValueError):
    """A new record whose kind and natural key match a stored one."""

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        super().__init__(f"Record {record_id!r} (same kind and natural key) is already stored. "
                         "Update it with its current version (If-Match) instead of creating it.")


class StaleVersion(DefdipError):
    """A write based on a version that is no longer current (HTTP 412): ``current`` holds the
    record as it is now, so nothing is lost — merge and write again."""

    def __init__(self, record_id: str, expected: int | None, current: dict) -> None:
        self.record_id, self.expected, self.current = record_id, expected, current
        super().__init__(f"Record {record_id!r} is at version {current.get('version')!r}, not "
                         f"{expected!r}: someone wrote it since you read it. Read it again, "
                         "merge your change and write with the new version.")


__all__ += ["Forbidden", "RecordExists", "RecordNotFound", "StaleVersion", "Unauthenticated"]
