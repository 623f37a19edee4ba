"""`kg export`: the graph as RDF (kg.store) or as an entity network (kg.views), by format name.

One function for both so that a caller names a format and a destination and
never needs to know which half of kg writes it.

The network formats are XML and are written by kg.views.netxml: characters
XML cannot hold are dropped, edge ids are unique, and the file is parsed back
before it replaces the old one (``ExportError`` otherwise).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kg.store import GraphStore
from kg.views.style import NETWORK_FORMATS


def export_graph(store: GraphStore, fmt: str, output: str | os.PathLike[str] | None) -> bytes | None:
    """Write ``store`` as ``fmt`` to ``output`` atomically, or return the bytes when ``output`` is None."""
    if fmt not in NETWORK_FORMATS:
        return store.export(fmt, output)
    from kg.views import export_network  # networkx loads only for the network formats

    if output:
        export_network(store, fmt, output)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        return export_network(store, fmt, Path(tmp) / f"graph.{fmt}").read_bytes()


__all__ = ["export_graph"]
