"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the embedded store, plus the HTML views.

pyoxigraph directly, not rdflib-endpoint: that one binds 0.0.0.0 and runs
rdflib's own engine even over Oxigraph (about 25x slower per query here).
The package by concern: ``protocol`` (limits, media types, negotiation,
refusals), ``execute`` (a query in a worker process, the worker pool and its
time limit), ``pages`` (query form, graph view), ``http`` (server and routes).
"""

from kg.serve.execute import Job, Worker, WorkerPool, execute
from kg.serve.http import ServeConfig, SparqlServer, is_loopback, make_server, serve
from kg.serve.pages import ViewCache, query_page, store_stamp
from kg.serve.protocol import ServeError, accept_with_format, negotiate, parse_accept

__all__ = ["Job", "ServeConfig", "ServeError", "SparqlServer", "ViewCache", "Worker", "WorkerPool",
           "accept_with_format", "execute", "is_loopback", "make_server", "negotiate", "parse_accept", "query_page",
           "serve", "store_stamp"]
