"""`kg build / validate / export / query / explain`: the graph half of the command line.

Kept apart from kg/cli.py so extraction and the graph can change independently;
cli.py only calls ``register``. Every user-caused failure becomes one line on
stderr and a non-zero exit status (2 for a malformed query, like a usage
error); ``kg --traceback`` re-raises instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from kg.cli_common import Progress, guard, store_arg
from kg.ingest.decode import DEFAULT_MAX_BYTES  # kg.ingest itself pulls in the HTML readers
from kg.io import where
from kg.resources import resource
from kg.store import FORMATS, GraphStore
from kg.views.style import DEFAULT_OUTPUT

NETWORK_FORMATS = ("graphml", "gexf")
DEFAULT_VIEW = DEFAULT_OUTPUT  # `kg build --html` writes where `kg viz` does


def _build_progress(stream: TextIO) -> Callable[[int, int, int, float], None]:
    """Articles done, rate and errors, as `kg build` reports them."""
    shown = Progress(stream)

    def update(done: int, total: int, failed: int, seconds: float) -> None:
        rate = done / seconds if seconds > 0 else 0.0
        shown.show(f"kg: {done}/{total} articles, {rate:.1f}/s, {failed} errors", final=done == total)

    return update


# ---------------------------------------------------------------------- commands


@guard
def cmd_build(args: argparse.Namespace) -> int:
    from kg.store import build_store

    store = GraphStore(args.store)
    tty = sys.stderr.isatty()

    def on_error(msg: str) -> None:
        print(("\n" if tty else "") + f"kg: error: {msg}", file=sys.stderr)

    def on_warning(msg: str) -> None:
        print(("\n" if tty else "") + f"kg: warning: {msg}", file=sys.stderr)

    s = build_store(args.paths, store, max_bytes=args.max_bytes, progress=_build_progress(sys.stderr),
                    on_error=on_error, on_warning=on_warning, reraise=args.traceback)
    print(f"kg: built {s.articles} articles into {args.store} ({s.triples} quads in store) in {s.seconds:.1f} s, "
          f"{s.failed} failed, {s.warnings} warnings", file=sys.stderr)
    if args.html:  # the viewers' half: the whole graph as an offline page, like `kg viz`
        from kg.views import write_view

        view = write_view(store, args.html)
        print(f"kg: wrote {where(view.output)} ({view.nodes} entities, {view.edges} relations)", file=sys.stderr)
    pushed = 0
    if args.endpoint:  # and on to a shared triple store, as `kg push` would
        from kg.serve_cli import run_push

        password = os.environ.get("KG_PUSH_PASSWORD")
        pushed = run_push(store, args.endpoint, args.graph_store, user=args.user, password=password)
    return 1 if s.failed or pushed else 0


@guard
def cmd_validate(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from kg.rdf import validate_ntriples

    store = GraphStore.open_existing(args.store)
    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(union, ox.QueryTriples)
    violations = validate_ntriples(union.serialize(format=ox.RdfFormat.N_TRIPLES))
    for v in violations[: args.limit] if args.limit else violations:
        print(v)
    if args.limit and len(violations) > args.limit:
        print(f"... and {len(violations) - args.limit} more")
    if violations:
        print(f"kg: {len(violations)} SHACL violation(s) in {args.store}", file=sys.stderr)
        return 1
    print(f"kg: {args.store} conforms to the shapes in {resource('ontology', 'shapes.ttl')}", file=sys.stderr)
    return 0


@guard
def cmd_export(args: argparse.Namespace) -> int:
    store = GraphStore.open_existing(args.store)
    if args.format in NETWORK_FORMATS:  # the entity network for Gephi / Cytoscape, not RDF
        from kg.views import export_network

        if args.output:
            print(f"kg: wrote {where(export_network(store, args.format, args.output))}", file=sys.stderr)
            return 0
        with tempfile.TemporaryDirectory() as tmp:
            data = export_network(store, args.format, Path(tmp) / f"graph.{args.format}").read_bytes()
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    data = store.export(args.format, args.output)
    if data is not None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        print(f"kg: wrote {where(args.output)}", file=sys.stderr)
    return 0


@guard
def cmd_query(args: argparse.Namespace) -> int:
    from kg.link import normalise
    from kg.query import QueryError, get_named, load_named, parse_param, render, substitutions, syntax_message

    if args.list:
        named = load_named()
        wid = max((len(n) for n in named), default=0)
        for q in named.values():
            ps = " ".join(f"--param {p}=..." for p in q.params)
            print(f"{q.name:<{wid}}  {q.description}" + (f"  [{ps}]" if ps else ""))
        return 0
    sources = [x for x in (args.sparql, args.file, args.name) if x]
    if len(sources) != 1:
        raise QueryError("give exactly one of: a SPARQL string, -f FILE, --name NAME (or --list)")
    required: dict[str, str] = {}
    label = "query"
    if args.name:
        nq = get_named(args.name)
        text, required, label = nq.text, nq.params, nq.name
    elif args.file:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read {args.file}: {exc.strerror or exc}", status=1) from exc
    else:
        text = args.sparql
    params = dict(parse_param(p) for p in args.param)
    # names are stored normalised (simplified, NFKC): normalise plain-text values the same way
    params = {k: (v if v.startswith(("<", "http://", "https://")) or ":" in v else normalise(v))
              for k, v in params.items()}
    subs = substitutions(params, required, label)
    store = GraphStore.open_existing(args.store)
    try:
        result = store.query(text, subs)
        out = render(result, args.format)
    except SyntaxError as exc:
        raise QueryError(syntax_message(exc)) from exc
    sys.stdout.write(out)
    return 0


@guard
def cmd_explain(args: argparse.Namespace) -> int:
    from kg.query import compact
    from kg.store import explain_entity, find_entities

    store = GraphStore.open_existing(args.store)
    iris = find_entities(store, args.entity)
    reports = [r for r in (explain_entity(store, i) for i in iris) if r is not None]
    if not reports:
        print(f"kg: error: no entity named {args.entity!r} in {args.store}", file=sys.stderr)
        return 1
    if len(reports) > 1:
        print(f"{len(reports)} entities are named {args.entity} (kept apart; see the rules below)\n")
    out = sys.stdout
    for r in reports:
        out.write(f"{compact(r.iri)}  <{r.iri}>\n")
        out.write(f"  types:   {', '.join(compact(t) for t in r.types)}\n")
        out.write(f"  names:   {'、'.join(r.names)}\n")
        out.write(f"  aliases: {'、'.join(r.aliases) or '-'}\n")
        out.write(f"  mentions ({len(r.mentions)}):\n")
        for m in r.mentions:
            title = f" «{m.title}»" if m.title else ""
            out.write(f"    - article {m.article}{title}: as {m.surface}, rule: {m.rule}\n")
            out.write(f"      why: {m.note}\n")
            if m.sentence:
                out.write(f"      evidence [{m.start}:{m.end}]: {m.sentence}\n")
        out.write("\n")
    return 0


# ---------------------------------------------------------------------- parser


def register(sub: Any) -> None:
    """Add the graph commands to kg's subparsers (``sub`` is argparse's subparsers action)."""
    b = sub.add_parser("build", help="extract articles and write them into the graph store")
    b.add_argument("paths", nargs="+", help=".txt pages, .html pages, .jsonl files or directories of them")
    store_arg(b)
    b.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"refuse files larger than this (default {DEFAULT_MAX_BYTES})")
    b.add_argument("--html", default=DEFAULT_VIEW, metavar="FILE",
                   help=f"also write the interactive graph view here (default {DEFAULT_VIEW}; '' to skip)")
    b.add_argument("--endpoint", metavar="URL",
                   help="then push every article's graph to this SPARQL 1.1 store (see kg push)")
    b.add_argument("--graph-store", metavar="URL", help="with --endpoint: its Graph Store Protocol URL")
    b.add_argument("--user", help="with --endpoint: user name (password from $KG_PUSH_PASSWORD)")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="check the graph against ontology/shapes.ttl (SHACL)")
    store_arg(v)
    v.add_argument("--limit", type=int, default=50, help="print at most this many violations (0: all)")
    v.set_defaults(func=cmd_validate)

    e = sub.add_parser("export", help="write the graph as Turtle, TriG, N-Quads, JSON-LD, GraphML or GEXF")
    store_arg(e)
    e.add_argument("--format", choices=sorted(FORMATS) + list(NETWORK_FORMATS), default="trig",
                   help="ttl and nt hold the union of all graphs; trig, nq and jsonld keep the named graphs; "
                        "graphml and gexf write the entity network (Gephi, Cytoscape)")
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


__all__ = ["register"]
