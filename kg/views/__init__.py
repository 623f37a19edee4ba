"""Views of the graph: offline HTML pages (pyvis + vis-network), networkx analytics and GraphML/GEXF export.

Everything here reads the store through SPARQL into a networkx MultiDiGraph
(``load_network``) and works on that, so each view is a function a notebook
can call without the CLI.
"""

from kg.views.analytics import export_network, find_path, graph_stats
from kg.views.html import render_html, write_view
from kg.views.network import ViewError, ViewFilter, filter_network, find_nodes, load_network, synthetic_network

__all__ = ["ViewError", "ViewFilter", "export_network", "filter_network", "find_nodes", "find_path", "graph_stats",
           "load_network", "render_html", "synthetic_network", "write_view"]
