"""What every `kg` command shares: one-line errors, progress lines and the --store option.

One guard for all commands, so that no command can leak a traceback that
another would have turned into a message (``kg --traceback`` still shows it).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from typing import TextIO

Command = Callable[[argparse.Namespace], int]
DEFAULT_STORE = "outputs/store"


def describe(exc: BaseException) -> str:
    """The one line a user sees: kg's own errors speak for themselves, others say what they are."""
    if type(exc).__module__.startswith("kg."):
        return " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def guard(func: Command) -> Command:
    """Every failure becomes `kg: error: …` and an exit status (an error's own ``status``, else 1)."""

    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:
            if getattr(args, "traceback", False):
                raise
            print(f"kg: error: {describe(exc)}", file=sys.stderr)
            status = getattr(exc, "status", 1)
            return status if isinstance(status, int) and status > 0 else 1

    return run


class Progress:
    """A progress line on stderr: redrawn in place on a terminal, printed every few seconds in logs."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = 0.2 if self.tty else every
        self.last = -1e9

    def show(self, line: str, final: bool = False) -> None:
        now = time.monotonic()
        if now - self.last < self.every and not final:
            return
        self.last = now
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", default=DEFAULT_STORE, metavar="DIR",
                   help=f"graph store directory (default {DEFAULT_STORE})")


def port(value: str) -> int:
    """An argparse type: a TCP port number, 0 meaning any free one."""
    n = int(value)
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0-65535)")
    return n
