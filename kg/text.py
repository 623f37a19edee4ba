"""How names and dates are folded, in one place, so every stage compares them alike.

The extractor reads a traditional-script article through its simplified copy,
the linker merges names by their normalised form, the store keeps that form as
``kg:normalizedName`` and the views and ``--param`` look names up by it: if any
two of them folded differently, a name would be found in one and missed in
the other. Dates likewise: the page header, a JSON record and a sentence all
become the same YYYY-MM-DD, or nothing.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import cache
from typing import Any

#: entity type → its family: types the extractor may confuse for one body (an alliance is an organisation) share one,
#: so that they group into one entity in an article and get one IRI across articles
FAMILY = {"Person": "Person", "Organization": "Org", "Alliance": "Org", "Event": "Event",
          "Place": "Place", "Work": "Work"}

_SPACE = re.compile(r"\s+")

# Dates as pages print them: 2024-09-24, 2017/04/13, 2019.06.29, 2024年1月5日.
DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified copy of the same length, so offsets carry over unchanged."""
    conv = _t2s()
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:
        c = conv.convert(ch)
        chars.append(c if len(c) == 1 else ch)
    return "".join(chars)


def normalise(name: str) -> str:
    """The form names are compared in: full-width/half-width folded, simplified, no spaces."""
    return _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", name))).strip()


def fold_width(name: str) -> str:
    """``normalise`` without the script conversion: full-width/half-width folded, no spaces, characters as printed.

    For matching what a reader types character for character (the graph page's
    search); names are still compared and minted in ``normalise`` form.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def name_key(name: str) -> str:
    """``normalise``, then lower case: how a reader's lookup meets the linker's names, Latin letters caseless."""
    return normalise(name).lower()


def iso_date(year: int, month: int, day: int) -> str | None:
    """YYYY-MM-DD for a real calendar day of a plausible news year, else None (no 2025-13-45 in the graph)."""
    if not 1900 <= year <= 2100:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: str | None) -> str | None:
    """YYYY-MM-DD from the date spellings pages use; None when there is no full date."""
    if not value:
        return None
    m = DATE.search(value)
    if not m:
        return None
    return iso_date(*(int(g) for g in m.groups()))


__all__ = ["DATE", "FAMILY", "fold_width", "iso_date", "name_key", "normalise", "parse_date", "to_simplified"]
