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
from kg.views.style import NETWORK_FORMATS, NETWORKS


class ExportChoiceError(ValueError):
    """A format and network that do not go together (``--network coattendance --format ttl``); shown as is."""


def export_graph(store: GraphStore, fmt: str, output: str | os.PathLike[str] | None,
                 network: str | None = None) -> bytes | None:
    """Write ``store`` as ``fmt`` to ``output`` atomically, or return the bytes when ``output`` is None.

    ``network`` (``entities``, the default for GraphML/GEXF, or ``coattendance``)
    picks which network the XML formats hold; RDF formats hold the graph itself,
    so a network with one of them is refused rather than ignored.
    """
    if fmt not in NETWORK_FORMATS:
        if network not in (None, "entities"):
            raise ExportChoiceError(f"--network {network} is a network: export it as {' or '.join(NETWORK_FORMATS)}, "
                              f"not {fmt}")
        return store.export(fmt, output)
    if network not in (None, *NETWORKS):
        raise ExportChoiceError(f"unknown network {network!r} (choose from {', '.join(NETWORKS)})")
    # networkx loads only for the network formats
    if network == "coattendance":
        from kg.views.coattendance import export_coattendance as write
    else:
        from kg.views import export_network as write

    if output:
        write(store, fmt, output)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        return write(store, fmt, Path(tmp) / f"graph.{fmt}").read_bytes()


__all__ = ["ExportChoiceError", "export_graph"]
