"""The one error type of ingest, so a batch run can report a bad input and go on.

Readers yield an ``IngestError`` in place of an article instead of raising it:
one broken file (or one broken JSON line) must not stop a corpus from loading,
and the message must point at the exact place to fix.

``SkippedInput`` is the one kind of IngestError that is not a failure: an entry
met while walking a directory that holds no readable file (an unreadable
subdirectory, a dangling symbolic link, a link loop). Callers count these and
list them on request; a caller that knows only IngestError still reports them.
"""

from __future__ import annotations

import os


def shown(path: str | os.PathLike[str]) -> str:
    """A path as text that can always be printed and encoded: undecodable bytes of a file name as ``\\xff``."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    # names that are not valid UTF-8 reach Python as lone surrogates (surrogateescape), which no encoder takes
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") if _has_surrogate(
        text) else text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


class IngestError(Exception):
    """An input that could not be turned into an article, and why."""

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        self.source = shown(source)
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        # compiler-style "file:line: reason", which editors and terminals make clickable
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(source={self.source!r}, line={self.line!r}, reason={self.reason!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IngestError):
            return NotImplemented
        return (type(self), self.source, self.line, self.reason) == (type(other), other.source, other.line,
                                                                      other.reason)

    def __hash__(self) -> int:
        return hash((self.source, self.line, self.reason))


class SkippedInput(IngestError):
    """An entry inside a directory argument that was passed over (not a failure): why, and where."""


__all__ = ["IngestError", "SkippedInput", "shown"]
