"""Atomic file writes: a temp file beside the target, renamed over it only once it is complete.

A reader (a browser reloading the page, Gephi opening the export, a script
tailing the dump) then sees the old file or the new one, never half of one,
and an interrupted write leaves no stray temp file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> Path:
    """Create ``path``'s directory, call ``write`` on a binary temp file beside it, then rename it into place.

    The temp file lives in the same directory so the rename is atomic (same
    file system); on any error, including KeyboardInterrupt, it is removed and
    the old ``path`` is left untouched.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


__all__ = ["write_atomic"]
