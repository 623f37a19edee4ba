"""`kg extract` and `kg samples`: what one article yields, printed, and where the bundled articles are."""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import Any, TextIO

from kg.cli.common import Progress, json_text, report_skipped, terminal_text
from kg.ingest import DEFAULT_MAX_BYTES, IngestError, iter_articles
from kg.ingest.errors import SkippedInput
from kg.model import ArticleGraph
from kg.resources import resource_dir


def _print_table(g: ArticleGraph, out: TextIO) -> None:
    a = g.article
    out.write(f"== {a.id}  published={a.published or '-'}  {a.title or ''}\n")
    for e in g.entities:
        alias = f"  (= {', '.join(e.aliases)})" if e.aliases else ""
        out.write(f"  {e.type:<12} {e.name}{alias}\n")
    for p in g.posts:
        out.write(f"  {'post':<12} {p.person} | {p.title} | {p.org or '-'}\n")
    for r in g.relations:
        out.write(f"  {r.p:<12} {r.s} -> {r.o}\n")


def cmd_extract(args: argparse.Namespace) -> int:
    from kg.extract import extract_article  # the tagger loads only for the commands that tag

    graphs: list[ArticleGraph] = []
    ok = failed = 0
    progress = Progress(sys.stderr)
    skipped = 0
    for item in iter_articles(args.paths, max_bytes=args.max_bytes):
        if isinstance(item, SkippedInput):
            skipped += 1
            if args.verbose:
                print(f"kg: {terminal_text(str(item))}", file=sys.stderr)
            continue
        if isinstance(item, IngestError):
            failed += 1
            print(f"kg: error: {terminal_text(str(item))}", file=sys.stderr)
            continue
        try:
            g = extract_article(item)
        except Exception as exc:  # one bad article must not stop the others
            if args.traceback:
                raise
            failed += 1
            print(terminal_text(f"kg: error: {item.source or item.id}: extraction failed ({exc})"), file=sys.stderr)
            continue
        ok += 1
        if progress.tty:
            progress.show(f"kg: {ok} articles extracted, {failed} failed")
        if args.format == "jsonl":
            sys.stdout.write(json_text(json.dumps(g.to_dict(evidence=not args.no_evidence), ensure_ascii=False))
                             + "\n")
        elif args.format == "table":
            buf = io.StringIO()
            _print_table(g, buf)
            sys.stdout.write(terminal_text(buf.getvalue()))
        else:
            graphs.append(g)
    if args.format == "json":
        sys.stdout.write(json_text(json.dumps([g.to_dict(evidence=not args.no_evidence) for g in graphs],
                                              ensure_ascii=False, indent=1)))
        sys.stdout.write("\n")
    report_skipped(skipped, args.verbose)
    progress.show(f"kg: {ok} articles extracted, {failed} failed", final=True)
    return 1 if failed else 0


def cmd_samples(args: argparse.Namespace) -> int:
    """The bundled sample articles' folder, so an installed kg can be tried anywhere: kg build "$(kg samples)"."""
    print(resource_dir("samples"))
    return 0


def register(sub: Any) -> None:
    """Add extract and samples to kg's subparsers (``sub`` is argparse's subparsers action)."""
    ex = sub.add_parser("extract", help="extract entities, posts and relations from articles")
    ex.add_argument("paths", nargs="+", help=".txt pages, .html pages, .jsonl files or directories of them")
    ex.add_argument("--format", choices=("jsonl", "json", "table"), default="jsonl")
    ex.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                    help=f"refuse files larger than this (default {DEFAULT_MAX_BYTES})")
    ex.add_argument("--no-evidence", action="store_true", help="leave out evidence sentences and offsets")
    ex.add_argument("-v", "--verbose", action="store_true",
                    help="name each entry skipped inside a directory; without it they are counted")
    ex.set_defaults(func=cmd_extract)
    sm = sub.add_parser("samples", help="print the folder of the bundled sample articles (kg build \"$(kg samples)\")")
    sm.set_defaults(func=cmd_samples)


__all__ = ["register"]
