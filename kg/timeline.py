"""`kg timeline PERSON`: a person's posts in time order, read from the named query ``career``.

Each row is one article's statement of one post (``kg:PostStatement``): the title and organisation, the
status the article gave it (appointed, elected, current, former, removed …), the dates the text states
(``schema:startDate`` / ``schema:endDate``) and the evidence sentence. Rows are ordered by the stated start
date, else the article's date, which is what ``when`` shows and ``dated_by`` says. Namesakes the linker
kept apart (kg.link) are separate timelines.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from kg.query import get_named
from kg.sparql import compact
from kg.store import GraphStore
from kg.text import normalise
from kg.vocab import KGR_NS


class TimelineError(LookupError):
    """No person goes by the name asked about (or the person holds no post); the message says so."""


@dataclass
class Step:
    when: str | None
    dated_by: str  # "stated" (a start date in the text), "article" (the article's date) or "unknown"
    title: str
    organization: str | None
    status: str
    start: str | None
    end: str | None
    article: str
    published: str | None
    sentence: str | None
    offsets: tuple[int, int] | None


@dataclass
class Timeline:
    iri: str
    name: str
    steps: list[Step] = field(default_factory=list)


def _v(row: ox.QuerySolution, key: str) -> str | None:
    t = row[key]
    return t.value if t is not None else None


def timeline(store: GraphStore, ref: str) -> list[Timeline]:
    """The timelines of every person ``ref`` names (a name in either script, a kgr: IRI or a full IRI)."""
    only: str | None = None
    if ref.startswith(("http://", "https://", "kgr:")):
        only = KGR_NS + ref[4:] if ref.startswith("kgr:") else ref
        names = [r["n"].value for r in store.query(
            "SELECT DISTINCT ?n WHERE { ?p kg:normalizedName ?n }", {"p": ox.NamedNode(only)})]  # type: ignore[union-attr]
    else:
        names = [normalise(ref)]
    query = get_named("career").text
    out: dict[str, Timeline] = {}
    for n in names:
        for r in store.query(query, {"person": ox.Literal(n)}):  # type: ignore[union-attr]
            who = _v(r, "who") or ""
            if only and who != only:
                continue
            tl = out.setdefault(who, Timeline(who, _v(r, "name") or n))
            start, published = _v(r, "start"), _v(r, "published")
            a, b = _v(r, "from"), _v(r, "to")
            step = Step(start or published, "stated" if start else "article" if published else "unknown",
                        _v(r, "title") or "", _v(r, "organization"), _v(r, "status") or "", start, _v(r, "end"),
                        _v(r, "article") or "", published, _v(r, "sentence"),
                        (int(a), int(b)) if a is not None and b is not None else None)
            tl.steps.append(step)
    if not out:
        where = f" in {store.path}" if store.path else ""
        raise TimelineError(f"no person named {ref!r} with a post{where} (kg explain {ref} shows what it names)")
    for tl in out.values():
        tl.steps.sort(key=lambda s: (s.when or "9999", s.article, s.offsets or (0, 0)))
    return sorted(out.values(), key=lambda t: t.iri)


def format_timelines(timelines: list[Timeline], ref: str) -> str:
    """The timelines as `kg timeline` prints them."""
    out = []
    if len(timelines) > 1:
        out.append(f"{len(timelines)} people are named {ref} (kept apart; kg explain {ref} says why)\n\n")
    for tl in timelines:
        out.append(f"{tl.name}  {compact(tl.iri)}  ({len(tl.steps)} statements of posts)\n")
        for s in tl.steps:
            post = s.title + (f" @ {s.organization}" if s.organization else "")
            dates = "–".join(x or "" for x in (s.start, s.end)) if (s.start or s.end) else ""
            when = (s.when or "undated") + ("" if s.dated_by == "stated" else " (article date)")
            out.append(f"  {when:<26} {post}  [{s.status}{'; ' + dates if dates else ''}]  article {s.article}\n")
            if s.sentence:
                span = f"[{s.offsets[0]}:{s.offsets[1]}]" if s.offsets else ""
                out.append(f"      evidence {span}: {s.sentence}\n")
        out.append("\n")
    return "".join(out)


def timelines_json(timelines: list[Timeline]) -> str:
    return json.dumps([asdict(t) for t in timelines], ensure_ascii=False, indent=1) + "\n"


_STATUS_COLOUR = {"appointed": "#1b7f3b", "elected": "#1b7f3b", "current": "#2456a6", "interim": "#8a6d00",
                  "proposed": "#8a6d00", "former": "#666", "removed": "#b3261e"}


def timelines_html(timelines: list[Timeline], ref: str) -> str:
    """The timelines as one self-contained HTML page (no script, no outside resources), every text escaped."""
    e = html.escape
    parts = ['<!doctype html><html lang="zh"><head><meta charset="utf-8">',
             f"<title>{e(ref)} · kg timeline</title><style>"
             "body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em}"
             "ol{list-style:none;border-left:3px solid #ccc;padding-left:1em}li{margin:0 0 1em}"
             ".when{font-weight:bold}.status{color:#fff;border-radius:3px;padding:0 .4em;font-size:90%}"
             ".ev{color:#444;font-size:90%}small{color:#666}</style></head><body>",
             f"<h1>{e(ref)}</h1>"]
    if len(timelines) > 1:
        parts.append(f"<p>{len(timelines)} people are named {e(ref)}, kept apart "
                     "(<code>kg explain</code> says why).</p>")
    for tl in timelines:
        parts.append(f"<h2>{e(tl.name)} <small>{e(compact(tl.iri))}</small></h2><ol>")
        for s in tl.steps:
            colour = _STATUS_COLOUR.get(s.status, "#666")
            when = e(s.when or "undated") + ("" if s.dated_by == "stated" else " <small>(article date)</small>")
            dates = "–".join(x or "" for x in (s.start, s.end)) if (s.start or s.end) else ""
            post = e(s.title) + (f" @ {e(s.organization)}" if s.organization else "")
            parts.append(f'<li><span class="when">{when}</span> {post} '
                         f'<span class="status" style="background:{colour}">{e(s.status)}</span>'
                         + (f" <small>{e(dates)}</small>" if dates else "")
                         + f" <small>article {e(s.article)}</small>"
                         + (f'<div class="ev">{e(s.sentence)}</div>' if s.sentence else "") + "</li>")
        parts.append("</ol>")
    parts.append("</body></html>\n")
    return "".join(parts)


__all__ = ["Step", "Timeline", "TimelineError", "format_timelines", "timeline", "timelines_html", "timelines_json"]
