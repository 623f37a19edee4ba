"""Article URLs made fit to be IRIs: crawls carry spaces, quotes and brackets in URLs that RDF cannot hold.

A character an IRI cannot contain is percent-encoded (UTF-8), the way a browser
sends it, so ``https://ex.org/a b`` becomes ``https://ex.org/a%20b`` and still
names the same page; what cannot be repaired that way (no scheme, a lone
surrogate) is refused with a reason, for that article alone.
"""

from __future__ import annotations

import re

# RFC 3987: no controls, space, <>"{}|\^` ; bidi formatting marks and noncharacters "MUST NOT"/"SHOULD NOT" appear
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f-\x9f<>"{}|\\^`\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff0-\uffff]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_BRACKETS = re.compile(r"[\[\]]")
_AUTHORITY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class UrlError(ValueError):
    """A URL that cannot be made an IRI, and why."""


def _encode(m: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in m.group().encode("utf-8"))


def iri_from_url(url: str) -> str:
    """``url`` with every character an IRI cannot hold percent-encoded; UrlError when it cannot be an IRI at all."""
    value = url.strip()
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise UrlError(f"URL {value!a} holds a lone surrogate (not a character)")
    if not _SCHEME.match(value):
        raise UrlError(f"URL {value!r} is not absolute (no scheme such as https:)")
    value = _NOT_IN_IRI.sub(_encode, _BAD_PERCENT.sub("%25", value))
    # [ and ] belong only around an IPv6 host; in a path, query or fragment they are encoded too
    m = _AUTHORITY.match(value)
    head = m.group() if m else value[: value.index(":") + 1]
    value = head + _BRACKETS.sub(_encode, value[len(head):])
    import pyoxigraph as ox  # the judge of what the store accepts

    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise UrlError(f"URL {value!r} is not a valid IRI ({exc})") from None
    return value


__all__ = ["UrlError", "iri_from_url"]
