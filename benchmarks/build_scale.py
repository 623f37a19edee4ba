"""How `kg build` scales: a generated corpus built end to end, rebuilt unchanged, rebuilt with 10 articles changed.

The corpus is made from the project's own sample articles (data/samples), their
people and places renamed article by article from pools shared by groups of
articles, so linking merges across articles as in a real crawl (the same
person at the same school in several articles). Every figure comes from
`kg build` run as a subprocess (so its workers' CPU and memory count):

- articles/s and CPU use (CPU seconds / wall seconds; 2.0 = both cores busy) of
  the first build, view included (``--html``), and its peak RSS (all of its
  processes together, and the main one);
- the store's size on disk and quads per article;
- rebuilding the unchanged corpus, and rebuilding it with 10 articles changed;
- each named query's time on the store (in-process pyoxigraph, a typical
  parameter, stopped after ``--query-timeout`` seconds);
- jieba.posseg over the same texts (in simplified script, as kg's tagger reads
  them), the floor: the ratio of CPU seconds kg/jieba is the figure that holds
  across machines (wall seconds depend on what else the machine runs).

    .venv/bin/python benchmarks/build_scale.py            # 1,000 articles
    .venv/bin/python benchmarks/build_scale.py --large    # and 10,000
    .venv/bin/python benchmarks/build_scale.py --sizes 200 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"
sys.path.insert(0, str(REPO))  # this checkout's kg, like the `python -m kg` it runs from REPO, not an installed one

SURNAMES = "柯陆濮訾冼笪佘鄢谯邴郗鞠蓟阙岑殷滕逄仉芮宓晏闵郦"
GIVEN = "远航书明子衡慕青南乔若岚星遥知秋思源望舒晓澄文澜述安云帆启德嘉禾"
PLACE_CHARS = "北岭南湾东屿西岑白沙青禾云台澄江临溪安澜柏舟松原枫亭槐川梧桐"
# the place-like words of the samples: each generated article renames them (organisations follow)
PLACES = ["宁川", "澄灣", "青岫", "岚峰", "澜岸", "恒拓", "湖滨", "滨湖"]
PER_GROUP = 5  # articles per group sharing one set of names: how often linking merges


def sample_articles() -> list[dict[str, str | None]]:
    """The samples as read by kg (cleaned text), with the person names kg finds in them."""
    from kg.extract import extract_article
    from kg.ingest import IngestError, iter_articles

    out = []
    for a in iter_articles([str(SAMPLES)]):
        if isinstance(a, IngestError):
            continue
        people = sorted({e.name for e in extract_article(a).entities if e.type == "Person"}, key=len, reverse=True)
        out.append({"title": a.title, "text": a.text, "published": a.published, "people": "\x1f".join(people)})
    return out


def _rename(text: str, names: dict[str, str]) -> str:
    if not names:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda m: names[m.group(0)], text)


SHARD = 1000  # articles per JSON-lines file (kg refuses files over --max-bytes)


def generate(n: int, out: Path, seed: int = 12) -> Path:
    """``n`` articles as a folder of JSON-lines files; the same ``n`` and seed always give the same files."""
    rng = random.Random(seed)
    samples = sample_articles()
    groups: dict[int, dict[str, str]] = {}

    def group_names(g: int) -> dict[str, str]:
        if g not in groups:
            r = random.Random(seed * 100_003 + g)
            names: dict[str, str] = {}
            for p in PLACES:
                names[p] = "".join(r.sample(PLACE_CHARS, 2))
            for s in samples:
                for person in str(s["people"]).split("\x1f"):
                    if person and person not in names:
                        names[person] = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))
            groups[g] = names
        return groups[g]

    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        names = group_names(rng.randrange(max(1, n // PER_GROUP)))
        picked = rng.sample(samples, rng.choice((1, 2, 2, 3)))
        text = "\n".join(_rename(str(s["text"]), names) for s in picked)
        rec = {"id": f"gen-{i:06d}", "title": _rename(str(picked[0]["title"]), names),
               "published": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
               "url": f"https://bench.example.org/{i:06d}.html", "text": text}
        lines.append(json.dumps(rec, ensure_ascii=False))
    _write_shards(out, lines)
    return out


def _write_shards(out: Path, lines: list[str]) -> None:
    for k in range(0, len(lines), SHARD):
        (out / f"part-{k // SHARD:04d}.jsonl").write_text("\n".join(lines[k:k + SHARD]) + "\n", encoding="utf-8")


def _lines(corpus: Path) -> list[str]:
    return [ln for f in sorted(corpus.glob("*.jsonl")) for ln in f.read_text(encoding="utf-8").splitlines()]


def change(corpus: Path, out: Path, count: int = 10, seed: int = 5) -> Path:
    """The same corpus with ``count`` articles edited (a sentence added): what the 10-changed rebuild reads."""
    lines = _lines(corpus)
    for i in random.Random(seed).sample(range(len(lines)), min(count, len(lines))):
        rec = json.loads(lines[i])
        rec["text"] += "\n会议还审议通过了年度工作报告。"
        lines[i] = json.dumps(rec, ensure_ascii=False)
    out.mkdir(parents=True, exist_ok=True)
    _write_shards(out, lines)
    return out


def kg_build(corpus: Path, store: Path, jobs: int, html: str) -> dict[str, float | str]:
    """Run `kg build` and watch its process tree (workers included): wall and CPU seconds, peak RSS of the tree."""
    import psutil

    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store), "--html", html]
    if jobs:
        cmd += ["-j", str(jobs)]
    t0 = time.monotonic()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO)
    cpu: dict[int, float] = {}
    peak = peak_main = 0.0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            rss = 0.0
            for p in tree:
                with p.oneshot():
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
                    rss += p.memory_info().rss
            peak, peak_main = max(peak, rss), max(peak_main, proc.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.1)
    wall = time.monotonic() - t0
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode:
        raise RuntimeError(f"kg build failed:\n{err[-3000:]}")
    summary = next((ln for ln in err.splitlines() if ln.startswith("kg: built")), "")
    return {"wall": wall, "cpu": sum(cpu.values()), "rss": peak / 2**20, "rss_main": peak_main / 2**20,
            "summary": summary}


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


_QUERY = """
import sys, time
from kg.query import run_query
store, name, *params = sys.argv[1:]
t0 = time.perf_counter()
out = run_query(store, name=name, params=params, fmt="tsv")
print(f"{time.perf_counter() - t0:.4f} {max(0, out.count(chr(10)) - 1)}")
"""


def query_times(store: Path, corpus: Path, timeout: float) -> dict[str, str]:
    """Each named query with a typical parameter: a person and an organisation that recur in the corpus."""
    from kg.query import load_named

    first = json.loads(_lines(corpus)[0])
    person = max(re.findall(r"校长([\u4e00-\u9fff]{2,3}?)[，、主出]", first["text"]) or ["濮子衡"], key=len)
    org = (re.findall(r"([\u4e00-\u9fff]{2}工程职业学院)", first["text"]) or ["宁川工程职业学院"])[0]
    params = {"person": person, "entity": org, "org": org, "keyword": "产教融合", "topic": "产教融合"}
    out: dict[str, str] = {}
    for name, nq in load_named().items():
        if any(p not in params for p in nq.params):
            out[name] = f"not run (no typical value for {', '.join(p for p in nq.params if p not in params)})"
            continue
        args = [f"{p}={params[p]}" for p in nq.params]
        try:
            p = subprocess.run([sys.executable, "-c", _QUERY, str(store), name, *args], capture_output=True,
                               text=True, cwd=REPO, timeout=timeout, check=False)
            secs, rows = p.stdout.split() if p.returncode == 0 else ("error", p.stderr.strip()[-200:])
            out[name] = f"{float(secs):.3f} s, {rows} rows" if secs != "error" else f"error: {rows}"
        except subprocess.TimeoutExpired:
            out[name] = f"> {timeout:.0f} s (stopped)"
        out[name] += f"  ({', '.join(args)})" if args else ""
    return out


def jieba_floor(corpus: Path) -> tuple[float, int]:
    """CPU seconds for jieba.posseg over every article's text, dictionary load excluded; and the characters.

    CPU rather than wall seconds, like kg's figure it is held against, so that
    other work on the machine does not move the ratio. Over the simplified-script
    form of each text, which is what kg's tagger reads too: jieba's dictionary is
    simplified only, and on traditional script its HMM is 50-100x slower, which
    would flatter kg (see benchmarks/extract_speed.py).
    """
    import jieba
    import jieba.posseg

    from kg.text import to_simplified

    jieba.setLogLevel(60)
    jieba.posseg.lcut("预热。")
    texts = [to_simplified(json.loads(ln)["text"]) for ln in _lines(corpus)]
    t0 = time.process_time()
    for t in texts:
        jieba.posseg.lcut(t)
    return time.process_time() - t0, sum(len(t) for t in texts)


def run(n: int, work: Path, jobs: int, timeout: float, skip_queries: bool) -> None:
    corpus = generate(n, work / f"corpus-{n}")
    store = work / f"store-{n}"
    html = str(work / f"view-{n}.html")
    print(f"\n## {n:,} articles ({du(corpus) / 1e6:.1f} MB of JSON lines)", flush=True)
    first = kg_build(corpus, store, jobs, html)
    quads = int(re.search(r"\((\d+) quads", str(first["summary"])).group(1))  # type: ignore[union-attr]
    size = du(store) + sum(du(p) if p.is_dir() else p.stat().st_size for p in work.glob(f"store-{n}.kgcache*"))
    built = float(re.search(r" in ([\d.]+) s,", str(first["summary"])).group(1))  # type: ignore[union-attr]
    print(f"first build: {first['wall']:.1f} s, {n / first['wall']:.1f} articles/s end to end "
          f"({built:.1f} s to the store, then {first['wall'] - built:.1f} s for start-up and the view); "
          f"CPU {first['cpu'] / first['wall']:.2f} cores, {first['cpu'] / n * 1000:.0f} CPU ms/article; "
          f"peak RSS {first['rss']:.0f} MB all processes, {first['rss_main']:.0f} MB main", flush=True)
    print(f"  {first['summary']}")
    print(f"store: {du(store) / 1e6:.1f} MB on disk ({du(store) / n / 1e3:.1f} KB/article; with the build cache "
          f"{size / 1e6:.1f} MB), {quads:,} quads, {quads / n:.0f} quads/article", flush=True)
    floor, chars = jieba_floor(corpus)
    print(f"floor: jieba.posseg over the same {chars:,} characters: {floor:.1f} CPU s; "
          f"kg build / jieba = {first['cpu'] / floor:.2f}x in CPU seconds", flush=True)
    again = kg_build(corpus, store, jobs, "")
    print(f"unchanged rebuild: {again['wall']:.1f} s  ({again['summary']})", flush=True)
    changed = kg_build(change(corpus, work / f"corpus-{n}-changed"), store, jobs, "")
    print(f"10 changed rebuild: {changed['wall']:.1f} s  ({changed['summary']})", flush=True)
    if not skip_queries:
        for name, figure in query_times(store, corpus, timeout).items():
            print(f"query {name}: {figure}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (default 1000)")
    ap.add_argument("--large", action="store_true", help="also 10,000 articles")
    ap.add_argument("--jobs", type=int, default=0, help="kg build -j (default: one per core)")
    ap.add_argument("--query-timeout", type=float, default=60.0, metavar="S")
    ap.add_argument("--no-queries", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="work here and keep the corpora and stores")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000] if args.large else [])
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-build-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for n in sizes:
            run(n, work, args.jobs, args.query_timeout, args.no_queries)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
