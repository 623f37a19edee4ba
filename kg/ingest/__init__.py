"""Ingest: files of crawled news (text, HTML, JSON lines) to clean ``Article`` records.

The rest of the pipeline computes character offsets into ``Article.text``, so
this stage is where encoding, page furniture and markup must be dealt with once
and for all.
"""

from kg.ingest.decode import DEFAULT_MAX_BYTES, decode_bytes, read_text
from kg.ingest.errors import IngestError
from kg.ingest.html import HtmlArticle, parse_html
from kg.ingest.page import clean_page
from kg.ingest.readers import article_from_text, iter_articles, read_path

__all__ = [
    "DEFAULT_MAX_BYTES",
    "HtmlArticle",
    "IngestError",
    "article_from_text",
    "clean_page",
    "decode_bytes",
    "iter_articles",
    "parse_html",
    "read_path",
    "read_text",
]
