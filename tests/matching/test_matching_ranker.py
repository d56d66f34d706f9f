"""Ranking properties of Matcher: exact matches, typos, filters, explanations, updates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Filters, MatchDoc, Matcher, MatchParams, NotFittedError, analyze_doc

DAY = dt.date(2026, 6, 1)

PROGRAMS = [
    MatchDoc(
        id=1,
        kind="program",
        title="软件技术",
        text="培养Java与Python软件开发、数据库和Web前端技术人才",
        education_level="higher_vocational",
        region_code="500117",
        majors=("510203",),
        skills=("Java", "Python", "MySQL"),
        industries=("信息技术",),
        organization_id=10,
    ),
    MatchDoc(
        id=2,
        kind="program",
        title="护理",
        text="培养临床护理、社区护理和老年护理人才，掌握基础护理技术",
        education_level="higher_vocational",
        region_code="500101",
        majors=("520201",),
        organization_id=11,
    ),
    MatchDoc(
        id=3,
        kind="program",
        title="汽车检测与维修技术",
        text="汽车维修、汽车电工、新能源汽车检测与故障诊断",
        education_level="secondary_vocational",
        region_code="510104",
        majors=("700206",),
        skills=("汽车电工", "故障诊断"),
        industries=("汽车",),
        organization_id=12,
    ),
    MatchDoc(
        id=4,
        kind="program",
        title="Computer Science",
        text="Software engineering, algorithms and Java programming for computer systems",
        education_level="bachelor",
        organization_id=13,
    ),
    MatchDoc(
        id=5,
        kind="program",
        title="数控技术",
        text="数控机床编程与操作，CNC加工工艺，机械制图",
        education_level="higher_vocational",
        region_code="500117",
        organization_id=10,
    ),
    MatchDoc(id=6, kind="program", title="软件技术", text="软件开发与测试，Java程序设计", status="closed"),
    MatchDoc(
        id=7, kind="program", title="软件技术", text="软件开发与测试，Java程序设计", valid_until=dt.date(2026, 1, 1)
    ),
    MatchDoc(id=8, kind="program", title="护理", text=""),  # one distinct token: insufficient
    MatchDoc(
        id=9,
        kind="cohort",
        title="护理",
        text="2026届护理专业毕业生，临床护理实习经历",
        education_level="higher_vocational",
        region_code="500117",
        organization_id=11,
    ),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(associations=None).fit(PROGRAMS)


def demand(title: str, text: str = "", **kw: object) -> MatchDoc:
    return MatchDoc(id=1000, kind="demand", title=title, text=text, **kw)  # type: ignore[arg-type]


def ids(res: list) -> list[int]:
    return [m.id for m in res]


def test_rank_before_fit_raises() -> None:
    with pytest.raises(NotFittedError):
        Matcher().rank(demand("护理"))


def test_params_validated_in_fit() -> None:
    m = Matcher(params=MatchParams(k1=-1.0))
    with pytest.raises(ValueError):
        m.fit(PROGRAMS)
    with pytest.raises(ValueError):
        Matcher().fit([PROGRAMS[0], PROGRAMS[0]])


def test_exact_title_match_ranks_first(matcher: Matcher) -> None:
    res, _ = matcher.rank(demand("数控技术", "数控机床操作"), as_of=DAY)
    assert res[0].id == 5
    res, _ = matcher.rank(demand("Computer Science", "software"), as_of=DAY)
    assert res[0].id == 4


def test_one_character_typo_still_matches(matcher: Matcher) -> None:
    res, _ = matcher.rank(demand("数控枝术", "数控机床"), as_of=DAY)
    assert res[0].id == 5
    res, _ = matcher.rank(demand("Computer Sciense", "software engineering"), as_of=DAY)
    assert res[0].id == 4


def test_synonym_bridges_alias(matcher: Matcher) -> None:
    res, _ = matcher.rank(demand("汽修师傅", "新能源车维修"), as_of=DAY)
    assert res[0].id == 3
    assert "汽修→汽车维修" in res[0].explanation.synonyms


def test_closed_and_expired_never_appear(matcher: Matcher) -> None:
    res, total = matcher.rank(demand("软件技术", "Java软件开发与测试"), top_k=50, as_of=DAY)
    assert 6 not in ids(res) and 7 not in ids(res)
    assert total == len(res)
    # before its expiry the record matches
    res, _ = matcher.rank(demand("软件技术", "Java软件开发与测试"), top_k=50, as_of=dt.date(2025, 12, 1))
    assert 7 in ids(res) and 6 not in ids(res)


def test_filters(matcher: Matcher) -> None:
    q = demand("护理", "临床护理 软件 数控 汽车")
    res, _ = matcher.rank(q, top_k=50, as_of=DAY, filters=Filters(kinds=("cohort",)))
    assert ids(res) == [9]
    res, _ = matcher.rank(q, top_k=50, as_of=DAY, filters=Filters(region_prefix="5001"))
    assert set(ids(res)) == {1, 2, 5, 9}
    res, _ = matcher.rank(q, top_k=50, as_of=DAY, filters=Filters(region_prefix="51"))
    assert ids(res) == [3]
    res, _ = matcher.rank(q, top_k=50, as_of=DAY, filters=Filters(exclude_organization_ids=frozenset({11})))
    assert 2 not in ids(res) and 9 not in ids(res)
    res, _ = matcher.rank(q, top_k=50, as_of=DAY, filters=Filters(exclude_ids=frozenset({2})))
    assert 2 not in ids(res)
    res, _ = matcher.rank(q, top_k=50, as_of=DAY, filters=Filters(industry="汽车"))
    assert ids(res) == [3]
    res, _ = matcher.rank(q, top_k=50, as_of=DAY, filters=Filters(education_levels=("secondary_vocational",)))
    assert 3 in ids(res) and 2 not in ids(res)
    res, total = matcher.rank(q, top_k=50, as_of=DAY, filters=Filters(min_score=0.99))
    assert res == [] and total == 0


def test_scores_in_unit_interval_and_sorted(matcher: Matcher) -> None:
    res, total = matcher.rank(demand("软件开发", "Java Python 护理 数控 汽车维修"), top_k=50, as_of=DAY)
    scored = [m for m in res if not m.insufficient_data]
    assert total == len(res) >= 4
    assert all(0.0 <= m.score <= 1.0 for m in scored)  # type: ignore[operator]
    keys = [(-m.score, m.id) for m in scored]  # type: ignore[operator]
    assert keys == sorted(keys)


def test_explanation_terms_occur_in_both_records(matcher: Matcher) -> None:
    q = demand("Java开发工程师", "负责Java软件开发", skills=("Java", "Spring"), education_level="higher_vocational")
    res, _ = matcher.rank(q, as_of=DAY)
    top = res[0]
    assert top.id == 1
    q_tokens = set(analyze_doc(q).title + analyze_doc(q).text + analyze_doc(q).skills)
    d = analyze_doc(PROGRAMS[0])
    d_tokens = set(d.title + d.text + d.skills + d.majors + d.industries)
    assert top.explanation.matched_terms
    for c in top.explanation.matched_terms:
        assert c.term in q_tokens and c.term in d_tokens and c.contribution > 0
    assert top.explanation.missing_skills == ("Spring",)
    assert ("skills", "Java", "Java", 1.0) in [
        (p.field, p.query, p.candidate, p.score) for p in top.explanation.fuzzy_pairs
    ]
    factors = {f.name: f for f in top.explanation.factors}
    assert factors["education"].value == 1.0
    assert factors["region"].value is None  # unknown on the query side is neutral
    assert factors["skills"].value == pytest.approx(0.5)


def test_structured_factors_change_order() -> None:
    docs = [
        MatchDoc(id=i, kind="program", title="护理", text="临床护理 基础护理", region_code=r, education_level=e)
        for i, r, e in [
            (1, "510104", "higher_vocational"),
            (2, "500117", "higher_vocational"),
            (3, "500117", "secondary_vocational"),
        ]
    ]
    m = Matcher(associations=None).fit(docs)
    res, _ = m.rank(demand("护理", "临床护理", region_code="500117", education_level="higher_vocational"), as_of=DAY)
    # same district + right level first; then a level mismatch (0.1 x 0.5) costs more than another province
    # (0.05 x 0.8) with default weights
    assert ids(res) == [2, 1, 3]
    f = {x.name: x.value for x in res[0].explanation.factors}
    assert f["region"] == 1.0 and f["education"] == 1.0
    f = {x.name: x.value for x in res[2].explanation.factors}
    assert f["education"] == 0.5 and f["region"] == 1.0
    f = {x.name: x.value for x in res[1].explanation.factors}
    assert f["education"] == 1.0 and f["region"] == 0.2


def test_insufficient_data_gets_no_score(matcher: Matcher) -> None:
    res, _ = matcher.rank(demand("护理", ""), top_k=50, as_of=DAY)  # the query itself is too thin
    # unscored results keep text-relevance order (title-only record 8 first), then id
    assert ids(res) == [8, 9, 2] and all(m.score is None and m.insufficient_data for m in res)
    res, _ = matcher.rank(demand("护理", "临床护理"), top_k=50, as_of=DAY)
    assert set(ids(res)) == {2, 8, 9}
    flagged = [m for m in res if m.insufficient_data]
    assert [m.id for m in flagged] == [8] and flagged[0].score is None
    assert res[-1].id == 8  # unscored records come after scored ones


def test_ties_broken_by_id_and_deterministic() -> None:
    docs = [MatchDoc(id=i, kind="program", title="机电一体化技术", text="机电设备安装与维修") for i in (7, 3, 5)]
    m = Matcher(associations=None).fit(docs)
    res, _ = m.rank(demand("机电一体化", "机电设备维修"), as_of=DAY)
    assert ids(res) == [3, 5, 7]
    assert len({m.score for m in res}) == 1
    assert m.rank(demand("机电一体化", "机电设备维修"), as_of=DAY) == (res, 3)


def test_top_k_and_offset(matcher: Matcher) -> None:
    q = demand("技术", "软件 护理 数控 汽车 Java")
    full, total = matcher.rank(q, top_k=100, as_of=DAY)
    for k in (0, 1, 2, 3):
        for off in (0, 1, 2, total, total + 5):
            page, t = matcher.rank(q, top_k=k, offset=off, as_of=DAY)
            assert t == total
            assert ids(page) == ids(full)[off : off + k]


def test_incremental_add_update_remove() -> None:
    m = Matcher(associations=None, max_delta=2).fit(PROGRAMS[:5])
    q = demand("焊接", "焊工 电焊")
    assert m.rank(q, as_of=DAY) == ([], 0)
    m.add([MatchDoc(id=20, kind="program", title="焊接技术与自动化", text="焊接工艺、焊接机器人")])
    assert ids(m.rank(q, as_of=DAY)[0]) == [20]
    m.update([MatchDoc(id=20, kind="program", title="焊接技术与自动化", text="焊接", status="closed")])
    assert m.rank(q, as_of=DAY) == ([], 0)
    m.update([MatchDoc(id=2, kind="program", title="焊接技术", text="焊接工艺")])  # replaces a main record
    res, _ = m.rank(q, as_of=DAY)
    assert ids(res) == [2]
    assert ids(m.rank(demand("护理", "临床护理"), as_of=DAY)[0]) == []
    m.remove([2])
    assert m.rank(q, as_of=DAY) == ([], 0)
    m.add(
        [
            MatchDoc(id=21, kind="program", title="焊接", text="焊接"),
            MatchDoc(id=22, kind="program", title="电焊", text="焊接 电焊"),
        ]
    )  # delta > max_delta: auto merge
    assert m.snapshot_.delta.n == 0
    assert set(ids(m.rank(q, as_of=DAY)[0])) == {21, 22}
    assert m.n_docs_ == 7  # 1, 3, 4, 5, 20 (closed but indexed), 21, 22


def _live_view(m: Matcher) -> tuple[object, ...]:
    snap = m.snapshot_
    queries = [
        demand("焊接", "焊工 电焊 焊接机器人"),
        demand("护理", "临床护理"),
        demand("技术", "软件 数控 汽车 Java"),
    ]
    return (
        sorted(snap.dead),
        snap.dead_mask.tolist(),
        snap.n_live,
        [d.id for d in snap.delta_docs],
        [m.rank(q, top_k=100, as_of=DAY) for q in queries],
    )


_WELD = [
    MatchDoc(id=20 + i, kind="program", title=t, text=x)
    for i, (t, x) in enumerate(
        [
            ("焊接技术与自动化", "焊接工艺、焊接机器人"),
            ("电焊", "焊接 电焊 焊工"),
            ("焊接", "焊工实训"),
            ("智能焊接技术", "焊接机器人编程与维护"),
        ]
    )
]


def test_incremental_writes_rank_as_one_write_of_their_result() -> None:
    """Writes applied one at a time to the delta (replacing, removing, re-adding) leave the same
    index as a fresh fit given the surviving delta records in one upsert: same tombstones, counts,
    ranking, scores and explanations."""
    step = Matcher(associations=None).fit(PROGRAMS)
    step.upsert(_WELD[:2])
    step.upsert([MatchDoc(id=2, kind="program", title="焊接技术", text="焊接工艺 护理")])  # replaces a main record
    step.upsert([_WELD[2]])
    step.upsert(
        [MatchDoc(id=20, kind="program", title="焊接", text="焊接 电焊", status="closed")]
    )  # replaces a delta one
    step.remove([21, 3, 999])  # a delta record, a main record, an unknown id
    step.upsert([_WELD[3], _WELD[1]])  # a removed delta record comes back
    step.remove([2])  # a main record that was replaced in the delta

    once = Matcher(associations=None).fit(PROGRAMS)
    once.remove([2, 3])
    once.upsert(step.snapshot_.delta_docs)
    assert [d.id for d in step.snapshot_.delta_docs] == [22, 20, 23, 21]
    assert _live_view(step) == _live_view(once)
    snap = step.snapshot_
    assert snap.dead == {2, 3}
    assert snap.dead_mask.tolist() == [int(i) in {2, 3} for i in snap.main.ids]
    found = {
        x.id for q in ("焊接 焊工", "汽车维修 故障诊断", "护理") for x in step.rank(demand(q), top_k=100, as_of=DAY)[0]
    }
    assert {21, 22, 23} <= found and not found & {2, 3, 20}  # 20 is closed
    assert step.n_docs_ == len(PROGRAMS) - 2 + 4


def _writes_before_merge(m: Matcher) -> None:
    m.upsert(_WELD[:2])
    m.upsert([MatchDoc(id=2, kind="program", title="焊接技术", text="焊接工艺 护理")])
    m.remove([3])


def test_a_concurrent_merge_keeps_the_writes_made_while_it_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    """merge_concurrently builds the main segment without the lock; the writes made meanwhile
    (new, replaced, removed records of the delta and of main) end up exactly as after merge()
    at its start followed by those writes."""
    during = [
        lambda m: m.upsert([_WELD[2]]),
        lambda m: m.upsert([MatchDoc(id=20, kind="program", title="焊接", text="焊接 电焊", status="closed")]),
        lambda m: m.remove([21, 5]),
        lambda m: m.upsert([_WELD[3], _WELD[1]]),
    ]
    bg, sync = Matcher(associations=None).fit(PROGRAMS), Matcher(associations=None).fit(PROGRAMS)
    for m in (bg, sync):
        _writes_before_merge(m)
    build = bg._merged_main

    def writes_while_building(snap):  # type: ignore[no-untyped-def]
        main = build(snap)
        for write in during:
            write(bg)
        return main

    monkeypatch.setattr(bg, "_merged_main", writes_while_building)
    bg.merge_concurrently()
    sync.merge()
    for write in during:
        write(sync)
    assert _live_view(bg) == _live_view(sync)
    assert bg.snapshot_.main.ids.tolist() == sync.snapshot_.main.ids.tolist()
    assert [d.id for d in bg.snapshot_.delta_docs] == [22, 20, 23, 21] and bg.snapshot_.dead == {5, 20, 21}
    assert bg._since_merge is None


def test_merge_in_background_folds_the_delta_without_blocking_the_write() -> None:
    m = Matcher(associations=None, max_delta=2, merge_in_background=True).fit(PROGRAMS[:5])
    m.upsert(_WELD[:3])  # delta 3 > 2: a merge thread starts
    assert m._merger is not None
    m._merger.join(30)
    assert m.snapshot_.delta.n == 0 and sorted(m.snapshot_.main.ids.tolist()) == [1, 2, 3, 4, 5, 20, 21, 22]
    assert {x.id for x in m.rank(demand("焊接", "焊工 电焊"), as_of=DAY)[0]} == {20, 21, 22}


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.sampled_from(["护理", "软件", "数控", "汽车", "Java", "维修", "技术", "临床"]), min_size=1, max_size=6),
    st.integers(0, 5),
    st.integers(0, 4),
)
def test_paging_and_bounds_property(words: list[str], k: int, off: int) -> None:
    m = _SHARED
    q = demand(" ".join(words), " ".join(reversed(words)))
    full, total = m.rank(q, top_k=100, as_of=DAY)
    page, t2 = m.rank(q, top_k=k, offset=off, as_of=DAY)
    assert t2 == total and ids(page) == ids(full)[off : off + k]
    assert all(x.score is None or 0.0 <= x.score <= 1.0 for x in full)


_SHARED = Matcher(associations=None).fit(PROGRAMS)


def test_reverse_direction_supply_ranks_demands() -> None:
    demands = [
        MatchDoc(
            id=1,
            kind="demand",
            title="护士",
            text="医院招聘临床护理护士",
            education_level="higher_vocational",
            skills=("护理", "急救"),
        ),
        MatchDoc(id=2, kind="demand", title="Java开发工程师", text="软件开发", education_level="bachelor"),
        MatchDoc(id=3, kind="demand", title="护理主管", text="临床护理管理", education_level="master"),
    ]
    m = Matcher().fit(demands)
    program = MatchDoc(
        id=1,
        kind="program",
        title="护理",
        text="临床护理 急救护理",
        education_level="higher_vocational",
        skills=("护理",),
    )
    assert m.query_terms(program)[1] == {}  # learned expansion maps demand words; not applied to supplies
    res, total = m.rank(program, top_k=10, as_of=DAY)
    assert ids(res)[:2] == [1, 3] and 2 not in ids(res)  # same id as the query but another kind: kept
    f = {x.name: x for x in res[0].explanation.factors}
    assert f["education"].value == 1.0
    assert res[0].explanation.missing_skills == ("急救",)  # the demand's skill the program lacks
    f3 = {x.name: x for x in res[1].explanation.factors}
    assert f3["education"].value == 0.0  # a master's demand, three levels above higher_vocational


def test_a_matcher_fitted_from_stored_tokens_is_ready_for_its_first_query(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Stored tokens skip jieba at fit time; the fit still loads it (and the precedent lookup),
    so that the first query does not pay for them."""
    import dataclasses

    from matching import text

    docs = [
        MatchDoc(id=i, kind="program", title=t, text=x)
        for i, (t, x) in enumerate([("数控技术", "数控编程 加工"), ("护理", "临床护理 病人"), ("会计", "财务 报表")])
    ]
    analyzer = Matcher(semantic=None)
    stored = [dataclasses.replace(d, tokens=analyzer.analyze(d)) for d in docs]
    monkeypatch.setattr(text, "_jieba_tokenizer", None)
    matcher = Matcher(semantic=None).fit(stored)
    assert text._jieba_tokenizer is not None
    assert "name_positions" in vars(matcher.snapshot_.main) or matcher.precedents_ is None
    assert matcher.rank(MatchDoc(id=99, kind="demand", title="数控操作工", text="数控编程"), top_k=1)[0][0].id == 0
