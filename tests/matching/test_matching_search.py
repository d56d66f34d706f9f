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


def test_a_swap_counts_as_one_edit() -> None:
    # rapidfuzz's ratio alone counts a swap as two edits and ranked 中医 (one extra character) first
    ts = TitleSearch().fit([1, 2], ["中医", "中医学"])
    hits = ts.search("中学医", top_k=2)
    assert [(h.title, h.score) for h in hits] == [("中医学", round(1 - 1 / 6, 6)), ("中医", 0.8)]
    # ... and tied a swap with a wrong character: the swap is the likelier intent
    ts = TitleSearch().fit([1, 2], ["交通运营服务", "通信运营服务"])
    hits = ts.search("信通运营服务", top_k=2)
    assert [(h.title, h.score) for h in hits] == [
        ("通信运营服务", round(1 - 1 / 12, 6)),
        ("交通运营服务", round(1 - 1 / 6, 6)),
    ]
    # a rotation is two edits, not a swap; a wrong character keeps its ratio
    ts = TitleSearch().fit([1, 2], ["abcd", "abxd"])
    assert {h.title: h.score for h in ts.search("bcda", top_k=2)}["abcd"] == 0.75
    assert {h.title: h.score for h in ts.search("abcd", top_k=2)}["abxd"] == 0.75


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


def _tombstone_case() -> tuple[TitleSearch, list[int], list[str]]:
    # duplicated names (one title group, several records) and distinct ones, with texts
    titles = [t for t in ZH + EN for _ in range(2)] + ["软件技术", "护理"]
    texts = [f"{t} 专业 课程 实训 {i % 5}" for i, t in enumerate(titles)]
    ids = [100 + 3 * i for i in range(len(titles))]  # not positions: positions_of must map them
    return TitleSearch().fit(ids, titles, texts), ids, titles


def test_tombstoned_records_are_skipped_as_if_filtered_out() -> None:
    s, ids, titles = _tombstone_case()
    rng = random.Random(5)
    dead_ids = set(rng.sample(ids, 25)) | {ids[0]}  # 软件技术's first member: its group's tie-break moves on
    gone = s.tombstone(s.positions_of(sorted(dead_ids)))
    assert gone is not None and gone.count == len(dead_ids) and int(gone.mask.sum()) == len(dead_ids)
    assert s.tombstone(s.positions_of([ids[0], 99999]), gone) is gone  # nothing new: the same object
    live = [(i, t) for i, t in zip(ids, titles, strict=True) if i not in dead_ids]
    fresh = TitleSearch().fit([i for i, _ in live], [t for _, t in live])
    for q in ["软件技术", "软件技朮", "护理", "Computer Sciense", "Accounting", "技术", "专业 实训 3"]:
        # title similarity does not depend on the other records: as a fit without the dead ones
        # (ties across title groups included: a group is ordered by its first live id)
        for k in (1, 3, 10):
            assert s.search(q, top_k=k, gone=gone) == fresh.search(q, top_k=k), (q, k)
        # BM25 statistics keep counting the dead records until a refit: the same hits, filtered
        everything = [h for h in s.search_keywords(q, top_k=len(ids)) if h.id not in dead_ids]
        for k in (1, 3, 10):
            assert s.search_keywords(q, top_k=k, gone=gone) == everything[:k], (q, k)
    # every record of a fully tombstoned group is gone; the others still come first by exact title
    for i, t in zip(ids, titles, strict=True):
        hits = s.search(t, top_k=5, gone=gone)
        assert i not in {h.id for h in hits} if i in dead_ids else i in {h.id for h in hits}


def test_positions_of_ignores_unknown_ids() -> None:
    s, ids, _ = _tombstone_case()
    assert s.positions_of([ids[3], 7, ids[1], ids[3]]).tolist() == [1, 3]
    assert s.positions_of([]).tolist() == []
