"""The layout drawn in README's Development section, held against the code's imports.

Every ``import kg…`` in kg/ counts, those inside functions too: a lazy import
still makes the importer depend on what it imports. A module may import from
its own floor or below, never above, and no chain of imports may come back to
where it started.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

# the README's drawing, ground floor first; a module belongs to the longest entry that names it or its package
FLOORS: list[list[str]] = [
    ["kg.resources", "kg.io", "kg.text", "kg.model", "kg.vocab"],
    ["kg.lexicon", "kg.ingest", "kg.topics"],
    ["kg.extract", "kg.extract.events"],
    ["kg.link"],
    ["kg.rdf", "kg.sparql", "kg.results"],
    ["kg.store"],
    ["kg.linkstore", "kg.pipeline", "kg.query", "kg.explain", "kg.timeline", "kg.validate", "kg.views", "kg.push"],
    ["kg.serve", "kg.export"],
    ["kg.cli"],
    ["kg", "kg.__main__"],
]


def module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(KG.rglob("*.py"))}


def floor(module: str) -> int:
    best = max((entry for row in FLOORS for entry in row if module == entry or module.startswith(entry + ".")),
               key=len, default=None)
    if best is None:
        raise AssertionError(f"{module} is not in the drawing: add it to README's Development section and FLOORS")
    return next(i for i, row in enumerate(FLOORS) if best in row)


def imports(module: str) -> set[str]:
    """The kg modules ``module`` imports (``from kg.x import y`` is kg.x.y when that is a module, else kg.x)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name == "kg" or a.name.startswith("kg."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
                node.module == "kg" or node.module.startswith("kg.")):
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.add(sub if sub in MODULES else node.module)
    return out - {module}


GRAPH = {m: imports(m) for m in MODULES}


def test_every_module_is_drawn() -> None:
    for m in MODULES:
        floor(m)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_from_a_floor_above(module: str) -> None:
    up = sorted(i for i in GRAPH[module] if floor(i) > floor(module))
    assert not up, f"{module} (floor {floor(module)}) imports from above: {up}"


def test_no_import_cycle() -> None:
    done: set[str] = set()

    def visit(m: str, path: list[str]) -> None:
        if m in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(m):], m]))
        if m in done:
            return
        for n in sorted(GRAPH.get(m, ())):
            visit(n, [*path, m])
        done.add(m)

    for m in sorted(MODULES):
        visit(m, [])


def test_vocabularies_are_closed() -> None:
    """A misspelt term fails at once instead of minting an IRI no query finds."""
    from kg.vocab import KG, ORG, SDO, SEM

    for ns in (KG, ORG, SDO, SEM):
        with pytest.raises(AttributeError):
            ns.NoSuchTerm  # noqa: B018
