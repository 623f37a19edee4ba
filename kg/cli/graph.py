"""`kg build / validate / export / query / explain / timeline`: the graph half of the command line.

A malformed query exits with status 2, like a usage error (kg.sparql.QueryError
carries it).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, TextIO

from kg.cli.common import Progress, output_text, push_and_report, report_skipped, store_arg, terminal_text
from kg.ingest.decode import DEFAULT_MAX_BYTES  # kg.ingest itself pulls in the HTML readers
from kg.io import where
from kg.resources import resource
from kg.store import FORMATS, GraphStore
from kg.views.style import DEFAULT_OUTPUT, NETWORK_FORMATS, NETWORKS

DEFAULT_VIEW = DEFAULT_OUTPUT  # `kg build --html` writes where `kg viz` does


class _BuildProgress:
    """Articles done, rate and errors, as `kg build` reports them: a tqdm bar with ETA on a terminal, lines in logs."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.bar: Any = None
        self.lines = Progress(stream)

    def __call__(self, done: int, total: int, failed: int, seconds: float) -> None:
        if not self.tty:
            rate = done / seconds if seconds > 0 else 0.0
            self.lines.show(f"kg: {done}/{total} articles, {rate:.1f}/s, {failed} errors", final=done == total)
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="article", file=self.stream, desc="kg", dynamic_ncols=True,
                            mininterval=0.2)
        self.bar.n = done
        self.bar.set_postfix_str(f"{failed} errors", refresh=False)
        self.bar.refresh()
        if done == total:
            self.close()

    def say(self, line: str) -> None:
        """A message between progress updates, without tearing the bar."""
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# ---------------------------------------------------------------------- commands


def cmd_build(args: argparse.Namespace) -> int:
    from kg.pipeline import build_store, default_jobs  # the tagger loads only for the commands that tag

    store = GraphStore(args.store)
    shown = _BuildProgress(sys.stderr)

    def on_error(msg: str) -> None:
        shown.say(f"kg: error: {terminal_text(msg)}")

    def on_warning(msg: str) -> None:
        shown.say(f"kg: warning: {terminal_text(msg)}")

    def on_skip(msg: str) -> None:
        if args.verbose:
            shown.say(f"kg: {terminal_text(msg)}")

    jobs = args.jobs or default_jobs()
    try:
        s = build_store(args.paths, store, max_bytes=args.max_bytes, progress=shown, on_error=on_error,
                        on_warning=on_warning, reraise=args.traceback, jobs=jobs, on_skip=on_skip,
                        prune=args.prune)
    finally:
        shown.close()
    report_skipped(len(s.skipped), args.verbose)
    if s.prune_skipped:
        print(f"kg: warning: --prune: {s.prune_skipped}", file=sys.stderr)
    elif args.prune:
        ids = ", ".join(terminal_text(i) for i in s.pruned[:10]) + (" ..." if len(s.pruned) > 10 else "")
        print(f"kg: pruned {len(s.pruned)} articles no longer among the inputs" + (f": {ids}" if ids else ""),
              file=sys.stderr)
    if s.disk_full:
        print(f"kg: error: build stopped, the disk is full: {s.articles} articles written, "
              f"{s.not_attempted} not attempted (free some space and run the same build again: it replaces what "
              "it wrote)", file=sys.stderr)
    print(f"kg: built {s.articles} articles into {args.store} ({s.triples} quads in store) in {s.seconds:.1f} s, "
          f"{s.failed} failed, {s.warnings} warnings; {s.extracted} extracted ({jobs} jobs), "
          f"{f'{s.reused} from the build cache, ' if s.reused else ''}{s.unchanged} unchanged, "
          f"{s.rewritten} graphs written", file=sys.stderr)
    if s.disk_full:
        return 1
    if args.html:  # the viewers' half: the whole graph as an offline page, like `kg viz`
        from kg.views import write_view

        view = write_view(store, args.html)
        print(f"kg: wrote {where(view.output)} ({view.nodes} entities, {view.edges} relations)", file=sys.stderr)
    pushed = 0
    if args.endpoint:  # and on to a shared triple store, as `kg push` would
        password = os.environ.get("KG_PUSH_PASSWORD")
        pushed = push_and_report(store, args.endpoint, args.graph_store, user=args.user, password=password)
    return 1 if s.failed or pushed else 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Nothing is removed unless every reference names exactly the articles meant: a typo or an id several
    articles share stops the command before the store changes."""
    store = GraphStore.open_existing(args.store, read_only=False)
    found, missing = store.find_articles(args.articles)
    bad = [f"kg: error: {terminal_text(r)}: no article with this id or URL in {args.store}" for r in missing]
    for ref, hits in found.items():
        if len(hits) > 1 and not args.all:
            bad.append(f"kg: error: {terminal_text(ref)}: {len(hits)} articles have this id (give their URLs, or "
                       "--all to remove them all)")
    if bad:
        print("\n".join(bad), file=sys.stderr)
        print("kg: nothing removed", file=sys.stderr)
        return 1
    n = store.remove_graphs([g for hits in found.values() for _, g in hits])
    store.flush()
    print(f"kg: removed {n} articles from {args.store} ({len(store)} quads left); `kg push` deletes their graphs "
          "from the external store", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.validate import validate_store  # pyshacl loads only here

    violations = validate_store(GraphStore.open_existing(args.store))
    for v in violations[: args.limit] if args.limit else violations:
        print(v)
    if args.limit and len(violations) > args.limit:
        print(f"... and {len(violations) - args.limit} more")
    if violations:
        print(f"kg: {len(violations)} SHACL violation(s) in {args.store}", file=sys.stderr)
        return 1
    print(f"kg: {args.store} conforms to the shapes in {resource('ontology', 'shapes.ttl')}", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kg.export import export_graph

    data = export_graph(GraphStore.open_existing(args.store), args.format, args.output, args.network)
    if data is None:
        print(f"kg: wrote {where(args.output)}", file=sys.stderr)
        return 0
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import list_named, run_query

    if args.list:
        sys.stdout.write(list_named())
        return 0
    sys.stdout.write(output_text(run_query(args.store, args.sparql, args.file, args.name, args.param, args.format),
                                 args.format))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from kg.explain import explain, format_reports

    text = format_reports(explain(GraphStore.open_existing(args.store), args.entity), args.entity)
    sys.stdout.write(terminal_text(text))
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from kg.io import write_atomic
    from kg.timeline import format_timelines, timeline, timelines_html, timelines_json

    found = timeline(GraphStore.open_existing(args.store), args.person)
    if args.html:
        page = timelines_html(found, args.person).encode("utf-8")
        write_atomic(args.html, lambda fh: fh.write(page))
        print(f"kg: wrote {args.html}", file=sys.stderr)
    else:
        sys.stdout.write(timelines_json(found) if args.json else format_timelines(found, args.person))
    return 0


# ---------------------------------------------------------------------- parser


def register(sub: Any) -> None:
    """Add the graph commands to kg's subparsers (``sub`` is argparse's subparsers action)."""
    b = sub.add_parser("build", help="extract articles and write them into the graph store")
    b.add_argument("paths", nargs="+", help=".txt pages, .html pages, .jsonl files or directories of them")
    store_arg(b)
    b.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"refuse files larger than this (default {DEFAULT_MAX_BYTES})")
    b.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="extract in N worker processes (default: one per core)")
    b.add_argument("--html", default=DEFAULT_VIEW, metavar="FILE",
                   help=f"also write the interactive graph view here (default {DEFAULT_VIEW}; '' to skip)")
    b.add_argument("--endpoint", metavar="URL",
                   help="then push every article's graph to this SPARQL 1.1 store (see kg push)")
    b.add_argument("--graph-store", metavar="URL", help="with --endpoint: its Graph Store Protocol URL")
    b.add_argument("--user", help="with --endpoint: user name (password from $KG_PUSH_PASSWORD)")
    b.add_argument("-v", "--verbose", action="store_true",
                   help="name each entry skipped inside a directory (links to folders, dangling links, loops, "
                        "unreadable folders); without it they are counted")
    b.add_argument("--prune", action="store_true",
                   help="mirror the inputs: remove the stored articles that are not among them (as kg remove)")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("remove", help="take articles out of the store by id or URL (kg push then deletes them "
                                      "remotely)")
    r.add_argument("articles", nargs="+", metavar="ID_OR_URL", help="an article's URL, or its id")
    r.add_argument("--all", action="store_true", help="an id several articles share removes them all")
    store_arg(r)
    r.set_defaults(func=cmd_remove)

    v = sub.add_parser("validate", help="check the graph against ontology/shapes.ttl (SHACL)")
    store_arg(v)
    v.add_argument("--limit", type=int, default=50, help="print at most this many violations (0: all)")
    v.set_defaults(func=cmd_validate)

    e = sub.add_parser("export", help="write the graph as Turtle, TriG, N-Quads, JSON-LD, GraphML or GEXF")
    store_arg(e)
    e.add_argument("--format", choices=sorted(FORMATS) + list(NETWORK_FORMATS), default="trig",
                   help="ttl and nt hold the union of all graphs; trig, nq and jsonld keep the named graphs; "
                        "graphml and gexf write the entity network (Gephi, Cytoscape)")
    e.add_argument("--network", choices=NETWORKS, default=None,
                   help="with graphml or gexf: entities (default) or coattendance (people linked by shared events, "
                        "weighted, each link with its events and evidence)")
    e.add_argument("-o", "--output", metavar="FILE", help="write here (atomically; '-' or no -o: standard output)")
    e.set_defaults(func=cmd_export)

    q = sub.add_parser("query", help="run SPARQL over the graph (prefixes kg:, kgr:, org:, schema:, prov:, ... "
                                     "predeclared)")
    q.add_argument("sparql", nargs="?", help="the query text")
    q.add_argument("-f", "--file", help="read the query from this .rq file")
    q.add_argument("--name", help="run a named query from queries/ (see --list)")
    q.add_argument("--list", action="store_true", help="list the named queries")
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind ?NAME to VALUE (an IRI if <...>, http(s)://... or prefix:..., else a name)")
    q.add_argument("--format", choices=("table", "csv", "tsv", "json"), default="table")
    store_arg(q)
    q.set_defaults(func=cmd_query)

    x = sub.add_parser("explain", help="show an entity's IRI, names, aliases and why each mention was merged")
    x.add_argument("entity", help="a name or alias (any script), a kgr: IRI or a full IRI")
    store_arg(x)
    x.set_defaults(func=cmd_explain)

    t = sub.add_parser("timeline", help="a person's posts in time order, with status, dates and evidence")
    t.add_argument("person", help="a person's name (any script), a kgr: IRI or a full IRI")
    t.add_argument("--json", action="store_true", help="print the timelines as JSON")
    t.add_argument("--html", metavar="FILE", help="write the timelines as one HTML page instead")
    store_arg(t)
    t.set_defaults(func=cmd_timeline)


__all__ = ["register"]
