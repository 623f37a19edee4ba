"""What the `kg` commands share: progress lines, the --store option, the push report."""

from __future__ import annotations

import argparse
import re
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


def report_skipped(count: int, verbose: bool, stream: TextIO | None = None) -> None:
    """One line for the entries of directory arguments that held nothing readable, when there were any."""
    if count:
        what = "entry" if count == 1 else "entries"
        hint = "" if verbose else "; -v names each"
        print(f"kg: skipped {count} {what} inside directories (unreadable folders, dangling or looping links, "
              f"links to folders, FIFOs and devices){hint}", file=stream or sys.stderr)


# C0 and C1 controls but tab and newline, DEL, and the bidi embeddings/overrides/isolates that reorder a line
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """``text`` safe to print: control characters (ANSI escapes, carriage returns, bidi overrides) dropped.

    An ESC that starts a CSI or OSC sequence takes the sequence with it, so no
    half-sequence like ``[31m`` is left in names.
    """
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]")


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(text: str) -> str:
    """JSON text with the controls json.dumps leaves raw (DEL, C1 such as the 8-bit CSI, bidi overrides) escaped.

    Lossless: they can only occur inside strings, where ``\\u009b`` means the same.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def output_text(text: str, fmt: str) -> str:
    """What a command prints in ``fmt``: JSON escaped losslessly, tables and text stripped of controls,
    CSV/TSV stripped only when they go to a terminal (in a pipe they are data, kept as they are)."""
    if fmt in ("json", "jsonl"):
        return json_text(text)
    if fmt in ("csv", "tsv") and not sys.stdout.isatty():
        return text
    return terminal_text(text)


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
    tried = [f for f in report.failures if not f.message.startswith("not attempted")]
    for f in tried[:listed]:
        print(f"kg: error: {terminal_text(str(f))}", file=sys.stderr)
    if len(tried) > listed:
        print(f"kg: error: ... and {len(tried) - listed} more graphs failed", file=sys.stderr)
    if report.stopped:
        left = len(report.failures) - len(tried)
        print(f"kg: error: push stopped early, {left} graphs not attempted: {terminal_text(report.stopped)}",
              file=sys.stderr)
    deleted = f", deleted {report.deleted} graphs of removed articles" if report.deleted else ""
    print(f"kg: pushed {report.pushed}/{report.graphs} graphs ({report.triples} triples) to {report.target}{deleted} "
          f"in {report.seconds:.1f} s, {len(report.failures)} failed", file=sys.stderr)
    return 0 if report.ok else 1
