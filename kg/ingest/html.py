"""Article text and metadata from an HTML page, by trafilatura.

HTML is parsed, never regex-stripped: hand-written tag stripping leaks script
bodies, attributes and entities into the text, where they would be read as
names. trafilatura also finds the main content block, dropping nav and footer.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.ingest.errors import IngestError
from kg.ingest.page import INDENT, strip_furniture


@dataclass(frozen=True)
class HtmlArticle:
    """What an HTML page yields before it becomes an ``Article``."""

    text: str
    title: str | None
    published: str | None
    url: str | None


def parse_html(html: str, source: str = "<html>") -> HtmlArticle:
    """Main text, title, date and URL of a page; IngestError when it has no article text."""
    import trafilatura  # heavy (lxml, courlan …): loaded only when an HTML page is read

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,  # reader comments are not the article
        include_tables=True,  # lists of attendees are often laid out as tables
        include_images=False,
        include_links=False,
        # the date from the page's metadata and markup (meta tags, <time>, the info bar), never a free-text
        # search of the whole page: that finds the copyright footer's year ("© 2019") and dates a story by it
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise IngestError(source, "no article text found")
    title = _clean(getattr(doc, "title", None))
    paragraphs = [p.strip(INDENT).rstrip() for p in text.splitlines()]
    # the article block can still hold its info bar (date, source, views) and sign-off
    paragraphs = strip_furniture([p for p in paragraphs if p])
    # trafilatura repeats the <h1> headline as the first line; it is metadata, not story
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        raise IngestError(source, "no article text found")
    return HtmlArticle(
        text="\n".join(paragraphs),
        title=title,
        published=_clean(getattr(doc, "date", None)),
        url=_clean(getattr(doc, "url", None)),
    )


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
