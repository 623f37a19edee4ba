"""What the `kg` commands share: progress lines, the --store option, the push report."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

DEFAULT_STORE = "outputs/store"


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


def push_and_report(store: Any, endpoint: str, graph_store: str | None, **options: Any) -> int:
    """Push and report on stderr (what `kg push` and `kg build --endpoint` print); the exit status."""
    from kg.push import push_store

    shown = Progress(sys.stderr)

    def progress(done: int, total: int, failed: int) -> None:
        shown.show(f"kg: pushed {done - failed}/{total} graphs, {failed} failed", final=done == total)

    report = push_store(store, endpoint, graph_store, progress=progress, **options)
    listed = 20
    for f in report.failures[:listed]:
        print(f"kg: error: {f}", file=sys.stderr)
    if len(report.failures) > listed:
        print(f"kg: error: ... and {len(report.failures) - listed} more graphs failed", file=sys.stderr)
    print(f"kg: pushed {report.pushed}/{report.graphs} graphs ({report.triples} triples) to {report.target} "
          f"in {report.seconds:.1f} s, {len(report.failures)} failed", file=sys.stderr)
    return 0 if report.ok else 1
