"""Parent organisations inside a chained name: 教育部某某司某某处 is part of 教育部某某司, part of 教育部.

The guideline names a chain once under its full name; its parents are
organisations of their own, linked by partOf so that analysts can roll people
up to the ministry or university they belong to.
"""

from __future__ import annotations

import re

# A parent ends like an institution that has departments ...
PARENT_END = re.compile(r"(部|厅|局|(?<!公)司|委|大学|学会|总会|银行|集团|科学院|研究院)$")
# ... and the rest of the chain ends like one of its departments.
CHILD_END = re.compile(r"((?<!公)司|处|局|科|室|办公室|中心|学院|系|分会|分行|支行|研究所)$")


def parents(name: str) -> list[str]:
    """Proper prefixes of an organisation name that name organisations themselves, longest first."""
    out = []
    for k in range(len(name) - 2, 2, -1):
        head, rest = name[:k], name[k:]
        if PARENT_END.search(head) and CHILD_END.search(rest) and len(rest) >= 2 and not PARENT_END.search(rest[:1]):
            out.append(head)
    return out
