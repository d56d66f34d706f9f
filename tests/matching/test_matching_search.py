"""Typo-tolerant title search and keyword search."""

from __future__ import annotations

import random

from matching import TitleSearch
from matching.synthetic import one_edit

ZH = [
    "软件技术",
    "护理",
    "汽车检测与维修技术",
    "数控技术",
    "电气自动化技术",
    "工业机器人技术",
    "学前教育",
    "会计信息管理",
    "市场营销",
    "物流管理",
    "酒店管理与数字化运营",
    "烹饪工艺与营养",
    "药学",
    "康复治疗技术",
    "建筑工程技术",
    "工程造价",
    "无人机应用技术",
    "大数据技术",
    "人工智能技术应用",
    "云计算技术应用",
]
EN = [
    "Computer Science",
    "Registered Nursing",
    "Automobile Mechanics Technology",
    "Machine Tool Technology",
    "Electrical Engineering",
    "Robotics Technology",
    "Early Childhood Education",
    "Accounting",
    "Marketing Management",
    "Logistics and Supply Chain Management",
    "Hospitality Administration",
    "Culinary Arts",
    "Pharmacy",
    "Physical Therapy",
    "Construction Engineering",
    "Cost Estimation",
    "Unmanned Aerial Systems",
    "Data Science",
    "Artificial Intelligence",
    "Cloud Computing",
]


def _index() -> tuple[TitleSearch, list[str]]:
    titles = ZH + EN
    texts = [f"{t} 专业 program description {i}" for i, t in enumerate(titles)]
    return TitleSearch().fit(list(range(100, 100 + len(titles))), titles, texts), titles


def test_exact_and_one_edit_queries_find_their_title_first() -> None:
    ts, titles = _index()
    rng = random.Random(7)
    found = 0
    trials = 0
    for j, t in enumerate(titles):
        assert ts.search(t, top_k=1)[0].id == 100 + j
        assert ts.search(t, top_k=1)[0].score == 1.0
        for _ in range(5):
            q = one_edit(t, rng)
            trials += 1
            hits = ts.search(q, top_k=1)
            found += bool(hits) and hits[0].id == 100 + j
    assert found / trials >= 0.99, found / trials


def test_specific_typos() -> None:
    ts, _ = _index()
    assert ts.search("数控枝术")[0].title == "数控技术"  # wrong character
    assert ts.search("汽车检测与维修技")[0].title == "汽车检测与维修技术"  # missing character
    assert ts.search("Comptuer Science")[0].title == "Computer Science"  # swapped characters
    assert ts.search("Phaarmacy")[0].title == "Pharmacy"  # extra character
    assert ts.search("ＤＡＴＡ  science")[0].title == "Data Science"  # full width, case, spaces


def test_duplicate_titles_tie_by_id_and_top_k() -> None:
    ts = TitleSearch().fit([9, 3, 5], ["护理", "护理", "助产"])
    hits = ts.search("护理", top_k=2)
    assert [h.id for h in hits] == [3, 9]
    assert ts.search("", top_k=5) == [] and ts.search("护理", top_k=0) == []


def test_keyword_search_ranks_by_words() -> None:
    ts, titles = _index()
    hits = ts.search_keywords("cloud computing program", top_k=3)
    assert hits[0].title == "Cloud Computing"
    assert all(0.0 < h.score <= 1.0 for h in hits)
    assert ts.search_keywords("zzzz qqqq") == []
