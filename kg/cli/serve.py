"""`kg serve` and `kg push`: the graph over HTTP, and the graph into another store."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kg.cli.common import port, push_and_report, store_arg


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve import ServeConfig, SparqlServer, is_loopback, serve

    cfg = ServeConfig(store=Path(args.store), host=args.host, port=args.port, timeout=args.timeout,
                      max_rows=args.max_rows, max_bytes=args.max_bytes, max_query_bytes=args.max_query_bytes,
                      workers=args.workers, cors=args.cors, quiet=args.quiet, allow_service=args.allow_service,
                      max_memory_mb=args.max_memory, max_waiting=args.max_waiting, queue_wait=args.queue_wait,
                      client_timeout=args.client_timeout, max_connections=args.max_connections,
                      base_iri=args.base_iri)
    if not is_loopback(args.host):
        print(f"kg: warning: listening on {args.host}: anyone who can reach this machine can read the graph",
              file=sys.stderr)

    def ready(server: SparqlServer) -> None:
        memory = f"{args.max_memory} MB" if args.max_memory else "no memory limit"
        federation = "SERVICE allowed" if args.allow_service else "SERVICE refused"
        print(f"kg: serving {args.store} at {server.url}/sparql (query page {server.url}/query, graph view "
              f"{server.url}/); time limit {args.timeout:g} s, {memory}, {args.max_rows} rows, {federation}; "
              "Ctrl-C stops", file=sys.stderr, flush=True)

    try:
        serve(cfg, ready)
    except KeyboardInterrupt:
        print("kg: stopped", file=sys.stderr)
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    password = args.password if args.password is not None else os.environ.get("KG_PUSH_PASSWORD")
    return push_and_report(args.store, args.endpoint, args.graph_store, batch=args.batch, user=args.user,
                           password=password, metadata_graph=args.metadata_graph or None, retries=args.retries,
                           backoff=args.retry_wait, timeout=args.http_timeout, deadline=args.request_deadline,
                           retry_budget=args.retry_budget, max_failures=args.max_failures)


def register(sub: Any) -> None:
    """Add `serve` and `push` to kg's subparsers (``sub`` is argparse's subparsers action)."""
    from kg.push import METADATA_GRAPH
    from kg.serve.protocol import (
        DEFAULT_CLIENT_TIMEOUT,
        DEFAULT_HOST,
        DEFAULT_MAX_BYTES,
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_MEMORY_MB,
        DEFAULT_MAX_QUERY_BYTES,
        DEFAULT_MAX_ROWS,
        DEFAULT_MAX_WAITING,
        DEFAULT_PORT,
        DEFAULT_TIMEOUT,
        DEFAULT_WORKERS,
    )

    s = sub.add_parser("serve", help="serve the graph as a read-only SPARQL 1.1 endpoint, with a query page and "
                                     "the graph view")
    store_arg(s)
    s.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    s.add_argument("--port", type=port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    s.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"per-query time limit; a query past it is killed, HTTP 503 (default {DEFAULT_TIMEOUT:g})")
    s.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS,
                   help=f"refuse results with more rows or triples, HTTP 422 (default {DEFAULT_MAX_ROWS})")
    s.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"refuse results larger than this, HTTP 422 (default {DEFAULT_MAX_BYTES})")
    s.add_argument("--max-query-bytes", type=int, default=DEFAULT_MAX_QUERY_BYTES,
                   help=f"refuse larger requests, HTTP 413 (default {DEFAULT_MAX_QUERY_BYTES})")
    s.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                   help=f"query worker processes, i.e. queries run at once (default {DEFAULT_WORKERS})")
    s.add_argument("--max-memory", type=int, default=DEFAULT_MAX_MEMORY_MB, metavar="MB",
                   help="per-query memory limit: a query that takes its worker's resident size past MB is killed, "
                        f"HTTP 503 (default {DEFAULT_MAX_MEMORY_MB}; 0: none)")
    s.add_argument("--max-waiting", type=int, default=DEFAULT_MAX_WAITING, metavar="N",
                   help=f"queries that may wait for a worker; more get 503 with Retry-After (default "
                        f"{DEFAULT_MAX_WAITING})")
    s.add_argument("--queue-wait", type=float, default=None, metavar="SECONDS",
                   help="how long a query waits for a worker before 503 with Retry-After (default: --timeout)")
    s.add_argument("--client-timeout", type=float, default=DEFAULT_CLIENT_TIMEOUT, metavar="SECONDS",
                   help="a connection must send its whole request within this, and is closed after this long idle "
                        f"(default {DEFAULT_CLIENT_TIMEOUT:g})")
    s.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS, metavar="N",
                   help=f"connections served at once; more get 503 with Retry-After "
                        f"(default {DEFAULT_MAX_CONNECTIONS})")
    s.add_argument("--allow-service", action="store_true",
                   help="allow SERVICE (federated queries): the server then sends HTTP requests to any URL a query "
                        "names, on behalf of whoever can reach it; refused with HTTP 400 by default")
    s.add_argument("--base-iri", metavar="IRI",
                   help="base IRI for relative IRIs in queries (default: the endpoint's URL)")
    s.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let browser pages from ORIGIN (e.g. https://yasgui.triply.cc, or *) read results")
    s.add_argument("--quiet", action="store_true", help="no request log on stderr")
    s.set_defaults(func=cmd_serve)

    p = sub.add_parser("push", help="replace each article's graph in an external SPARQL 1.1 store")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="SPARQL Update endpoint (Virtuoso: http://HOST:8890/sparql-auth)")
    p.add_argument("--graph-store", metavar="URL",
                   help="Graph Store Protocol URL; when given, graphs are PUT there instead of sent as updates "
                        "(Virtuoso: http://HOST:8890/sparql-graph-crud-auth)")
    store_arg(p)
    p.add_argument("--batch", type=int, default=50, metavar="N", help="graphs per SPARQL Update request (default 50)")
    p.add_argument("--user", help="user name (Basic or Digest authentication, whichever the store asks for)")
    p.add_argument("--password", help="password (or set KG_PUSH_PASSWORD, which stays out of the process list)")
    p.add_argument("--metadata-graph", default=METADATA_GRAPH, metavar="IRI",
                   help=f"named graph for the store's default graph (article metadata; default {METADATA_GRAPH}; "
                        "'' to skip it)")
    p.add_argument("--retries", type=int, default=3, help="retries per request after a failure (default 3)")
    p.add_argument("--retry-wait", type=float, default=0.5, metavar="SECONDS",
                   help="first wait before a retry, doubled each time (default 0.5)")
    p.add_argument("--http-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="give up on a request when the store sends nothing for this long (default 60)")
    p.add_argument("--request-deadline", type=float, default=120.0, metavar="SECONDS",
                   help="give up on a request after this long in all, however slowly the store answers "
                        "(default 120)")
    p.add_argument("--retry-budget", type=float, default=120.0, metavar="SECONDS",
                   help="seconds all retries of one push may take together (default 120)")
    p.add_argument("--max-failures", type=int, default=5, metavar="N",
                   help="stop the push after this many failed requests in a row (no answer or 5xx; default 5)")
    p.set_defaults(func=cmd_push)


__all__ = ["register"]
