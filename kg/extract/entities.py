"""One entity per real-world thing in an article: mentions grouped, fullest name first.

An article names an organisation in full once and then shortens it (工信部 for
工业和信息化部, 云溪科院 for 云溪科技职业学院); those short forms become aliases
instead of separate entities.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from kg.extract.mentions import BARE_GOVERNMENT, GENERIC, Mention
from kg.extract.segment import Sentence, to_simplified
from kg.lexicon import lexicon
from kg.text import FAMILY


@dataclass
class Cluster:
    type: str
    mentions: list[Mention] = field(default_factory=list)
    extra_aliases: list[str] = field(default_factory=list)

    _best: tuple[int, Mention] | None = field(default=None, repr=False, compare=False)

    def best(self) -> Mention:
        """The fullest mention: the longest, first seen among equals (recomputed only when mentions grow)."""
        if self._best is None or self._best[0] != len(self.mentions):
            # a region that is a place goes by the name it has as a place (临江, not the 临江市 of its posts)
            own = [m for m in self.mentions if m.type == "Place" and len(m.norm) > 1] if self.type == "Place" else []
            # and a region or zone by its own name, not by its party committee's (青岚市, not 中共青岚市委)
            own = own or [m for m in self.mentions if governed(m.norm) is None]
            self._best = (len(self.mentions), max(own or self.mentions, key=lambda m: (len(m.norm), -m.start)))
        return self._best[1]

    @property
    def name(self) -> str:
        best = self.best()
        region = governed(best.norm)
        if region is not None:  # only the committee is named (中共某市委): the entity is the region
            k = best.norm.find(region)
            return best.text[k : k + len(region)]
        return best.text

    @property
    def norm(self) -> str:
        return self.best().norm

    @property
    def aliases(self) -> list[str]:
        name = self.name
        seen, out = {name}, []
        for a in [m.text for m in sorted(self.mentions, key=lambda m: m.start)] + self.extra_aliases:
            if a not in seen:
                seen.add(a)
                out.append(a)
        return out

    def names_norm(self) -> set[str]:
        """Every name of the entity in simplified form, aliases added from posts included."""
        return {m.norm for m in self.mentions} | {to_simplified(a) for a in self.extra_aliases}


# A region's or a zone's party committee (青岚市委, 中共云溪县委, 云溪高新区党工委, 某镇党委) is an
# alias of the region's entity (GUIDELINE), not an organisation of its own.
REGION_COMMITTEE = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,10}?(?:省|市|县|区|州|盟|旗))委$")
ZONE_COMMITTEE = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,14}?(?:高新区|开发区|经开区|新区|园区|示范区|合作区|保税区"
                            r"|街道|镇|乡))(?:党工委|党委)$")


def governed(norm: str) -> str | None:
    """The region or zone whose party committee norm names, or None."""
    m = REGION_COMMITTEE.match(norm) or ZONE_COMMITTEE.match(norm)
    if m is None or m.group(1) in ("中共", "全省", "全市", "全县", "全区"):
        return None
    return m.group(1)


ZONE_HEAD = re.compile(r"(经开区|高新区|开发区|新区|园区|示范区|合作区|保税区)$")
# What follows a short company or school name in its full name (青华 → 青华大学, 某某五局 → 某某五局集团有限公司).
FULL_TAILS = re.compile(r"^(大学|学院|集团|公司|有限公司|股份有限公司|有限责任公司|集团有限公司|集团公司"
                        r"|集团股份有限公司|研究院|科学院)$")
# Heads that an abbreviation writes with their first character: 发改委 (委员会), 工商联 (联合会),
# 青大 (大学), 科协 (协会).
CONTRACTED_HEADS = {"委员会": "委", "联合会": "联", "大学": "大", "协会": "协"}


def is_abbreviation(short: str, full: str) -> bool:
    """工信部 ~ 工业和信息化部: same first and last character, letters in order, not a substring.

    A head the abbreviation writes with one character counts as that character (工商联 ~
    工商业联合会, 青大 ~ 青岚大学), and a region's level before the name may stand alone
    (县老促会 ~ 某某县老区建设促进会).
    """
    if ZONE_HEAD.search(full) and not ZONE_HEAD.search(short):
        return False  # 云溪区 and 云溪经开区: a district and a zone of the same name are two
    if _is_abbreviation(short, full):
        return True
    for head, ch in CONTRACTED_HEADS.items():
        if full.endswith(head) and short.endswith(ch) and len(full) - len(head) + 1 > len(short) \
                and _is_abbreviation(short, full[: -len(head)] + ch):
            return True
    if len(short) >= 3 and short[0] in "省市县区" and 0 < full.find(short[0]) <= 4:
        rest = full[full.find(short[0]) + 1 :]
        return len(rest) > len(short) - 1 and (rest == short[1:] or is_abbreviation(short[1:], rest))
    return False


def _is_abbreviation(short: str, full: str) -> bool:
    if len(short) < 2 or len(short) >= len(full) or short in full:
        return False
    if len(short) > 6 and len(short) > 0.8 * len(full):
        return False  # 某某工业职业技术学院 vs 某某工业园区职业技术学院: two names, not a short form
    if short[0] != full[0] or short[-1] != full[-1]:
        return False
    pos = 0
    for ch in short:
        pos = full.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def group(mentions: list[Mention]) -> list[Cluster]:
    by_key: dict[tuple[str, str], Cluster] = {}
    clusters: list[Cluster] = []
    # organisations first, so that a place with an organisation's name joins it
    order = sorted(mentions, key=lambda m: (FAMILY[m.type] == "Place", m.start))
    # (简称“X”): X, wherever the article uses it, is the organisation that declared it
    declared = {m.norm: m.alias_of for m in mentions if m.alias_of and m.alias_of != m.norm}
    for m in order:
        fam = FAMILY[m.type]
        key = (fam, declared.get(m.norm, m.norm) if fam == "Org" else m.norm)
        if fam == "Org" and governed(m.norm):
            key = (fam, governed(m.norm))
        if fam == "Place" and ("Org", m.norm) in by_key:
            key = ("Org", m.norm)
        c = by_key.get(key)
        if c is None:
            c = Cluster(m.type)
            by_key[key] = c
            clusters.append(c)
        elif c.type == "Organization" and m.type == "Alliance":
            c.type = "Alliance"
        c.mentions.append(m)
    # the tagger sometimes calls a person an organisation (某某/ORG 代表…); a title chain knows better
    for c in list(clusters):
        person = by_key.get(("Person", c.norm))
        if FAMILY[c.type] == "Org" and person is not None and all(m.rule == "tagger-org" for m in c.mentions):
            for m in c.mentions:
                m.type = "Person"
            person.mentions.extend(c.mentions)
            clusters.remove(c)
    return _merge_ceremony_parts(_merge_abbreviations(_merge_regions(clusters)))


# A region by its bare name (青岚市, 北岭省, 云溪县): one entity per article (GUIDELINE), a Place
# where the article uses it as a location, whatever posts it also holds (青岚市委书记).
REGION = re.compile(r"^[\u4e00-\u9fff]{2,8}?(省|市|县|区|州|自治区|特别行政区)$")
NOT_REGION = re.compile(r"(新区|园区|开发区|高新区|经开区|示范区|合作区|保税区|城区|校区|社区|小区|景区|片区|矿区"
                        r"|行政区)$")


def _merge_regions(clusters: list[Cluster]) -> list[Cluster]:
    """A region named as an organisation (from a post) and as a place is one Place.

    青岚市 (the region of 青岚市委副书记) and 青岚 or 青岚市 where something is held go together;
    a one-character abbreviation (在沪举行) joins the place it stands for when the article
    names it, and is that place's alias otherwise.
    """
    from kg.extract.mentions import place_abbreviations

    for c in clusters:  # 绩溪县 where the meeting is held and 绩溪县县长: the mentions already joined
        region = governed(c.norm) or c.norm
        if FAMILY[c.type] == "Org" and REGION.match(region) and not NOT_REGION.search(region) \
                and any(m.type == "Place" for m in c.mentions):
            c.type = "Place"
    places = [c for c in clusters if c.type == "Place"]
    if not places:
        return clusters
    gone: set[int] = set()
    for c in clusters:
        region = governed(c.norm) or c.norm
        if FAMILY[c.type] != "Org" or not REGION.match(region) or NOT_REGION.search(region):
            continue
        short = region[:-1] if len(region) >= 3 else region
        p = next((p for p in places if id(p) not in gone and p.norm in (region, short)), None)
        if p is not None:
            p.mentions.extend(c.mentions)
            gone.add(id(c))
    for p in places:  # 临江 and 临江市: one place
        if id(p) in gone:
            continue
        for q in places:
            if q is not p and id(q) not in gone and q.norm[:-1] == p.norm and q.norm[-1] in "市省县区州":
                q.mentions.extend(p.mentions)
                gone.add(id(p))
                break
    abbreviations = place_abbreviations()
    for p in places:
        if len(p.norm) != 1 or p.norm not in abbreviations:
            continue
        full = abbreviations[p.norm]
        target = next((c for c in clusters if c is not p and id(c) not in gone and c.type == "Place"
                       and c.norm.startswith(full) and (len(c.norm) == len(full) or REGION.match(c.norm))), None)
        if target is None:
            target = next((c for c in clusters if c is not p and id(c) not in gone and FAMILY[c.type] == "Org"
                           and REGION.match(c.norm) and c.norm.startswith(full)), None)
            if target is not None:
                target.type = "Place"
        if target is not None:
            target.mentions.extend(p.mentions)
            gone.add(id(p))
    return [c for c in clusters if id(c) not in gone]


# A bare opening or closing ceremony is the ceremony of the article's main event.
CEREMONY_PARTS = frozenset("开幕式 闭幕式 开班式 开班仪式 开营仪式 开幕仪式 闭幕仪式 开幕大会".split())


def _merge_ceremony_parts(clusters: list[Cluster]) -> list[Cluster]:
    events = sorted((c for c in clusters if c.type == "Event"), key=_first)
    main = next((c for c in events if c.norm not in CEREMONY_PARTS), None)
    if main is None:
        return clusters
    parts = [c for c in events if c.norm in CEREMONY_PARTS]
    for c in parts:
        main.mentions.extend(c.mentions)
    return [c for c in clusters if c not in parts]


def _merge_abbreviations(clusters: list[Cluster]) -> list[Cluster]:
    """Short forms join the full name they stand for (see _shortens)."""
    orgs = [c for c in clusters if FAMILY[c.type] in ("Org", "Event")]
    merged: set[int] = set()
    for c in sorted(orgs, key=lambda c: len(c.norm)):
        longer = [f for f in orgs if f is not c and id(f) not in merged and FAMILY[f.type] == FAMILY[c.type]
                  and len(f.norm) > len(c.norm)]
        fulls = [f for f in longer if _shortens(c, f)]
        if not fulls:
            continue
        # a bare tail (物流学院) may only stand for one full name; an abbreviation takes the longest
        tails = [f for f in fulls if f.norm.endswith(c.norm)]
        if tails and len(tails) > 1 and len(fulls) == len(tails):
            continue
        full = max(fulls, key=lambda f: len(f.norm))
        full.mentions.extend(c.mentions)
        merged.add(id(c))
    return [c for c in clusters if id(c) not in merged]


def _shortens(c: Cluster, full: Cluster) -> bool:
    """Whether c is a short form of full the article uses for the same thing.

    - an abbreviation (工信部, 云溪科院), after the full name, or before it when it is
      no longer than three characters (华科院 … 华夏科学院);
    - the name without what goes before it (物流学院 for 某某大学物流学院, 省科技厅 for
      某省科技厅): a tail of three or more characters that is no bare class word;
    - for events, a bare event noun (研讨会) heading the named event.
    """
    short, long = BRACKETED.sub("", c.norm), BRACKETED.sub("", full.norm)  # 市工商联 for 某市工商联(总商会)
    if short in BARE_GOVERNMENT:  # 市政府 for 青岚市人民政府 or 青岚市政府, 管委会 for 云溪高新区管委会
        level = short.replace("人民", "")
        return long.replace("人民", "").endswith(level) and len(long) > len(short)
    if is_abbreviation(short, long) and (_first(full) < _first(c) or len(short) <= 3):
        return True
    if long.endswith(short) and len(short) >= 3 and short not in GENERIC:
        return True
    if FAMILY[c.type] == "Org" and len(short) >= 2 and long.startswith(short) and FULL_TAILS.match(long[len(short):]) \
            and short not in GENERIC and not REGION.match(short):
        return True  # 青华 for 青华大学, 某某五局 for 某某五局集团有限公司
    if FAMILY[c.type] == "Event":
        return lexicon().event_nouns.longest_suffix(short) == short and long.endswith(short)
    return False


BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def _first(c: Cluster) -> int:
    return min(m.start for m in c.mentions)


def rescan(sentences: list[Sentence], per_sentence: list[list[Mention]], clusters: list[Cluster]) -> bool:
    """Find the article's known names again wherever the rules missed them.

    A name read once from a title chain ("某协会会长甲") is the same name in a
    sentence with no title ("甲代表某协会致辞"); relations need those mentions.
    Returns whether anything was added.
    """
    known: list[tuple[str, str]] = []
    for c in clusters:
        if c.type == "Place" or c.type == "Work":
            continue
        for n in c.names_norm():
            if len(n) >= (2 if c.type == "Person" else 3):
                known.append((n, c.type))
    known.sort(key=lambda x: -len(x[0]))
    # which names occur in which sentences, found in one pass over the article per name rather than one search
    # per name and sentence (quadratic in a long article); the loop below then visits only those
    joined = "\x00".join(s.norm for s in sentences)
    starts, at = [], 0
    for s in sentences:
        starts.append(at)
        at += len(s.norm) + 1
    present: list[list[int]] = [[] for _ in sentences]
    for k, (name, _typ) in enumerate(known):
        pos = joined.find(name)
        while pos >= 0:
            si = bisect_right(starts, pos) - 1
            present[si].append(k)
            pos = joined.find(name, starts[si + 1]) if si + 1 < len(starts) else -1
    added = False
    for si, sent in enumerate(sentences):
        ments = per_sentence[si]
        for name, typ in (known[k] for k in present[si]):
            layer = "Event" if typ == "Event" else "Name"
            pos = sent.norm.find(name)
            while pos >= 0:
                s, e = sent.start + pos, sent.start + pos + len(name)
                clashes = [m for m in ments if m.start < e and s < m.end and (
                    ("Event" if m.type == "Event" else "Name") == layer or m.type == "Work")]
                # a known longer name overrides a tagger guess inside it (某某/PER 电子 → 某某电子)
                inside = [m for m in clashes if s <= m.start and m.end <= e and m.rule.startswith("tagger")
                          and (m.start, m.end) != (s, e)]
                if clashes and len(inside) == len(clashes):
                    for m in inside:
                        ments.remove(m)
                    clashes = []
                if not clashes:
                    ments.append(Mention(typ, s, e, sent.text[pos : pos + len(name)], name, si, "known-name"))
                    added = True
                pos = sent.norm.find(name, pos + len(name))
        # an event noun inside a name found just now (某某校长联席会议) was part of that name
        names = [m for m in ments if m.type in ("Organization", "Alliance")]
        ments[:] = [m for m in ments if m.type != "Event"
                    or not any(o.start <= m.start and m.end <= o.end for o in names)]
        ments.sort(key=lambda m: (m.start, -m.end))
    return added
