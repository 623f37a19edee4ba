"""What kg writes cannot be turned against its reader (issue 13): terminals, spreadsheets, XML tools, full disks.

Names and titles here carry ANSI escapes, C0/C1 controls, bidi overrides and
formula prefixes, as crawled pages can; every test reads what kg printed or
wrote back with the tool a user would point at it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.io import DiskFullError, write_atomic
from kg.results import select_chunks, spreadsheet_safe
from kg.store import GraphStore
from kg.views.netxml import ExportError, network_bytes
from tests.conftest import article, write

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
# what must never reach a terminal: ESC, CSI (8-bit), other C0/C1 controls but tab and newline, bidi overrides
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
EVIL = "钟离\x1b[2J\x1b]0;pwned\x07述安\x9b31m\u202e"  # a person's name as a hostile page could spell it
TEXT = f"{EVIL}出席=cmd|' /C calc'!A0研讨会并讲话。"


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("evil") / "store"
    store = GraphStore(path)
    event = "=cmd|' /C calc'!A0研讨会"
    g = article("evil", TEXT, entities=[(EVIL, "Person"), (event, "Event")],
                relations=[(EVIL, "attended", event), (EVIL, "spokeAt", event)])
    write(store, [g])
    store.flush()
    del store
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_terminal_output_carries_no_control_characters(evil_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(evil_store)
    for args in (("query", "--store", store, "SELECT ?n WHERE { ?e rdfs:label ?n }"),
                 ("explain", "--store", store, EVIL),
                 ("stats", "--store", store),
                 ("query", "--store", store, "--format", "json", "SELECT ?n WHERE { ?e rdfs:label ?n }"),
                 ("stats", "--store", store, "--format", "json")):
        status, out, err = cli(capsys, *args)
        assert status == 0, (args, err)
        assert "钟离" in out and "述安" in out, args
        assert not UNSAFE.search(out), (args, out)
        if "json" not in args:  # the whole escape sequence goes, not just its ESC
            assert "[2J" not in out and "pwned" not in out and "31m" not in out, (args, out)
    status, out, _ = cli(capsys, "query", "--store", store, "--format", "json", "SELECT ?n WHERE { ?e rdfs:label ?n }")
    assert "\\u001b[2J" in out and "\\u009b" in out  # JSON keeps them, escaped: lossless, and inert on a terminal


def test_error_lines_carry_no_control_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "explain", "--store", str(tmp_path / "no\x1b[31mstore"), "x")
    assert status != 0 and "store" in err and not UNSAFE.search(err)


def test_csv_neutralises_formula_prefixes_but_keeps_numbers(evil_store: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "query", "--store", str(evil_store), "--format", "csv",
                         'SELECT ?n ?k WHERE { ?e a kg:Event ; rdfs:label ?n BIND(-5 AS ?k) }')
    assert status == 0
    assert "'=cmd|' /C calc'!A0研讨会,-5" in out.splitlines()
    assert [spreadsheet_safe(v) for v in ("=1+1", "+cmd", "-x", "@SUM(A1)", "-5", "+1.5e3", "\tx", "ok")] == [
        "'=1+1", "'+cmd", "'-x", "'@SUM(A1)", "-5", "+1.5e3", "'\tx", "ok"]
    rows = [{"v": ox.Literal("=HYPERLINK(\"http://x\")")}]
    csv = "".join(select_chunks(["v"], rows, "csv"))  # the endpoint's SPARQL CSV stays exact: machines read it
    assert csv == 'v\r\n"=HYPERLINK(""http://x"")"\r\n'


GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
NMTOKEN = re.compile(r"^[\w.:-]+$")


def test_network_exports_hold_any_name_and_validate(evil_store: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"g.{fmt}"
        status, _, err = cli(capsys, "export", "--store", str(evil_store), "--format", fmt, "-o", str(out))
        assert status == 0, err
        root = ET.parse(out).getroot()  # well-formed XML, or this raises
        text = out.read_text(encoding="utf-8")
        assert "钟离" in text and not re.search(r"&#(x0*1b|0*27);|\x1b", text, re.I)
        g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        assert g.number_of_edges() == 2
        if fmt == "graphml":  # the schema's rules that networkx's writer broke: unique NMTOKEN edge ids
            nodes = {n.get("id") for n in root.iter(f"{GRAPHML}node")}
            edges = list(root.iter(f"{GRAPHML}edge"))
            ids = [e.get("id") for e in edges]
            assert len(ids) == len(set(ids)) == 2 and all(i and NMTOKEN.match(i) for i in ids)
            assert all(e.get("source") in nodes and e.get("target") in nodes for e in edges)
            keys = {k.get("id") for k in root.iter(f"{GRAPHML}key")}
            assert all(d.get("key") in keys for d in root.iter(f"{GRAPHML}data"))


def test_the_sample_graphml_has_unique_edge_ids(sample_store: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.graphml"
    assert cli(capsys, "export", "--store", str(sample_store), "--format", "graphml", "-o", str(out))[0] == 0
    ids = [e.get("id") for e in ET.parse(out).getroot().iter(f"{GRAPHML}edge")]
    assert len(ids) > 10 and len(ids) == len(set(ids))


def test_a_malformed_export_is_an_error_and_the_old_file_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               evil_store: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.gexf"
    out.write_text("old", encoding="utf-8")

    def broken(G: object, fh: object, encoding: str = "utf-8") -> None:
        fh.write(b"<gexf><node label='\x01'></gexf>")  # type: ignore[attr-defined]

    monkeypatch.setattr(nx, "write_gexf", broken)
    with pytest.raises(ExportError, match="not well-formed"):
        network_bytes(nx.MultiDiGraph(), "gexf")
    status, _, err = cli(capsys, "export", "--store", str(evil_store), "--format", "gexf", "-o", str(out))
    assert status == 1 and "not well-formed XML" in err
    assert out.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["g.gexf"]


# ------------------------------------------------------------------ a full disk


@contextlib.contextmanager
def tiny_disk(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path``: a real device that fills up. Needs root (CI runs as root)."""
    path.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                         text=True, timeout=30)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


def test_a_full_disk_during_a_build_is_reported_as_such_with_a_summary(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", "600k") as disk:
        res = subprocess.run([sys.executable, "-m", "kg", "build", str(SAMPLES), "--store", str(disk / "store"),
                              "--html", str(disk / "graph.html")], capture_output=True, text=True, cwd=ROOT,
                             timeout=300)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    [stopped] = [ln for ln in res.stderr.splitlines() if "build stopped, the disk is full" in ln]
    assert re.search(r"\d+ articles written, \d+ not attempted", stopped)
    assert re.search(r"^kg: built \d+ articles into .* failed", res.stderr, re.M)
    # one line per article at most: no error per remaining input file
    assert len([ln for ln in res.stderr.splitlines() if ln.startswith("kg: error:")]) <= 2
    with tiny_disk(tmp_path / "tiny", "100k") as disk:  # too small for the store even to open
        res = subprocess.run([sys.executable, "-m", "kg", "build", str(SAMPLES), "--store", str(disk / "store")],
                             capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 1 and res.stderr.startswith("kg: error: disk full: cannot open graph store")


def test_a_full_disk_while_writing_a_file_or_stdout_says_disk_full(tmp_path: Path, sample_store: Path) -> None:
    with tiny_disk(tmp_path / "disk", "64k") as disk:
        (disk / "g.nt").write_text("old\n", encoding="utf-8")
        with pytest.raises(DiskFullError, match=r"disk full: cannot write .*g\.nt .*left as it was"):
            write_atomic(disk / "g.nt", lambda fh: fh.write(b"x" * 200_000))
        assert (disk / "g.nt").read_text(encoding="utf-8") == "old\n" and len(list(disk.iterdir())) == 1
    with open("/dev/full", "wb") as full:
        res = subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(sample_store), "--format", "nt",
                              "-o", "-"], stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == ["kg: error: disk full: cannot write standard output "
                                               "(No space left on device)"]
    with open("/dev/full", "wb") as full:
        res = subprocess.run([sys.executable, "-m", "kg", "query", "--store", str(sample_store),
                              "SELECT * WHERE { ?s ?p ?o }"], stdout=full, stderr=subprocess.PIPE, text=True,
                             cwd=ROOT, timeout=120)
    assert res.returncode == 1 and res.stderr.startswith("kg: error: disk full") and "Exception" not in res.stderr
