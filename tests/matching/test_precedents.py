"""Learned precedents: fit, lookup, save/load, and their effect on ranking and explanations."""

from __future__ import annotations

import numpy as np
import pytest

from matching import MatchDoc, Matcher, MatchParams, PrecedentModel, analyze_doc, fit_precedents

TRAIN = [
    ("数控车工", "操作数控车床加工轴类零件，编写CNC加工程序，检验零件尺寸"),
    ("数控铣工", "操作数控铣床和加工中心，编写加工程序，加工模具零件"),
    ("护士", "为病人提供临床护理，执行医嘱，观察病情，做好护理记录"),
    ("Registered Nurses", "Assess patient health problems, administer nursing care to ill or injured patients"),
]
SUPPLY_NAMES = ["数控技术", "机械制造及自动化", "护理", "Registered Nursing"]
# (training demand, supply, relevance): both machinists went to 数控技术, one also to 机械制造及自动化.
PAIRS = [(0, 0, 2.0), (0, 1, 1.0), (1, 0, 2.0), (2, 2, 2.0), (3, 3, 1.0)]


def _model() -> PrecedentModel:
    docs = [MatchDoc(id=i, kind="demand", title=t, text=x) for i, (t, x) in enumerate(TRAIN)]
    return fit_precedents([analyze_doc(d) for d in docs], [t for t, _ in TRAIN], SUPPLY_NAMES, PAIRS)


def _demand(title: str, text: str) -> MatchDoc:
    return MatchDoc(id=1000, kind="demand", title=title, text=text)


def test_fit_shapes_and_normalised_rows() -> None:
    m = _model()
    assert m.n_demands == 4
    assert m.keys == tuple(sorted(["数控技术", "机械制造及自动化", "护理", "registered nursing"]))
    norms = np.sqrt(np.asarray(m.queries.multiply(m.queries).sum(axis=1)).ravel())
    np.testing.assert_allclose(norms, 1.0)
    assert m.targets.max() == pytest.approx(1.0)  # relevance divided by the largest grade


def test_lookup_scores_neighbours_supplies_best_first() -> None:
    p = _model().lookup(analyze_doc(_demand("数控加工操作工", "操作数控车床，编写加工程序，加工零件")), k=2)
    assert p.neighbours[0][0] in {"数控车工", "数控铣工"}
    assert p.scores["数控技术"] == pytest.approx(1.0)
    assert 0 < p.scores["机械制造及自动化"] < p.scores["数控技术"]
    assert "护理" not in p.scores
    assert p.value(("护理", "数控技术")) == pytest.approx(1.0)
    assert p.value(("没有的专业",)) == 0.0


def test_unrelated_demand_gets_no_precedents() -> None:
    m = _model()
    assert m.lookup(analyze_doc(_demand("律师", "代理诉讼案件，法律咨询"))).scores == {}
    # similar to nothing above the bar: nothing either
    weak = m.lookup(analyze_doc(_demand("数控车工", "")), min_similarity=0.99)
    assert weak.scores == {} and weak.neighbours == ()


def test_save_load_round_trip(tmp_path) -> None:
    m = _model()
    m.save(tmp_path / "p.npz")
    back = PrecedentModel.load(tmp_path / "p.npz")
    assert back.terms == m.terms and back.keys == m.keys and back.titles == m.titles
    q = analyze_doc(_demand("Nurse", "administer nursing care to patients"))
    a, b = m.lookup(q), back.lookup(q)
    assert a.scores.keys() == b.scores.keys()
    assert "registered nursing" in a.scores and "数控技术" not in a.scores
    for k, v in a.scores.items():
        assert b.scores[k] == pytest.approx(v, rel=1e-3)


SUPPLIES = [
    MatchDoc(id=1, kind="program", title="机械制造及自动化", text="机械加工、数控编程与机床操作、零件加工工艺"),
    MatchDoc(id=2, kind="program", title="数控技术", text="数控编程与机床操作、机械制图"),
    MatchDoc(id=3, kind="cohort", title="数控技术（2026届）", text="数控编程", majors=("数控技术",)),
    MatchDoc(id=4, kind="program", title="护理", text="临床护理与社区护理"),
]
QUERY = _demand("数控加工操作工", "操作数控车床，编写加工程序，加工零件")


def test_precedent_factor_lifts_matched_names_and_is_explained() -> None:
    # the re-ranker off in both: this is the precedent factor alone
    plain = Matcher(associations=None, precedents=None, reranker=None).fit(SUPPLIES)
    learned = Matcher(associations=None, precedents=_model(), reranker=None).fit(SUPPLIES)
    before, _ = plain.rank(QUERY, top_k=4)
    after, _ = learned.rank(QUERY, top_k=4)
    assert [m.id for m in before][0] == 1  # more shared text
    assert after[0].id == 2
    f = {x.name: x for x in after[0].explanation.factors}["precedent"]
    assert f.value == pytest.approx(1.0) and f.weight == MatchParams().weight_precedent
    # the cohort is known by its program's major name
    cohort = next(m for m in after if m.id == 3)
    assert {x.name: x for x in cohort.explanation.factors}["precedent"].value == pytest.approx(1.0)
    assert cohort.score > next(m for m in before if m.id == 3).score
    assert f.note.startswith("similar demands matched before: 数控")
    assert "precedent" not in {x.name for x in before[0].explanation.factors}


def test_precedents_apply_to_demand_queries_only_and_can_be_disabled() -> None:
    m = Matcher(associations=None, precedents=_model()).fit(
        [MatchDoc(id=9 + i, kind="demand", title=t, text=x) for i, (t, x) in enumerate(TRAIN)]
    )
    program = MatchDoc(id=50, kind="program", title="数控技术", text="数控编程与机床操作，数控车床加工零件")
    res, _ = m.rank(program, top_k=2)
    assert all("precedent" not in {f.name for f in r.explanation.factors} for r in res)
    off = Matcher(associations=None, precedents=_model(), params=MatchParams(weight_precedent=0)).fit(SUPPLIES)
    res, _ = off.rank(QUERY, top_k=1)
    assert "precedent" not in {f.name for f in res[0].explanation.factors}
