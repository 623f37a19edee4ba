"""Load test of `kg serve` on loopback: 200 concurrent clients, 2,000 requests, next to pyoxigraph's own timing.

Why: the endpoint must hold under many clients (every request answered, none
left to time out) and its cost over the engine must stay small. This starts
`kg serve` as a subprocess on 127.0.0.1 (a free port), sends a fixed mix of
queries (the named queries without parameters, a SELECT, an ASK and a
CONSTRUCT) from N client threads with kept-alive connections, and prints the
success rate, the statuses, latency percentiles and throughput; then it times
the same queries run by pyoxigraph in this process (query plus serialisation,
one at a time), so the two can be compared. Bounded: a fixed request count, a
per-request timeout and an overall deadline; it stops the server itself.
Usage:

    .venv/bin/python benchmarks/serve_load.py [--store outputs/store] [--clients 200] [--requests 2000]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.query import load_named
from kg.vocab import PREFIXES

ROOT = Path(__file__).resolve().parent.parent

EXTRA = {
    "people": "SELECT ?e ?label WHERE { ?e a kg:Person ; rdfs:label ?label } ORDER BY ?e ?label",
    "ask": "ASK { ?e a kg:Organization }",
    "construct": "CONSTRUCT { ?e rdfs:label ?label } WHERE { ?e a kg:Person ; rdfs:label ?label }",
}


def query_mix() -> dict[str, str]:
    mix = {q.name: q.text for q in load_named().values() if not q.params}
    mix.update(EXTRA)
    return mix


def percentiles(xs: list[float]) -> str:
    if not xs:
        return "n/a"
    xs = sorted(xs)

    def p(q: float) -> float:
        return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000

    return f"p50 {p(0.5):7.1f} ms  p90 {p(0.9):7.1f} ms  p99 {p(0.99):7.1f} ms  max {xs[-1] * 1000:7.1f} ms"


def ensure_store(path: str | None) -> Path:
    if path:
        return Path(path)
    default = ROOT / "outputs" / "store"
    if default.is_dir() and any(default.iterdir()):
        return default
    from kg.pipeline import build_store
    from kg.store import GraphStore

    out = Path(tempfile.mkdtemp(prefix="kg-load-")) / "store"
    store = GraphStore(out)
    build_store([str(ROOT / "data" / "samples")], store)
    del store
    return out


def start_server(store: Path, workers: int) -> tuple[subprocess.Popen[str], str, int]:
    cmd = [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", "0", "--quiet",
           "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        m = re.search(r"at http://127\.0\.0\.1:(\d+)/sparql", line)
        if m:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep the pipe drained
            return proc, "127.0.0.1", int(m.group(1))
    proc.kill()
    raise SystemExit("kg serve did not start")


def load(host: str, port: int, mix: dict[str, str], clients: int, requests: int, timeout: float,
         deadline: float) -> tuple[list[tuple[str, int, float]], float]:
    names = list(mix)
    paths = {n: "/sparql?" + urllib.parse.urlencode({"query": q}) for n, q in mix.items()}
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    issued = 0
    go = threading.Event()
    end = time.monotonic() + deadline

    def client() -> None:
        nonlocal issued
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        go.wait()
        while time.monotonic() < end:
            with lock:
                if issued >= requests:
                    break
                i = issued
                issued += 1
            name = names[i % len(names)]
            t0 = time.monotonic()
            try:
                conn.request("GET", paths[name], headers={"Accept": "application/sparql-results+json, text/turtle"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                status = 0  # a time-out, a reset or a refused connection
                conn.close()
            with lock:
                results.append((name, status, time.monotonic() - t0))
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    t0 = time.monotonic()
    go.set()
    for t in threads:
        t.join(max(0.0, end - time.monotonic()) + timeout)
    return results, time.monotonic() - t0


def engine_timing(store: Path, mix: dict[str, str], rounds: int) -> dict[str, list[float]]:
    """The same queries run by pyoxigraph in this process, results serialised as the endpoint would."""
    s = ox.Store.read_only(str(store))
    out: dict[str, list[float]] = {n: [] for n in mix}
    for _ in range(rounds):
        for name, q in mix.items():
            t0 = time.monotonic()
            res = s.query(q, prefixes=PREFIXES, use_default_graph_as_union=True)
            if isinstance(res, ox.QueryTriples):
                ox.serialize(list(res), None, ox.RdfFormat.TURTLE)
            else:
                res.serialize(format=ox.QueryResultsFormat.JSON)
            out[name].append(time.monotonic() - t0)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="store to serve (default outputs/store, else data/samples built to a temp dir)")
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    ap.add_argument("--timeout", type=float, default=60.0, help="client-side timeout per request, seconds")
    ap.add_argument("--deadline", type=float, default=300.0, help="stop sending after this many seconds")
    args = ap.parse_args(argv)

    store = ensure_store(args.store)
    mix = query_mix()
    proc, host, port = start_server(store, args.workers)
    try:
        results, wall = load(host, port, mix, args.clients, args.requests, args.timeout, args.deadline)
        alone, _ = load(host, port, mix, 1, 10 * len(mix), args.timeout, 60.0)  # one client: the cost of HTTP
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    statuses = Counter(s for _, s, _ in results)
    ok = [t for _, s, t in results if s == 200]
    print(f"kg serve load test: {store} on {host}:{port}, {args.clients} clients, {len(results)} of "
          f"{args.requests} requests sent, {args.workers} workers, {os.cpu_count()} CPUs")
    print(f"  success rate {len(ok) / max(1, len(results)):.1%}  statuses "
          + ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(statuses.items())))
    print(f"  throughput   {len(results) / wall:.0f} requests/s over {wall:.1f} s")
    print(f"  latency (200s, as the clients saw it, queueing included)  {percentiles(ok)}")
    print(f"  one client alone, {len(alone)} requests                       "
          f"{percentiles([t for _, s, t in alone if s == 200])}")

    rounds = max(1, min(50, args.requests // max(1, len(mix))))
    engine = engine_timing(store, mix, rounds)
    print(f"\nper query: endpoint under load vs pyoxigraph alone in-process ({rounds} runs each, one at a time)")
    print(f"  {'query':<24} {'endpoint p50':>13} {'endpoint p99':>13} {'pyoxigraph p50':>15} {'pyoxigraph p99':>15}")
    for name in mix:
        ours = sorted(t for n, s, t in results if n == name and s == 200)
        theirs = sorted(engine[name])

        def p(xs: list[float], q: float) -> str:
            return f"{xs[min(len(xs) - 1, int(q * len(xs)))] * 1000:.1f} ms" if xs else "n/a"

        print(f"  {name:<24} {p(ours, 0.5):>13} {p(ours, 0.99):>13} {p(theirs, 0.5):>15} {p(theirs, 0.99):>15}")
    all_engine = [t for ts in engine.values() for t in ts]
    print(f"  {'all':<24} {'':>13} {'':>13} {statistics.median(all_engine) * 1000:>12.1f} ms")
    return 0 if results and len(ok) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
