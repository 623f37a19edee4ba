"""The SPARQL 1.1 Protocol's vocabulary: limits, media types, content negotiation and the refusals.

What a request may ask for and how it is refused, with no socket and no store:
the worker side (kg.serve.execute) and the HTTP side (kg.serve.http) both
speak it. Status codes: 400 malformed query (the parser's message), 403 SPARQL
Update or a foreign Host header, 404 unknown path, 405 wrong method, 406 no
acceptable format, 411 POST without Content-Length, 413 request body too
large, 414 query string too long, 415 wrong Content-Type, 422 result over the
row/byte limit, 500 store error, 503 time limit exceeded or every worker busy
(Retry-After).
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
    """The format name for the best acceptable media type in ``table`` (first entry answers wildcards)."""
    for mt, q in accept:
        if q <= 0:
            continue
        if mt in table:
            return table[mt]
        if mt == "*/*":
            return next(iter(table.values()))
        if mt.endswith("/*"):
            major = mt[:-1]
            for known, name in table.items():
                if known.startswith(major):
                    return name
    return None


def accept_with_format(accept_header: str | None, fmt: str | None) -> list[tuple[str, float]]:
    """``?format=json`` (SPARQLWrapper, HTML forms) ranks its media types before those of the Accept header."""
    accept = parse_accept(accept_header)
    if fmt:
        f = fmt.strip().lower()
        wanted = FORMAT_PARAM.get(f) or ([f] if "/" in f else [])
        accept = [(mt, 2.0) for mt in wanted] + accept
    return accept



__all__ = ["DEFAULT_HOST", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_QUERY_BYTES", "DEFAULT_MAX_ROWS", "DEFAULT_PORT",
           "DEFAULT_TIMEOUT", "DEFAULT_WORKERS", "FORMAT_PARAM", "RDF_FORMATS", "RDF_TYPES", "RESULT_CONTENT_TYPES",
           "RESULT_TYPES", "ServeError", "accept_with_format", "negotiate", "parse_accept"]
