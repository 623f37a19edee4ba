"""SPARQL as text: parameters bound into a query, the parser's complaints made readable, IRIs made short.

Below the store because the store binds parameters when it runs a query; the
named queries and result tables a user sees are kg.query's, one floor up.
``GraphStore.query`` binds each parameter through pyoxigraph's
``substitutions`` when the query returns that variable (or is an ASK,
CONSTRUCT, DESCRIBE or ``SELECT *``; see ``projected_variables``): the
optimiser then treats it as a constant even inside subqueries, which is what
keeps ``about`` fast. pyoxigraph refuses substitutions for a variable a SELECT
does not project, so such a binding is written into the query by
``bind_params`` as ``VALUES ?name { value }`` at the start of the outer group
pattern. The query text itself is never edited otherwise, so it stays the one
written (and runs unchanged on rdflib, as the benchmark does).
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.vocab import PREFIXES

# SPARQL Update verbs after any prologue: what a read-only endpoint refuses by name rather than as a syntax error
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


class QueryError(Exception):
    """A query the user got wrong; ``status`` is the exit status (2 for syntax, as for usage errors)."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


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


def syntax_message(exc: SyntaxError, prefixes: dict[str, str] = PREFIXES, endpoint: bool = False) -> str:
    """The parser's message on one line; an unknown prefix said in words, since its list of expected characters
    hides the point.

    A terminal gets a short line (long "expected one of" lists cut). An
    endpoint's client may declare prefixes of its own, so it is told it can, and
    gets the parser's whole message.
    """
    msg = " ".join(str(exc).split())
    if "Prefix not found" in msg:
        head = msg.split(": expected", 1)[0]
        if endpoint:
            return (f"malformed query: {head}: unknown prefix (predeclared: {', '.join(prefixes)}; declare others "
                    f"with PREFIX). Parser: {msg}")
        return f"malformed query: {head}: unknown prefix (predeclared: {', '.join(prefixes)})"
    if endpoint:
        return f"malformed query: {msg}"
    if len(msg) > 200:
        msg = msg[:197] + "..."
    return f"malformed query: {msg}"


# ---------------------------------------------------------------- what a query asks for, before it runs

#: the scanner of ``_TOKEN`` with square brackets too (blank-node property lists nest as well)
_NEST = re.compile(_TOKEN.pattern.replace("[{}()])", r"[{}()\[\]])"))
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by their characters, as SPARQL 1.1 (19.2) says a parser may do
    before anything else, so a check of the text sees what such a parser would see."""
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else m.group(0)

    return _CODEPOINT.sub(char, text)


def _keywords(text: str) -> list[str]:
    out = []
    for t in (text, unescape_codepoints(text)):  # as written, and as a parser that unescapes first reads it
        out.extend(m.group("word").upper() for m in _NEST.finditer(t) if m.group("word"))
    return out


def uses_service(text: str) -> bool:
    """Whether the query has a ``SERVICE`` clause (outside comments, strings and IRIs): a federated query, which
    makes the engine send HTTP requests to whatever URL the query names."""
    return "SERVICE" in _keywords(text)


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its own dataset (``FROM`` or ``FROM NAMED``)."""
    return "FROM" in _keywords(text)


def nesting_depth(text: str) -> int:
    """How deep ``{}``, ``()`` and ``[]`` nest in the query (outside comments, strings and IRIs).

    The engine's parser recurses once a level: a few thousand levels overflow
    its stack and kill the process, so an endpoint refuses deep nesting first.
    """
    depth = deepest = 0
    for t in (text, unescape_codepoints(text)):
        depth = 0
        for m in _NEST.finditer(t):
            b = m.group("bracket")
            if b in ("{", "(", "["):
                depth += 1
                deepest = max(deepest, depth)
            elif b:
                depth = max(0, depth - 1)
    return deepest


def dataset_options(text: str, union: bool = False) -> dict[str, bool]:
    """pyoxigraph's dataset keywords for ``text``: the store's default graph (the merged graph, every fact once),
    or with ``union`` (a store built before the merged graph) the union of all graphs, unless the query names its
    own with FROM / FROM NAMED, which then holds as SPARQL says (FROM NAMED alone: an empty default graph)."""
    if has_dataset_clause(text):
        return {}
    return {"use_default_graph_as_union": True} if union else {}


def compact(iri: str) -> str:
    """Shortest prefixed form, for reading; csv/tsv/json keep full IRIs as the standards say."""
    best = iri
    for p, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) - len(ns) + len(p) + 1 < len(best):
            best = f"{p}:{iri[len(ns):]}"
    return best


def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update (comments ignored): such text is refused, never parsed as a query."""
    return bool(_UPDATE.match(re.sub(r"#[^\n]*", " ", text)))


__all__ = ["QueryError", "bind_params", "compact", "dataset_options", "has_dataset_clause", "is_update",
           "nesting_depth", "outer_group", "param_term", "projected_variables", "substitutions", "syntax_message",
           "unescape_codepoints", "uses_service"]
