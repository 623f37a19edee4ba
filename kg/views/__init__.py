"""Views of the graph: offline HTML pages (pyvis + vis-network), networkx analytics, who met whom, GraphML/GEXF.

Everything here reads the store through SPARQL into a networkx MultiDiGraph
(``load_network``) and works on that, so each view is a function a notebook
can call without the CLI.

The names below are imported on first use (module ``__getattr__``), not with
the package: ``kg --help`` imports kg.views.style for its option defaults and
must not pay for networkx and igraph to print a usage message.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.views.analytics import export_network, find_path, graph_stats
    from kg.views.coattendance import coattendance_network, export_coattendance
    from kg.views.html import render_html, write_view
    from kg.views.network import ViewError, ViewFilter, filter_network, find_nodes, load_network, synthetic_network

#: public name → the submodule defining it
_WHERE = {
    "export_network": "analytics", "find_path": "analytics", "graph_stats": "analytics",
    "coattendance_network": "coattendance", "export_coattendance": "coattendance",
    "render_html": "html", "write_view": "html",
    "ViewError": "network", "ViewFilter": "network", "filter_network": "network", "find_nodes": "network",
    "load_network": "network", "synthetic_network": "network",
}

__all__ = ["ViewError", "ViewFilter", "coattendance_network", "export_coattendance", "export_network",
           "filter_network", "find_nodes", "find_path", "graph_stats", "load_network", "render_html",
           "synthetic_network", "write_view"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
