"""The `kg` command: one parser over the command modules, and the one place where failures become exit statuses.

Every command parses, calls a library function a notebook could call, and
prints. Whatever a user can cause (a bad file, a missing store, a malformed
query) raises; ``main`` turns it into one line on stderr and the error's own
``status`` (else 1), so no command can leak a traceback another would have
turned into a message. ``kg --traceback`` re-raises instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from kg.cli import extract, graph, serve, views
from kg.cli.common import terminal_text
from kg.io import disk_full


def describe(exc: BaseException) -> str:
    """The one line a user sees: kg's own errors speak for themselves, others say what they are."""
    if type(exc).__module__.startswith("kg."):
        msg = " ".join(str(exc).split()) or type(exc).__name__
        # a store that cannot open or write for lack of space says so deep inside RocksDB's message: say it first
        full = "No space left on device" in msg and not msg.startswith("disk full")
        return f"disk full: {msg}" if full else msg
    if isinstance(exc, OSError) and disk_full(exc):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"disk full: {where}{exc.strerror or exc}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so that the exit's own flush of what could not be written stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _version() -> str:
    try:
        return version("kg")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Knowledge graphs from Chinese organisational news.")
    p.add_argument("--version", action="version", version=f"kg {_version()}")
    p.add_argument("--traceback", action="store_true", help="show the Python traceback on errors")
    sub = p.add_subparsers(dest="command", required=True)
    for commands in (extract, graph, views, serve):
        commands.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # here, not at exit, so that a full disk under `> file` is an error with a status
        return status
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if args.traceback:
            raise
        print(f"kg: error: {terminal_text(describe(exc))}", file=sys.stderr)
        if isinstance(exc, OSError) and disk_full(exc):
            _drop_stdout()
        status = getattr(exc, "status", 1)
        return status if isinstance(status, int) and status > 0 else 1


__all__ = ["build_parser", "main"]
