"""Atomic file writes: a temp file beside the target, renamed over it only once it is complete.

A reader (a browser reloading the page, Gephi opening the export, a script
tailing the dump) then sees the old file or the new one, never half of one,
and an interrupted write leaves no stray temp file behind.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

STDOUT = "-"


def where(path: str | os.PathLike[str]) -> str:
    """How a message names an output: ``-`` is standard output."""
    return "standard output" if str(path) == STDOUT else str(path)


def _umask() -> int:
    """The process umask, read without changing it where Linux lets us (os.umask can only set it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the device (or the user's quota) is full; RocksDB says it in words, with no errno."""
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return True
    return isinstance(exc, OSError) and any(w in str(exc) for w in ("No space left on device", "Disk quota exceeded"))


class DiskFullError(OSError):
    """A write that failed for lack of space, naming what was being written; the old file is left as it was."""

    def __init__(self, target: str, exc: BaseException) -> None:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        kept = "" if target == "standard output" else "; the file is left as it was"
        super().__init__(errno.ENOSPC, f"disk full: cannot write {target} ({why}){kept}")
        self.target = target

    def __str__(self) -> str:
        return str(self.strerror)


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> Path:
    """Create ``path``'s directory, call ``write`` on a binary temp file beside it, then rename it into place.

    ``-`` is standard output.

    The temp file lives in the same directory so the rename is atomic (same
    file system); on any error, including KeyboardInterrupt, it is removed and
    the old ``path`` is left untouched.
    """
    if str(path) == STDOUT:  # `-o -`: the same bytes to standard output, for pipes
        try:
            sys.stdout.flush()
            write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        except OSError as exc:
            if disk_full(exc):
                raise DiskFullError("standard output", exc) from exc
            raise
        return Path(STDOUT)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            os.fchmod(fh.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600; a written file follows the umask
        os.replace(tmp, out)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if disk_full(exc):
            raise DiskFullError(str(out), exc) from exc
        raise
    return out


__all__ = ["STDOUT", "DiskFullError", "disk_full", "where", "write_atomic"]
