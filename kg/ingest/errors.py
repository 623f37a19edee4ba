"""The one error type of ingest, so a batch run can report a bad input and go on.

Readers yield an ``IngestError`` in place of an article instead of raising it:
one broken file (or one broken JSON line) must not stop a corpus from loading,
and the message must point at the exact place to fix.
"""

from __future__ import annotations


class IngestError(Exception):
    """An input that could not be turned into an article, and why."""

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        self.source = str(source)
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        # compiler-style "file:line: reason", which editors and terminals make clickable
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"

    def __repr__(self) -> str:
        return f"IngestError(source={self.source!r}, line={self.line!r}, reason={self.reason!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IngestError):
            return NotImplemented
        return (self.source, self.line, self.reason) == (other.source, other.line, other.reason)

    def __hash__(self) -> int:
        return hash((self.source, self.line, self.reason))
