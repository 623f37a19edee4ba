"""SPARQL 1.1 query results (JSON, XML, CSV, TSV) and an HTML table, written here, shared by `kg query` and `kg serve`.

Written rather than left to pyoxigraph so that rows can be counted and bytes
measured while serialising: the endpoint refuses a result over its limits
instead of truncating it (a cut result looks complete to a notebook). One
chunk per row keeps that check cheap.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_term(t: Any) -> dict[str, Any]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d: dict[str, Any] = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    return {"type": "literal", "value": str(t)}


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{xml_escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{xml_escape(t.value)}</literal>"
        return f"<literal>{xml_escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    return f"<literal>{xml_escape(str(t))}</literal>"


# what a spreadsheet reads as the start of a formula (=HYPERLINK(...), +cmd|..., -2+3, @SUM), tab and CR included
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def spreadsheet_safe(value: str) -> str:
    """``value`` with a leading ``'`` if a spreadsheet would run it as a formula; plain numbers (-5, +1e3) unchanged.

    The OWASP advice for CSV injection: the apostrophe makes the cell text, and
    shows in a text editor as the one sign that something was neutralised.
    """
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def _csv_field(t: Any) -> str:
    if t is None:
        return ""
    v = f"_:{t.value}" if isinstance(t, ox.BlankNode) else (t.value if hasattr(t, "value") else str(t))
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def _html_cell(t: Any) -> str:
    if t is None:
        return "<td></td>"
    if isinstance(t, ox.NamedNode):
        return f'<td class="iri">{html.escape(t.value)}</td>'
    if isinstance(t, ox.Literal) and t.language:
        return f'<td>{html.escape(t.value)} <small>@{html.escape(t.language)}</small></td>'
    return f"<td>{html.escape(t.value if hasattr(t, 'value') else str(t))}</td>"


def select_chunks(variables: list[str], rows: Iterable[Any], fmt: str) -> Iterator[str]:
    """SPARQL 1.1 results (JSON, XML, CSV, TSV) or an HTML table, one chunk per row so limits can be checked."""
    if fmt == "json":
        head = json.dumps({"head": {"vars": variables}}, ensure_ascii=False, separators=(",", ":"))
        yield head[:-1] + ',"results":{"bindings":['
        sep = ""
        for sol in rows:
            b = {v: _json_term(sol[v]) for v in variables if sol[v] is not None}
            yield sep + json.dumps(b, ensure_ascii=False, separators=(",", ":"))
            sep = ","
        yield "]}}"
    elif fmt == "xml":
        yield '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
        yield "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head><results>"
        for sol in rows:
            yield "<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(sol[v])}</binding>"
                                       for v in variables if sol[v] is not None) + "</result>\n"
        yield "</results></sparql>\n"
    elif fmt == "csv":
        yield ",".join(_csv_field(ox.Literal(v)) for v in variables) + "\r\n"
        for sol in rows:
            yield ",".join(_csv_field(sol[v]) for v in variables) + "\r\n"
    elif fmt == "tsv":
        yield "\t".join(f"?{v}" for v in variables) + "\n"
        for sol in rows:
            yield "\t".join("" if sol[v] is None else str(sol[v]) for v in variables) + "\n"
    else:  # html
        yield ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>SPARQL results</title>'
               "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
               "table{border-collapse:collapse}.iri{color:#225}</style></head><body>"
               '<p><a href="/query">back to the query page</a></p><table><tr>')
        yield "".join(f"<th>{html.escape(v)}</th>" for v in variables) + "</tr>\n"
        for sol in rows:
            yield "<tr>" + "".join(_html_cell(sol[v]) for v in variables) + "</tr>\n"
        yield "</table></body></html>\n"


def boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (b'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                b"<head/><boolean>" + (b"true" if value else b"false") + b"</boolean></sparql>\n")
    if fmt == "html":
        return f"<!doctype html><html><body><p>{'true' if value else 'false'}</p></body></html>".encode()
    return (b"true" if value else b"false") + (b"\r\n" if fmt == "csv" else b"\n")


__all__ = ["boolean", "select_chunks", "spreadsheet_safe"]
