"""SPARQL for analysts: named queries from queries/*.rq, parameters by name, readable result tables.

A named query file starts with ``# one-line description``; parameters are
declared by ``# @param name: what it is`` lines and bound with
``--param name=value`` (how a binding reaches the query: kg.sparql).
``run_query`` is `kg query` without the command line, for a notebook.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.resources import resource_dir
from kg.results import boolean, select_chunks, spreadsheet_safe
from kg.sparql import QueryError, compact, substitutions, syntax_message
from kg.store import GraphStore
from kg.text import normalise

_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s*:?\s*(.*)$")


@dataclass
class NamedQuery:
    name: str
    description: str
    text: str
    params: dict[str, str] = field(default_factory=dict)


def load_named(directory: Path | None = None) -> dict[str, NamedQuery]:
    out: dict[str, NamedQuery] = {}
    for path in sorted((directory or resource_dir("queries")).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        desc = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else ""
        params = {m.group(1): m.group(2).strip() for ln in lines if (m := _PARAM.match(ln.strip()))}
        out[path.stem] = NamedQuery(path.stem, desc, text, params)
    return out


def get_named(name: str, directory: Path | None = None) -> NamedQuery:
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


def list_named() -> str:
    """The named queries, one a line with their parameters, as `kg query --list` prints them."""
    named = load_named()
    wid = max((len(n) for n in named), default=0)
    lines = []
    for q in named.values():
        ps = " ".join(f"--param {p}=..." for p in q.params)
        lines.append(f"{q.name:<{wid}}  {q.description}" + (f"  [{ps}]" if ps else ""))
    return "".join(line + "\n" for line in lines)


def run_query(store: GraphStore | str | os.PathLike[str], sparql: str | None = None, file: str | None = None,
              name: str | None = None, params: list[str] | tuple[str, ...] = (), fmt: str = "table") -> str:
    """One query (its text, a .rq file or a named query) with ``NAME=VALUE`` parameters, rendered as ``fmt``.

    ``store`` may be a path, opened only once the query and its parameters are
    known to be right, so a mistake in them is reported first.
    """
    sources = [x for x in (sparql, file, name) if x]
    if len(sources) != 1:
        raise QueryError("give exactly one of: a SPARQL string, -f FILE, --name NAME (or --list)")
    required: dict[str, str] = {}
    label = "query"
    if name:
        nq = get_named(name)
        text, required, label = nq.text, nq.params, nq.name
    elif file:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read {file}: {exc.strerror or exc}", status=1) from exc
    else:
        text = str(sparql)
    values = dict(parse_param(p) for p in params)
    # names are stored normalised (simplified, NFKC): normalise plain-text values the same way
    values = {k: (v if v.startswith(("<", "http://", "https://")) or ":" in v else normalise(v))
              for k, v in values.items()}
    subs = substitutions(values, required, label)
    if not isinstance(store, GraphStore):
        store = GraphStore.open_existing(store)
    try:
        return render(store.query(text, subs), fmt)
    except SyntaxError as exc:
        raise QueryError(syntax_message(exc)) from exc


# ------------------------------------------------------------------ formatting


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
    """Results as text: aligned table, CSV/TSV of plain values, or SPARQL 1.1 JSON (kg.results, as kg serve sends it).

    CSV and TSV here are for spreadsheets and shell pipes, so they hold plain
    values; the endpoint's are the standard's, with N-Triples terms in TSV.
    """
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return boolean(bool(result), "json").decode("utf-8") + "\n"
        return ("true" if result else "false") + "\n"
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    header = [v.value for v in result.variables]
    if fmt == "json":
        return "".join(select_chunks(header, result, "json")) + "\n"
    rows: list[list[str]] = []
    for sol in result:
        if fmt == "table":
            rows.append([display(sol[h]) for h in header])
        else:
            rows.append([(spreadsheet_safe(sol[h].value) if sol[h] is not None else "") for h in header])
    if fmt == "table":
        return table(header, rows)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


__all__ = ["NamedQuery", "get_named", "list_named", "load_named", "parse_param", "render", "run_query", "table",
           "width"]
