"""min_score keeps exactly the results whose reported score reaches it."""

from __future__ import annotations

from matching import Filters, MatchDoc, Matcher

PROGRAMS = [
    MatchDoc(
        id=1, kind="program", title="电气自动化技术", text="PLC 控制 电气设备 安装 调试", skills=("PLC", "电气调试")
    ),
    MatchDoc(id=2, kind="program", title="工业机器人技术", text="机器人 编程 PLC 电气", skills=("机器人编程",)),
    MatchDoc(id=3, kind="program", title="机电一体化技术", text="机电设备 电气 控制 液压", skills=("电气控制",)),
    MatchDoc(id=4, kind="program", title="护理", text="基础护理 老年护理 急救", skills=("护理",)),
    MatchDoc(id=5, kind="program", title="软件技术", text="Java 开发 数据库 软件测试", skills=("Java",)),
]
DEMAND = MatchDoc(
    id=100,
    kind="demand",
    title="PLC电气调试工程师",
    text="负责产线 PLC 程序编写与电气调试",
    skills=("PLC", "电气调试"),
    majors=("电气自动化技术",),
)


def test_min_score_keeps_exactly_the_results_that_reach_it() -> None:
    m = Matcher().fit(PROGRAMS)
    full, _ = m.rank(DEMAND, top_k=10)
    scores = {r.id: r.score for r in full if r.score is not None}
    assert len(scores) >= 3
    for cut in sorted(set(scores.values())):
        kept, total = m.rank(DEMAND, top_k=10, filters=Filters(min_score=cut))
        assert {r.id for r in kept} == {i for i, s in scores.items() if s >= cut}
        assert total == len(kept)
        assert all(r.score == scores[r.id] for r in kept)
