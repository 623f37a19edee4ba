"""The SPARQL 1.1 Protocol's vocabulary: limits, media types, content negotiation and the refusals.

What a request may ask for and how it is refused, with no socket and no store:
the worker side (kg.serve.execute) and the HTTP side (kg.serve.http) both
speak it. Status codes: 400 malformed query (the parser's message), 403 SPARQL
Update or a foreign Host header, 404 unknown path, 405 wrong method, 406 no
acceptable format, 408 a request not sent within --client-timeout, 411 POST
without Content-Length, 413 request body too large, 414 query string too long,
415 wrong Content-Type, 422 result over the row/byte limit, 500 store error or
a query that crashed its worker, 503 time or memory limit exceeded, or the
endpoint busy (too many waiting, or waited too long: with Retry-After). 400
also answers SERVICE (unless --allow-service), a bad graph IRI and nesting
deeper than MAX_NESTING.
"""

from __future__ import annotations

import pyoxigraph as ox

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_BYTES = 50_000_000
DEFAULT_MAX_QUERY_BYTES = 1_000_000
DEFAULT_WORKERS = 2
DEFAULT_MAX_MEMORY_MB = 1024  # a query worker's resident size past which its query is cancelled
DEFAULT_MAX_WAITING = 512  # requests that may wait for a worker; more get 503 at once
DEFAULT_CLIENT_TIMEOUT = 20.0  # seconds a connection has to send a whole request (and to take the answer)
DEFAULT_MAX_CONNECTIONS = 1024  # open connections; more are answered 503 and closed
LISTEN_BACKLOG = 1024  # connections the kernel queues before accept (the socketserver default is 5)
MAX_NESTING = 500  # bracket levels a query may nest; the engine's parser overflows its stack a few thousand deep

# media type -> format name; the first entry of each kind is the default for */*
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/html": "html",
}
RDF_TYPES: dict[str, str] = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/n-triples": "ntriples", "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml", "application/xml": "rdfxml",
}
RESULT_CONTENT_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                        "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
                        "html": "text/html; charset=utf-8"}
RDF_FORMATS = {"turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
               "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
               "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
               "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml")}
# ?format= / ?output= names (what SPARQLWrapper and HTML forms send), read as media types put before Accept
FORMAT_PARAM: dict[str, list[str]] = {
    "json": ["application/sparql-results+json", "application/ld+json"],
    "xml": ["application/sparql-results+xml", "application/rdf+xml"],
    "csv": ["text/csv"], "tsv": ["text/tab-separated-values"], "html": ["text/html"],
    "turtle": ["text/turtle"], "ttl": ["text/turtle"],
    "json-ld": ["application/ld+json"], "jsonld": ["application/ld+json"],
    "nt": ["application/n-triples"], "ntriples": ["application/n-triples"], "n-triples": ["application/n-triples"],
    "rdf+xml": ["application/rdf+xml"], "rdfxml": ["application/rdf+xml"],
}

class ServeError(Exception):
    """A request the endpoint refuses; ``status`` is the HTTP status, the message goes in the body as is."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


# ---------------------------------------------------------------- content negotiation


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (by q, then as listed); no header means ``*/*``."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    out: list[tuple[int, str, float]] = []
    for i, part in enumerate(header.split(",")):
        bits = [b.strip() for b in part.split(";")]
        mt, q = bits[0].lower(), 1.0
        for b in bits[1:]:
            k, _, v = b.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if mt:
            out.append((i, mt, q))
    out.sort(key=lambda t: (-t[2], t[0]))
    return [(mt, q) for _, mt, q in out]


def negotiate(accept: list[tuple[str, float]], table: dict[str, str]) -> str | None:
    """The format name for the best acceptable media type in ``table``; None if nothing in it is acceptable.

    RFC 9110 rules: each of the table's media types gets the q of the most
    specific range that matches it (``text/csv`` before ``text/*`` before
    ``*/*``, so ``text/csv;q=0, text/*`` rules CSV out); the highest q wins,
    then the range the client listed first, then the table's order. A wildcard
    range only matches a format's own media type (the one the answer is sent
    as, RESULT_CONTENT_TYPES / RDF_FORMATS), never an alias: ``text/*`` means
    a text type, and ``text/xml`` is only an alias of SPARQL XML, which is
    sent as application/sparql-results+xml.
    """
    return negotiate_type(accept, table)[0]


def negotiate_type(accept: list[tuple[str, float]], table: dict[str, str]) -> tuple[str | None, str | None]:
    """``negotiate``, and the media type of ``table`` that won (None, None when nothing is acceptable)."""
    ranges = [(mt.split(";")[0].strip(), q, i) for i, (mt, q) in enumerate(accept)]
    canonical = _canonical_types(table)
    best: tuple[float, int, int] | None = None
    won: tuple[str | None, str | None] = (None, None)
    for pref, (mtype, name) in enumerate(table.items()):
        major = mtype.split("/")[0] + "/*"
        match: tuple[int, float, int] | None = None  # (specificity, q, position in Accept)
        for rng, q, i in ranges:
            if rng == mtype:
                spec = 2
            elif mtype in canonical and (rng == major or rng == "*/*"):
                spec = 1 if rng == major else 0
            else:
                continue
            if match is None or spec > match[0]:
                match = (spec, q, i)
        if match is None or match[1] <= 0:
            continue
        key = (-match[1], match[2], pref)
        if best is None or key < best:
            best, won = key, (name, mtype)
    return won


def _canonical_types(table: dict[str, str]) -> set[str]:
    """The media types in ``table`` that its formats are sent as (what a wildcard range may pick)."""
    sent = {v.split(";")[0] for v in RESULT_CONTENT_TYPES.values()} | {ct.split(";")[0] for _, ct in
                                                                           RDF_FORMATS.values()}
    return {mt for mt in table if mt in sent}


def accept_with_format(accept_header: str | None, fmt: str | None) -> list[tuple[str, float]]:
    """``?format=json`` (SPARQLWrapper, HTML forms) ranks its media types before those of the Accept header."""
    accept = parse_accept(accept_header)
    if fmt:
        f = fmt.strip().lower()
        wanted = FORMAT_PARAM.get(f) or ([f] if "/" in f else [])
        accept = [(mt, 2.0) for mt in wanted] + accept
    return accept



# ---------------------------------------------------------------- the service description

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
_SD_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
               "N-Triples", "RDF_XML", "JSON-LD"]
SD_TYPES: dict[str, str] = {"text/turtle": "turtle", "application/ld+json": "jsonld",
                            "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml",
                            "text/html": "html", "application/x-turtle": "turtle", "text/plain": "ntriples",
                            "application/xml": "rdfxml", "application/json": "jsonld"}


def service_description(endpoint: str, *, allow_service: bool, limits: dict[str, str]) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of the endpoint (what GET on it without a query answers).

    Says what a client can rely on: SPARQL 1.1 Query only (no Update), the
    result formats, the union of all graphs as the default graph
    (sd:UnionDefaultGraph), federation only when it was allowed, and the
    limits as comments.
    """
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    comment = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    svc = ox.NamedNode(endpoint)
    ds, dg = ox.BlankNode("dataset"), ox.BlankNode("default")

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    out = [ox.Triple(svc, rdf_type, sd("Service")), ox.Triple(svc, sd("endpoint"), svc),
           ox.Triple(svc, sd("supportedLanguage"), sd("SPARQL11Query")),
           ox.Triple(svc, sd("feature"), sd("UnionDefaultGraph")),
           ox.Triple(svc, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
           ox.Triple(svc, sd("defaultDataset"), ds), ox.Triple(ds, rdf_type, sd("Dataset")),
           ox.Triple(ds, sd("defaultGraph"), dg), ox.Triple(dg, rdf_type, sd("Graph")),
           ox.Triple(dg, comment, ox.Literal("the merged graph: each article graph's triples once, and metadata")),
           ox.Triple(svc, comment, ox.Literal("read-only: SPARQL Update is refused (403)"))]
    if allow_service:
        out.append(ox.Triple(svc, sd("feature"), sd("BasicFederatedQuery")))
    else:
        out.append(ox.Triple(svc, comment, ox.Literal("SERVICE (federated query) is refused (400)")))
    out += [ox.Triple(svc, sd("resultFormat"), ox.NamedNode(FORMATS_NS + f)) for f in _SD_FORMATS]
    out += [ox.Triple(svc, comment, ox.Literal(f"limit: {k} {v}")) for k, v in limits.items()]
    return out


__all__ = ["DEFAULT_CLIENT_TIMEOUT", "DEFAULT_HOST", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_CONNECTIONS",
           "DEFAULT_MAX_MEMORY_MB", "DEFAULT_MAX_QUERY_BYTES", "DEFAULT_MAX_ROWS", "DEFAULT_MAX_WAITING",
           "DEFAULT_PORT", "DEFAULT_TIMEOUT", "DEFAULT_WORKERS", "FORMAT_PARAM", "LISTEN_BACKLOG", "MAX_NESTING",
           "RDF_FORMATS", "RDF_TYPES", "RESULT_CONTENT_TYPES", "RESULT_TYPES", "SD_TYPES", "ServeError",
           "accept_with_format", "negotiate", "negotiate_type", "parse_accept", "service_description"]
