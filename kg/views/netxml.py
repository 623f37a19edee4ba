"""GraphML and GEXF that any XML tool reads: the network exports, written safely.

XML cannot hold every character a crawled page can: C0 controls other than
tab and line ends, lone surrogates and U+FFFE/U+FFFF are dropped from every
name and attribute before writing (``xml_safe``); each edge gets an id of its
own (GraphML's schema wants them unique, and networkx would reuse the
multigraph keys 0, 1, ... for every pair of nodes); and the bytes are parsed
back before they replace the old file, so a malformed file is an error, never
an export that exits 0.
"""

from __future__ import annotations

import io
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx

from kg.io import write_atomic
from kg.views.network import ViewError

# what XML 1.0 cannot carry at all, not even as a character reference
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class ExportError(ViewError):
    """An export that could not be written as a well-formed file; the old file, if any, is left as it was."""


def xml_safe(value: Any) -> Any:
    """A string with the characters XML cannot hold dropped; anything else as it is."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def network_for_xml(G: nx.Graph) -> nx.MultiGraph:
    """A copy of a flat network fit for GraphML/GEXF: XML-safe strings, and edge keys ``e0``, ``e1``, ... unique
    across the whole graph (they become GraphML edge ids, which the schema wants unique NMTOKENs).
    An undirected network (co-attendance) stays undirected: the file says ``edgedefault="undirected"``."""
    F: nx.MultiGraph = nx.MultiDiGraph() if G.is_directed() else nx.MultiGraph()
    F.graph.update({k: xml_safe(v) for k, v in G.graph.items()})
    for n, d in G.nodes(data=True):
        F.add_node(xml_safe(n), **{k: xml_safe(v) for k, v in d.items()})
    for i, (s, o, d) in enumerate(G.edges(data=True)):
        F.add_edge(xml_safe(s), xml_safe(o), key=f"e{i}", **{k: xml_safe(v) for k, v in d.items()})
    return F


def network_bytes(G: nx.Graph, fmt: str) -> bytes:
    """A flat network as GraphML or GEXF bytes, checked to parse as XML; ExportError otherwise."""
    writer = nx.write_graphml if fmt == "graphml" else nx.write_gexf
    buf = io.BytesIO()
    try:
        writer(network_for_xml(G), buf, encoding="utf-8")
    except ValueError as exc:  # lxml's "All strings must be XML compatible", should a value slip through
        raise ExportError(f"cannot write {fmt}: {exc}") from exc
    data = buf.getvalue()
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ExportError(f"the {fmt} written is not well-formed XML ({exc}); nothing written") from exc
    if fmt == "graphml":
        ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
        if len(ids) != len(set(ids)):
            raise ExportError("the graphml written repeats edge ids; nothing written")
    return data


def write_network(G: nx.Graph, fmt: str, output: str | os.PathLike[str]) -> Path:
    """Write a flat network as GraphML or GEXF atomically (``-``: standard output), checked before it lands."""
    data = network_bytes(G, fmt)
    return write_atomic(output, lambda fh: fh.write(data))



__all__ = ["ExportError", "network_bytes", "network_for_xml", "write_network", "xml_safe"]
