"""The live search index: writes go to small delta parts, searches see exactly the live records."""

from __future__ import annotations

import math
import random

from app.matches.search_index import LiveTitleSearch
from matching import MatchDoc, analyze_doc

NAMES = [
    "软件技术",
    "护理",
    "数控技术",
    "工业机器人技术",
    "大数据技术",
    "物流管理",
    "Computer Science",
    "Registered Nursing",
    "Accounting",
    "Robotics Technology",
    "Logistics Management",
    "Data Science",
]


def _tokens_of(docs):  # type: ignore[no-untyped-def]
    return [analyze_doc(d) for d in docs]


def _doc(uid: int, version: int) -> MatchDoc:
    name = NAMES[(uid + version) % len(NAMES)]
    return MatchDoc(id=uid, kind="program", title=f"{name} {uid}", text=f"{name} 课程 v{version}")


def test_random_writes_leave_exactly_the_live_records_searchable() -> None:
    rng = random.Random(11)
    live = {uid: _doc(uid, 0) for uid in range(1, 61)}
    index = LiveTitleSearch(_tokens_of, max_delta=40).fit(list(live.values()))
    for step in range(300):
        if rng.random() < 0.25 and live:
            gone = rng.sample(sorted(live), rng.randint(1, 3)) + [10_000 + step]  # and an unknown id
            index.remove(gone)
            for uid in gone:
                live.pop(uid, None)
        else:
            batch = {uid: _doc(uid, step) for uid in rng.sample(range(1, 90), rng.randint(1, 4))}
            index.upsert(list(batch.values()))
            live.update(batch)
        assert index.docs == live
        # a part stops merging at max_delta records; below it parts at least double in size
        assert index.parts <= 1 + math.ceil(len(live) / 40) + math.ceil(math.log2(40)) + 1
        if step % 25 == 0 or step == 299:
            for uid, doc in live.items():
                hits = index.search(doc.title, top_k=3, keywords=False)
                assert hits[0].id == uid and hits[0].title == doc.title, (step, uid)
            for name in NAMES[:4]:
                hits = index.search(name, top_k=50)
                assert all(h.id in live and h.title == live[h.id].title for h in hits)  # no stale version

    fresh = LiveTitleSearch(_tokens_of).fit(list(live.values()))
    for q in [*NAMES, "软件技朮", "Acounting", "技术 12", "课程"]:
        assert index.search(q, top_k=10, keywords=False) == fresh.search(q, top_k=10, keywords=False), q


def test_a_write_refits_only_what_it_writes_and_small_parts() -> None:
    index = LiveTitleSearch(_tokens_of, max_delta=8).fit([_doc(i, 0) for i in range(1, 201)])
    sizes = []
    for i in range(1, 41):
        index.upsert([_doc(i, 1)])
        sizes.append([len(p.docs) for p in index._state.deltas])
    assert sizes[:6] == [[1], [2], [3], [3, 1], [5], [5, 1]]  # merged while older <= 2 x newer
    for s in sizes:
        assert max(s) <= 8  # no part grows past max_delta: no write refits more
        assert all(a > 2 * b or a + b > 8 for a, b in zip(s, s[1:], strict=False))
    main = index._state.main
    assert main is not None and main.gone is not None and main.gone.count == 40 and len(main.docs) == 200
