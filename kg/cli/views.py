"""`kg viz / stats / path`: the views half of the command line, added to kg's parser by ``register``.

Each command calls one library function from kg.views and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from kg.cli.common import json_text, store_arg, terminal_text
from kg.io import where


def cmd_viz(args: argparse.Namespace) -> int:
    from kg.views.html import write_view

    s = write_view(args.store, args.output, title=args.title, max_nodes=args.max_nodes,
                   physics_limit=args.physics_limit, focus=args.focus, hops=args.hops, types=args.types,
                   predicates=args.predicates, since=args.since, until=args.until, article=args.article,
                   keyword=args.keyword, network=args.network, min_weight=args.min_weight)
    left = f"; {s.omitted_nodes} entities left out (see the note on the page)" if s.omitted_nodes else ""
    layout = "browser physics" if s.physics else "precomputed layout"
    what = "people, links" if args.network == "coattendance" else "entities, relations"
    nodes, edges = what.split(", ")
    print(f"kg: wrote {where(s.output)} ({s.nodes} {nodes}, {s.edges} {edges}, {layout}{left})", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from kg.views.analytics import format_stats, graph_stats
    from kg.views.network import load_network

    st = graph_stats(load_network(args.store), top=args.top)
    if args.format == "json":
        sys.stdout.write(json_text(json.dumps(st.to_dict(), ensure_ascii=False, indent=1)) + "\n")
    else:
        sys.stdout.write(terminal_text(format_stats(st)))
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    from kg.views.analytics import find_path, format_path
    from kg.views.network import load_network

    hops = find_path(load_network(args.store), args.a, args.b)
    if args.format == "json":
        sys.stdout.write(json_text(json.dumps([asdict(h) for h in hops], ensure_ascii=False, indent=1)) + "\n")
    else:
        sys.stdout.write(terminal_text(format_path(hops)))
    return 0


def register(sub: Any) -> None:
    """Add viz, stats and path to kg's subparsers (``sub`` is argparse's subparsers action)."""
    # constants only: kg.views.html would import networkx and igraph for every `kg --help`
    from kg.views.style import DEFAULT_OUTPUT, MAX_NODES, NETWORKS, PHYSICS_LIMIT

    v = sub.add_parser("viz", help="write an interactive HTML view of the graph (works offline)")
    store_arg(v)
    v.add_argument("-o", "--output", default=DEFAULT_OUTPUT, metavar="FILE",
                   help=f"default {DEFAULT_OUTPUT}; '-' writes the page to standard output")
    v.add_argument("--focus", action="append", metavar="NAME",
                   help="draw only the neighbourhood of this person, organisation or event (name or alias, "
                        "either script; repeatable)")
    v.add_argument("--hops", type=int, default=1, help="neighbourhood radius for --focus (default 1)")
    v.add_argument("--types", action="append", metavar="T[,T]",
                   help="only these entity types: Person, Organization, Alliance, Event, Place, Work")
    v.add_argument("--predicates", action="append", metavar="P[,P]",
                   help="only these relations (attended, spokeAt, ..., post); entities left without one are hidden")
    v.add_argument("--since", metavar="DATE",
                   help="only facts from articles published on or after DATE (YYYY[-MM[-DD]])")
    v.add_argument("--until", metavar="DATE", help="only facts from articles published on or before DATE")
    v.add_argument("--article", action="append", metavar="ID|URL", help="only facts from this article (repeatable)")
    v.add_argument("--keyword", action="append", metavar="KW[,KW]",
                   help="only facts from articles with this keyword (schema:keywords; either script; repeatable)")
    v.add_argument("--network", choices=NETWORKS, default="entities",
                   help="entities (default): the whole graph; coattendance: people linked by the events they "
                        "attended, hosted or spoke at together, weighted by the number of events")
    v.add_argument("--min-weight", type=int, default=1, metavar="N",
                   help="with --network coattendance: only pairs who shared at least N events (default 1)")
    v.add_argument("--max-nodes", type=int, default=MAX_NODES,
                   help=f"draw at most this many entities, the best connected (default {MAX_NODES}; 0: no limit)")
    v.add_argument("--physics-limit", type=int, default=PHYSICS_LIMIT,
                   help=f"up to this many entities the browser lays out the graph (default {PHYSICS_LIMIT})")
    v.add_argument("--title", help="page title")
    v.set_defaults(func=cmd_viz)

    s = sub.add_parser("stats", help="counts by type and predicate, most central people and organisations, components")
    store_arg(s)
    s.add_argument("--top", type=int, default=10, help="how many central entities to list (default 10)")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.set_defaults(func=cmd_stats)

    p = sub.add_parser("path", help="how two entities are connected, each hop with its evidence sentence")
    p.add_argument("a", help="a name or alias")
    p.add_argument("b", help="another name or alias")
    store_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_path)


__all__ = ["register"]
