"""SPARQL for analysts: predeclared prefixes, named queries from queries/*.rq, readable result tables.

A named query file starts with ``# one-line description``; parameters are
declared by ``# @param name: what it is`` lines and bound with
``--param name=value``: the binding is added as ``VALUES ?name { value }`` at
the start of the query's outer WHERE block. An inline VALUES rather than
pyoxigraph's ``substitutions`` because those only bind projected variables,
and rather than string replacement because the query stays the one written
(and runs unchanged on rdflib, as the benchmark does).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.vocab import PREFIXES

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s*:?\s*(.*)$")


class QueryError(Exception):
    """A query the user got wrong; ``status`` is the exit status (2 for syntax, as for usage errors)."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class NamedQuery:
    name: str
    description: str
    text: str
    params: dict[str, str] = field(default_factory=dict)


def load_named(directory: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    out: dict[str, NamedQuery] = {}
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        desc = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else ""
        params = {m.group(1): m.group(2).strip() for ln in lines if (m := _PARAM.match(ln.strip()))}
        out[path.stem] = NamedQuery(path.stem, desc, text, params)
    return out


def get_named(name: str, directory: Path = QUERY_DIR) -> NamedQuery:
    queries = load_named(directory)
    if name not in queries:
        raise QueryError(f"no named query {name!r} (kg query --list shows them)")
    return queries[name]


def parse_param(spec: str) -> tuple[str, str]:
    name, sep, value = spec.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"\w+", name):
        raise QueryError(f"bad --param {spec!r}: write it as name=value")
    return name, value


def param_term(value: str) -> ox.NamedNode | ox.Literal:
    """``<iri>`` or ``prefix:local`` (a known prefix) is an IRI; anything else is a plain string."""
    if value.startswith("<") and value.endswith(">"):
        return ox.NamedNode(value[1:-1])
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return ox.NamedNode(PREFIXES[prefix] + local)
    if value.startswith(("http://", "https://")):
        return ox.NamedNode(value)
    return ox.Literal(value)


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b[^{]*\{", re.IGNORECASE)


def bind_params(text: str, values: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Insert ``VALUES ?name { term }`` for each binding at the start of the outer WHERE block."""
    if not values:
        return text
    m = _WHERE.search(_strip_comments(text)) or _FORM.search(_strip_comments(text))
    if m is None:
        raise QueryError("cannot bind --param: the query has no WHERE block")
    inline = " ".join(f"VALUES ?{k} {{ {v} }}" for k, v in values.items())
    return f"{text[:m.end()]} {inline} {text[m.end():]}"


def _strip_comments(text: str) -> str:
    """Blank out # comments (keeping offsets) so a 'where {' in a comment is not taken for the real one."""
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text)


def substitutions(params: dict[str, str], required: dict[str, str] | None = None, query_name: str = ""
                  ) -> dict[str, ox.NamedNode | ox.Literal]:
    missing = [p for p in (required or {}) if p not in params]
    if missing:
        need = " ".join(f"--param {p}=VALUE" for p in missing)
        raise QueryError(f"query {query_name} needs {need} ({'; '.join(f'{p}: {required[p]}' for p in missing)})"
                         if required else f"missing {need}")
    return {k: param_term(v) for k, v in params.items()}


def syntax_message(exc: SyntaxError) -> str:
    """The parser's message on one line, long "expected one of" lists cut short."""
    msg = " ".join(str(exc).split())
    if "Prefix not found" in msg:
        head = msg.split(": expected", 1)[0]
        return f"malformed query: {head}: unknown prefix (predeclared: {', '.join(PREFIXES)})"
    if len(msg) > 200:
        msg = msg[:197] + "..."
    return f"malformed query: {msg}"


# ------------------------------------------------------------------ formatting


def compact(iri: str) -> str:
    """Shortest prefixed form, for reading; csv/tsv/json keep full IRIs as the standards say."""
    best = iri
    for p, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) - len(ns) + len(p) + 1 < len(best):
            best = f"{p}:{iri[len(ns):]}"
    return best


def display(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def width(text: str) -> int:
    """Columns on a terminal: East-Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def pad(text: str, cols: int) -> str:
    return text + " " * (cols - width(text))


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> str:
    """Results as text: aligned table, CSV/TSV, or the SPARQL 1.1 JSON results format."""
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result)}) + "\n"
        return ("true" if result else "false") + "\n"
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    if fmt == "json":
        return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
    header = [v.value for v in result.variables]
    rows: list[list[str]] = []
    for sol in result:
        if fmt == "table":
            rows.append([display(sol[h]) for h in header])
        else:
            rows.append([(sol[h].value if sol[h] is not None else "") for h in header])
    if fmt == "table":
        return table(header, rows)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


__all__ = [
    "QUERY_DIR",
    "NamedQuery",
    "QueryError",
    "bind_params",
    "compact",
    "get_named",
    "load_named",
    "param_term",
    "parse_param",
    "render",
    "substitutions",
    "syntax_message",
    "table",
    "width",
]
