"""Load and query a synthetic graph of our shape: pyoxigraph (on disk) against rdflib's memory store.

Why: the store choice rests on these numbers, so they must be reproducible on
the data the project really writes. The synthetic articles go through the same
linker and RDF mapping as `kg build` (entities, mentions, posts as
org:Membership, reified assertions, article metadata), only the extractor is
skipped. Usage:

    .venv/bin/python benchmarks/store_speed.py --triples 1000000 [--engines oxigraph,rdflib]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.link import Linker
from kg.model import Article, ArticleGraph, Entity, Evidence, Post, Relation
from kg.query import load_named
from kg.rdf import to_rdf
from kg.sparql import substitutions
from kg.vocab import PREFIXES

SURNAMES = "柯陆濮訾冼笪佘鄢谯邴郗鞠蓟阙钟岑殷滕逄仉"
GIVEN = "远航书明子衡慕青南乔若岚星遥知秋思源望舒晓澄文澜述安云帆"
TITLES = ["校长", "副校长", "党委书记", "董事长", "总经理", "理事长", "秘书长", "教授", "局长", "主任"]
ORG_SUFFIX = ["职业技术学院", "科技有限公司", "教育局", "研究院", "协会", "师范学院"]
PLACES = ["北岭", "南湾", "东屿", "西岑", "白沙", "青禾", "云台", "澄江"]
# one per article in turn, so each keyword (kg.topics) is about one article in ten, as articles_about expects
TOPICS = ["无人机", "茶叶", "新能源", "养老", "旅游", "物流", "芯片", "种业", "航运", "医保"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def synthetic_articles(n_articles: int, seed: int = 7) -> Iterator[ArticleGraph]:
    """Articles over shared pools of people and organisations, so linking merges across articles."""
    rng = random.Random(seed)
    n_orgs = max(50, n_articles // 2)
    orgs = [f"{rng.choice(PLACES)}{i}号{rng.choice(ORG_SUFFIX)}" for i in range(n_orgs)]
    alliances = [f"{rng.choice(PLACES)}{i}号产教融合联盟" for i in range(max(5, n_articles // 50))]
    people = [(_name(rng), rng.choice(orgs), rng.choice(TITLES)) for _ in range(max(200, n_articles * 3))]
    for i in range(n_articles):
        sent = f"第{i}篇文章的一句话，记录了{TOPICS[i % len(TOPICS)]}领域的人物、职务、组织与活动。"
        e = Evidence(sent, 0, len(sent))
        place = f"{rng.choice(PLACES)}市"
        event = f"{rng.choice(PLACES)}第{i}届发展论坛"
        sub_event = f"{event}签约仪式"
        work = f"第{i}号报告"
        alliance = rng.choice(alliances)
        cast = rng.sample(people, 6)
        ents = [Entity(event, "Event", [], [e]), Entity(sub_event, "Event", [], [e]), Entity(place, "Place", [], [e]),
                Entity(work, "Work", [], [e]), Entity(alliance, "Alliance", [], [e])]
        orgs_here = list(dict.fromkeys(o for _, o, _ in cast))
        ents += [Entity(o, "Organization", [], [e]) for o in orgs_here]
        ents += [Entity(p, "Person", [], [e]) for p, _, _ in cast]
        posts = [Post(p, t, o, e) for p, o, t in cast]
        date = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        rels = [Relation(event, "heldAt", place, e), Relation(event, "heldOn", date, e),
                Relation(sub_event, "partOf", event, e), Relation(cast[0][0], "hosted", event, e),
                Relation(cast[1][0], "presented", work, e), Relation(orgs_here[0], "organized", event, e),
                Relation(orgs_here[0], "founded", alliance, e), Relation(orgs_here[-1], "memberOf", alliance, e)]
        if i % 3 == 0:  # a department of one of the organisations: a shallow hierarchy, as in real news
            dept = f"{orgs_here[0]}{rng.choice(('信息', '机械', '经管'))}分院"
            ents.append(Entity(dept, "Organization", [], [e]))
            rels.append(Relation(dept, "partOf", orgs_here[0], e))
        rels += [Relation(p, "attended", event, e) for p, _, _ in cast[2:]]
        rels += [Relation(p, "spokeAt", event, e) for p, _, _ in cast[:2]]
        yield ArticleGraph(Article(f"syn-{i}", sent, title=f"合成文章{i}", published="2025-06-01",
                                   url=f"https://bench.example.org/{i}.html"), ents, posts, rels)


def generate(target: int, out: Path) -> tuple[int, str, str]:
    """Write about ``target`` quads as N-Quads; returns the count and a person and org to query for."""
    linker = Linker()
    count = 0
    probe_person = probe_org = ""
    with out.open("wb") as fh:
        for g in synthetic_articles(max(1, target // 330)):
            quads = to_rdf(linker.link(g)).quads()
            ox.serialize(quads, fh, ox.RdfFormat.N_QUADS)
            count += len(quads)
            if not probe_person:
                probe_person = next(e.name for e in g.entities if e.type == "Person")
                probe_org = next(e.name for e in g.entities if e.type == "Organization")
            if count >= target:
                break
    return count, probe_person, probe_org


def queries(person: str, org: str) -> dict[str, tuple[str, dict[str, ox.NamedNode | ox.Literal]]]:
    from kg.text import normalise

    params = {"person": normalise(person), "entity": normalise(org), "keyword": TOPICS[0]}
    out = {}
    for q in load_named().values():
        subs = substitutions({k: params[k] for k in q.params}, q.params, q.name)
        out[q.name] = (q.text, subs)
    return out


Queries = dict[str, tuple[str, dict[str, ox.NamedNode | ox.Literal]]]


def bench_oxigraph(nq: Path, qs: Queries) -> dict[str, float]:
    res: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        store = ox.Store(d)
        t = time.perf_counter()
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.flush()
        res["load s"] = time.perf_counter() - t
        for name, (text, subs) in qs.items():
            t = time.perf_counter()
            rows = list(store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True,
                                    substitutions={ox.Variable(k): v for k, v in subs.items()} or None))
            res[f"{name} ms"] = (time.perf_counter() - t) * 1000
            res[f"{name} rows"] = len(rows)
        for name, (text, subs) in qs.items():  # again, with RocksDB's block cache warm
            t = time.perf_counter()
            list(store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True,
                             substitutions={ox.Variable(k): v for k, v in subs.items()} or None))
            res[f"{name} warm ms"] = (time.perf_counter() - t) * 1000
        del store
    return res


def bench_rdflib(nq: Path, qs: Queries, timeout: float = 300.0) -> dict[str, float]:
    import rdflib

    res: dict[str, float] = {}
    ds = rdflib.Dataset(default_union=True)
    t = time.perf_counter()
    ds.parse(nq, format="nquads")
    res["load s"] = time.perf_counter() - t
    ns = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}
    for name, (text, subs) in qs.items():
        init = {rdflib.Variable(k): rdflib.Literal(v.value) for k, v in subs.items()}

        def run(text: str = text, init: dict = init) -> tuple[float, int]:  # type: ignore[type-arg]
            t = time.perf_counter()
            rows = list(ds.query(text, initNs=ns, initBindings=init))
            return (time.perf_counter() - t) * 1000, len(rows)

        ms, rows = _with_timeout(run, timeout)
        res[f"{name} ms"] = ms
        res[f"{name} rows"] = rows
    return res


def _with_timeout(fn: Callable[[], tuple[float, int]], timeout: float) -> tuple[float, int]:
    """Run ``fn`` in a forked child (the loaded store is shared copy-on-write) and give up after ``timeout``.

    rdflib's engine cannot be interrupted, and some of our queries run for hours on it at 1M triples;
    a timed-out query is reported as infinite rather than stalling the whole benchmark.
    """
    if not hasattr(os, "fork"):
        return fn()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        ms, rows = fn()
        os.write(w, f"{ms} {rows}".encode())
        os._exit(0)
    os.close(w)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            data = os.read(r, 100).decode().split()
            os.close(r)
            return float(data[0]), int(data[1])
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(r)
    return math.inf, -1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=100_000, help="about how many quads to generate")
    ap.add_argument("--engines", default="oxigraph,rdflib", help="comma-separated: oxigraph, rdflib")
    ap.add_argument("--rdflib-timeout", type=float, default=300.0,
                    help="give up on an rdflib query after this many seconds (reported as inf)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        nq = Path(d) / "bench.nq"
        t = time.perf_counter()
        n, person, org = generate(args.triples, nq)
        print(f"generated {n:,} quads in {time.perf_counter() - t:.1f} s (probe person {person}, org {org})",
              flush=True)
        qs = queries(person, org)
        results = {}
        for engine in args.engines.split(","):
            engine = engine.strip()
            results[engine] = (bench_oxigraph(nq, qs) if engine == "oxigraph"
                               else bench_rdflib(nq, qs, timeout=args.rdflib_timeout))
            print(f"{engine}: " + ", ".join(f"{k} {v:,.1f}" if "rows" not in k else f"{k} {v:.0f}"
                                            for k, v in results[engine].items()), flush=True)
    engines = list(results)
    print(f"\n| measure ({n:,} quads) | " + " | ".join(engines) + " |")
    print("|---|" + "---:|" * len(engines))
    for key in results[engines[0]]:
        if key.endswith("rows"):
            continue
        rows_key = key.replace(" warm ms", " rows").replace(" ms", " rows")
        rows = int(results[engines[0]].get(rows_key, 0)) if key.endswith("ms") else None
        label = f"{key} ({rows} rows)" if rows is not None else key
        cells = [f"{results[e][key]:,.1f}" if key in results[e] else "-" for e in engines]
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
