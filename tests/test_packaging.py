"""What a new user's first commands rely on: shipped files found from a wheel and a checkout, declared
dependencies, folders made on demand, `-o -`, `--version`, and files that follow the umask.

The full proof (a wheel installed into a fresh venv, run from another directory) is `.ci/wheel-smoke`,
which `.ci/run` runs on every submission; these tests catch the same breakages in seconds.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from kg.io import write_atomic
from kg.resources import CHECKOUT_DIRS, ResourceError, resource, resource_dir
from kg.store import GraphStore

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11's tomllib")
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, cwd=cwd, timeout=300)


def test_every_resource_kind_is_found_from_the_checkout() -> None:
    for kind, folder in CHECKOUT_DIRS.items():
        assert resource_dir(kind) == ROOT / folder
    assert resource("lexicons", "titles.txt").read_text(encoding="utf-8").startswith("#")
    with pytest.raises(ResourceError, match=r"no_such\.rq"):
        resource("queries", "no_such.rq")


def test_the_wheel_carries_lexicons_ontology_queries_and_samples(tmp_path: Path) -> None:
    leftover = not (ROOT / "build").exists()  # setuptools builds in the tree; tidy up what this test made
    # build isolation fetches pyproject's setuptools (the venv's own may be too old), as any pip install does
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                            str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True, timeout=300,
                           cwd=tmp_path)
    if leftover:
        shutil.rmtree(ROOT / "build", ignore_errors=True)
    assert built.returncode == 0, built.stderr
    (tmp_path / "dist").rename(tmp_path / "wheel")
    (wheel,) = (tmp_path / "wheel").glob("kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind, folder in CHECKOUT_DIRS.items():
        shipped = {p.name for p in (ROOT / folder).iterdir() if p.is_file()}
        assert shipped and {f"kg/_resources/{kind}/{n}" for n in shipped} <= names, kind
    assert "kg/views/assets/vis-network.min.js" in names


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "kg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m != "kg" and m not in sys.stdlib_module_names}


def _name(requirement: str) -> str:
    for stop in "<>=![; ":
        requirement = requirement.split(stop)[0]
    return requirement.lower().replace("_", "-")


def test_every_package_kg_imports_is_a_declared_runtime_dependency() -> None:
    declared = {_name(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    dists = packages_distributions()
    for module in _third_party_imports():
        owners = {_name(d) for d in dists.get(module, [])}
        assert owners & declared, f"kg imports {module} (from {owners or 'no installed distribution'}), " \
                                  "which pyproject.toml's dependencies do not declare"


def test_test_and_benchmark_packages_are_extras_not_runtime_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    assert not runtime & {"pytest", "playwright", "sparqlwrapper", "ruff"}
    assert "jieba" in runtime  # kg.topics' keywords at run time, no longer the benchmarks' alone
    assert "lxml-html-clean" in runtime  # trafilatura's cleaner, which old pips do not pull in through an extra
    assert {"pytest", "playwright"} <= {_name(r) for r in project["optional-dependencies"]["test"]}


def test_version_is_printed() -> None:
    res = run("--version")
    assert res.returncode == 0 and res.stdout.decode().startswith("kg ")


def test_a_store_in_folders_that_do_not_exist_yet_is_created(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "outputs" / "nested" / "store")
    assert len(store) == 0
    assert (tmp_path / "outputs" / "nested" / "store").is_dir()


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        out = write_atomic(tmp_path / "new" / "file.txt", lambda fh: fh.write(b"x"))
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o640


def test_dash_writes_views_and_exports_to_standard_output(sample_store: Path, tmp_path: Path) -> None:
    page = run("viz", "--store", str(sample_store), "-o", "-", cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith(b"<!DOCTYPE html>") and b"standard output" in page.stderr
    for fmt, head in (("graphml", b"<?xml"), ("nt", b"<")):
        res = run("export", "--store", str(sample_store), "--format", fmt, "-o", "-", cwd=tmp_path)
        assert res.returncode == 0 and res.stdout.startswith(head), res.stderr
    assert not list(tmp_path.iterdir())  # nothing written to a file named "-"


def test_samples_prints_the_bundled_folder() -> None:
    res = run("samples", cwd=Path("/"))
    assert res.returncode == 0
    assert Path(res.stdout.decode().strip()) == ROOT / "data" / "samples"
