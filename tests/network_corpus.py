"""Invented articles for the co-attendance and topic tests: three meetings, four officials, three topics.

Who was where (so who met whom, and how often):

- a1, 青禾市无人机产业推进会 (about drones): 柏砚秋 attended, 闻可期 spoke, 谷雨澄 hosted;
- a2, 青禾低空经济论坛 (about the low-altitude economy): 柏砚秋 and 闻可期 attended;
- a3, 北岭春茶交易会 (about tea): 谷雨澄 and 石映川 attended.

柏砚秋, 闻可期 and 谷雨澄 hold the same posts in each article that names
them, so linking makes one person of each; 石映川 has no post.
"""

from __future__ import annotations

from conftest import article

from kg.model import ArticleGraph

A1 = ("青禾市无人机产业推进会在青禾会展中心举行。青禾市人民政府市长柏砚秋出席推进会，青"
      "禾市工业和信息化局局长闻可期作主旨发言，青禾市商务局局长谷雨澄主持会议。柏砚秋表"
      "示，无人机产业是青禾重点培育的新兴产业，今年全市无人机企业已达六十家，无人机植保"
      "、无人机物流和无人机巡检应用不断扩大。")
A2 = ("青禾低空经济论坛举行。青禾市人民政府市长柏砚秋、青禾市工业和信息化局局长闻可期出"
      "席论坛。论坛围绕低空经济、通用航空和空域管理展开讨论，与会专家认为低空经济将带动"
      "通用航空制造、空域服务和航空旅游等新业态。")
A3 = ("北岭春茶交易会在北岭茶叶市场开幕。青禾市商务局局长谷雨澄、北岭茶农石映川参加交易"
      "会。今年春茶产量增长，茶叶品质提升，绿茶、白茶和红茶的交易量均创新高，茶叶电商订"
      "单持续增加。")

GOV, IND, COM = "青禾市人民政府", "青禾市工业和信息化局", "青禾市商务局"
EXPO, FORUM, FAIR = "青禾市无人机产业推进会", "青禾低空经济论坛", "北岭春茶交易会"


def corpus() -> list[ArticleGraph]:
    return [
        article("a1", A1, [(EXPO, "Event"), ("柏砚秋", "Person"), ("闻可期", "Person"), ("谷雨澄", "Person"),
                           (GOV, "Organization"), (IND, "Organization"), (COM, "Organization")],
                [("柏砚秋", "市长", GOV), ("闻可期", "局长", IND), ("谷雨澄", "局长", COM)],
                [("柏砚秋", "attended", EXPO), ("闻可期", "spokeAt", EXPO), ("谷雨澄", "hosted", EXPO)],
                published="2025-04-10"),
        article("a2", A2, [(FORUM, "Event"), ("柏砚秋", "Person"), ("闻可期", "Person"), (GOV, "Organization"),
                           (IND, "Organization")],
                [("柏砚秋", "市长", GOV), ("闻可期", "局长", IND)],
                [("柏砚秋", "attended", FORUM), ("闻可期", "attended", FORUM)], published="2025-05-20"),
        article("a3", A3, [(FAIR, "Event"), ("谷雨澄", "Person"), ("石映川", "Person"), (COM, "Organization")],
                [("谷雨澄", "局长", COM)],
                [("谷雨澄", "attended", FAIR), ("石映川", "attended", FAIR)], published="2025-06-02"),
    ]
