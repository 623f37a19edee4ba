"""SPARQL for analysts: predeclared prefixes, named queries from queries/*.rq, readable result tables.

A named query file starts with ``# one-line description``; parameters are
declared by ``# @param name: what it is`` lines and bound with
``--param name=value``. ``GraphStore.query`` binds each one through
pyoxigraph's ``substitutions`` when the query returns that variable (or is an
ASK, CONSTRUCT, DESCRIBE or ``SELECT *``; see ``projected_variables``): the
optimiser then treats it as a constant even inside subqueries, which is what
keeps ``about`` fast. pyoxigraph refuses substitutions for a variable a SELECT
does not project, so such a binding is written into the query by
``bind_params`` as ``VALUES ?name { value }`` at the start of the outer group
pattern. The query text itself is never edited otherwise, so it stays the one
written (and runs unchanged on rdflib, as the benchmark does).
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

from kg.resources import resource_dir
from kg.vocab import PREFIXES

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


#: what the scanner skips: comments, strings (long and short), IRIs, variables; and what it reports: words, brackets
_TOKEN = re.compile(
    r"(?P<skip>#[^\n]*"  # comment
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"  # long strings
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n]|\\.)*'"  # short strings
    r'|"(?:[^"\\\n]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # IRI
    r"|[?$]\w+)"  # variable
    r"|(?P<word>[A-Za-z_][\w\-.]*(?::[\w\-.]*)?)"  # keyword or prefixed name
    r"|(?P<bracket>[{}()])")
_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def _tokens(text: str) -> list[tuple[str, int]]:
    """Keywords (upper-cased) and brackets of ``text`` with their offsets, outside comments, strings and IRIs."""
    out = []
    for m in _TOKEN.finditer(text):
        if m.group("word"):
            out.append((m.group("word").upper(), m.start()))
        elif m.group("bracket"):
            out.append((m.group("bracket"), m.start()))
    return out


def outer_group(text: str) -> int:
    """Offset just after the ``{`` that opens the query's outer WHERE group pattern.

    Supported forms: ``SELECT … WHERE {``, ``SELECT … {`` (WHERE is optional),
    ``ASK [WHERE] {``, ``DESCRIBE … [WHERE] {``, ``CONSTRUCT { template }
    [WHERE] {``, each after any PREFIX/BASE prologue. The first ``{`` at
    nesting depth 0 after the query form is the outer group, so a subquery's
    own ``WHERE {`` is never taken for it, nor is a brace in a comment, string,
    IRI or a parenthesised ``EXISTS { }`` in the select clause. Raises
    QueryError for the short ``CONSTRUCT WHERE { }`` form, where VALUES is not
    allowed, and for a query with no group pattern.
    """
    toks = _tokens(text)
    form = next((i for i, (t, _) in enumerate(toks) if t in _FORMS), None)
    if form is None:
        raise QueryError("cannot bind --param: no SELECT, CONSTRUCT, ASK or DESCRIBE found")
    skip_template = toks[form][0] == "CONSTRUCT"
    parens = braces = 0
    for i in range(form + 1, len(toks)):
        t, pos = toks[i]
        if t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif t == "{" and parens == 0:
            if braces == 0 and not skip_template:
                return pos + 1
            if braces == 0 and toks[i - 1][0] == "WHERE":
                raise QueryError("cannot bind --param in the short CONSTRUCT WHERE { } form: write the template")
            braces += 1
        elif t == "}" and parens == 0:
            braces -= 1
            if braces == 0:
                skip_template = False  # the CONSTRUCT template is closed: the next group is the pattern
    raise QueryError("cannot bind --param: the query has no WHERE block")


def bind_params(text: str, values: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Insert ``VALUES ?name { term }`` for each binding at the start of the outer group pattern (``outer_group``)."""
    if not values:
        return text
    at = outer_group(text)
    inline = " ".join(f"VALUES ?{k} {{ {v} }}" for k, v in values.items())
    return f"{text[:at]} {inline} {text[at:]}"


def projected_variables(text: str) -> frozenset[str] | None:
    """Names of the variables a SELECT returns; None for the forms where pyoxigraph substitutes any variable.

    Read from pyoxigraph's own parse (the query run on an empty in-memory
    store costs well under a millisecond), so aggregates, ``SELECT *`` and
    subqueries count exactly as pyoxigraph counts them. ASK, CONSTRUCT and
    DESCRIBE accept substitutions for any variable, hence None.
    Raises SyntaxError for a malformed query, as running it would.
    """
    res = ox.Store().query(text, prefixes=PREFIXES)
    if isinstance(res, ox.QuerySolutions):
        return frozenset(v.value for v in res.variables)
    return None


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
    "NamedQuery",
    "QueryError",
    "bind_params",
    "compact",
    "get_named",
    "load_named",
    "outer_group",
    "param_term",
    "parse_param",
    "projected_variables",
    "render",
    "substitutions",
    "syntax_message",
    "table",
    "width",
]
