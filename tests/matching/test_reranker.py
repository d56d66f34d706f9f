"""The learned re-ranker: tree evaluation against LightGBM, features, persistence, and its effect on ranking."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matching import Filters, MatchDoc, Matcher, MatchParams
from matching.reranker import FEATURES, LAMBDARANK_PARAMS, Reranker, default_reranker, fit_reranker, head_features
from matching.training import fit_from_pairs_file

lgb = pytest.importorskip("lightgbm")

PROGRAMS = [
    MatchDoc(id=1, kind="program", title="数控技术", text="数控车床 数控铣床 加工中心 编程 机械制图 零件加工"),
    MatchDoc(id=2, kind="program", title="机械制造及自动化", text="机械制造 数控加工 零件 工艺 夹具 数控车床"),
    MatchDoc(id=3, kind="program", title="护理", text="临床护理 基础护理 内科护理 外科护理 病人 医嘱"),
    MatchDoc(id=4, kind="program", title="数控设备应用与维护", text="数控车床 维修 电气 数控系统 加工中心 调试"),
    MatchDoc(id=5, kind="program", title="Mechanical Engineering", text="machining CNC lathe milling design"),
]
DEMAND = MatchDoc(id=100, kind="demand", title="数控车工", text="操作数控车床加工零件，编写数控加工程序，调试加工中心")


def _groups(n_queries: int = 60, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Synthetic heads where relevance follows text and title_fuzzy, with noise."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_queries):
        n = 30
        score = np.sort(rng.random(n))[::-1]
        x = head_features(score, rng.random(n), rng.random(n), list(rng.random(n)), list(rng.random(n)))
        y = ((x[:, 3] + x[:, 6] + 0.3 * rng.standard_normal(n)) > 1.2).astype(float)
        out.append((x, y))
    return out


@pytest.fixture(scope="module")
def fitted() -> tuple[Reranker, list]:
    groups = _groups()
    return fit_reranker(groups, rounds=40), groups


def test_numpy_trees_equal_lightgbm_predictions(fitted) -> None:
    rr, groups = fitted
    x = np.vstack([g for g, _ in groups])
    booster = lgb.train(
        dict(LAMBDARANK_PARAMS, seed=1),
        lgb.Dataset(
            x, np.concatenate([y for _, y in groups]), group=[len(g) for g, _ in groups], feature_name=list(FEATURES)
        ),
        num_boost_round=40,
    )
    np.testing.assert_allclose(rr.raw(x), booster.predict(x), rtol=0, atol=1e-12)
    assert rr.n_trees == 40 and rr.depth >= 1
    v = rr.value(x)
    assert ((v > 0) & (v < 1)).all()
    # the model learned what the labels follow: higher text + title_fuzzy ranks higher
    assert np.corrcoef(rr.raw(x), x[:, 3] + x[:, 6])[0, 1] > 0.5


def test_save_load_round_trip(fitted, tmp_path) -> None:
    rr, groups = fitted
    rr.save(tmp_path / "r.npz")
    back = Reranker.load(tmp_path / "r.npz")
    x = np.vstack([g for g, _ in groups])
    np.testing.assert_array_equal(back.raw(x), rr.raw(x))
    assert back.features == FEATURES and back.depth == rr.depth


def test_head_features_columns() -> None:
    x = head_features(np.array([0.2, 0.5, 0.5]), np.array([0.1, 0.2, 0.3]), None, [None, 0.4, None], None)
    assert x.shape == (3, len(FEATURES))
    assert x[:, FEATURES.index("rank")].tolist() == [2.0, 0.0, 0.0]  # the two at 0.5 share the best rank
    assert x[:, FEATURES.index("relative_score")].tolist() == [0.4, 1.0, 1.0]
    assert x[:, FEATURES.index("precedent")].tolist() == [0.0, 0.0, 0.0]
    assert x[:, FEATURES.index("semantic")].tolist() == [0.0, 0.4, 0.0]
    assert head_features(np.zeros(0), np.zeros(0), None, [], []).shape == (0, len(FEATURES))


def test_rejects_models_of_other_features() -> None:
    dump = {"feature_names": ["a", "b"], "tree_info": []}
    with pytest.raises(ValueError, match="features"):
        Reranker.from_lightgbm(dump)
    with pytest.raises(ValueError, match="relevant"):
        fit_reranker([(np.zeros((3, len(FEATURES))), np.zeros(3))])


def _one_split(feature: str, threshold: float, low: float, high: float) -> Reranker:
    """A one-tree model: ``low`` when ``feature <= threshold``, else ``high``."""
    return Reranker(
        np.array([FEATURES.index(feature)]),
        np.array([threshold]),
        np.array([-1], dtype=np.int32),
        np.array([-2], dtype=np.int32),
        np.array([low, high]),
        np.array([0], dtype=np.int32),
    )


def test_shipped_model_loads() -> None:
    rr = default_reranker()
    assert rr is not None and rr.features == FEATURES and rr.n_trees > 0
    x = _groups(3)[0][0]
    assert np.isfinite(rr.raw(x)).all()


def test_reranker_factor_blends_into_the_score() -> None:
    w = MatchParams().weight_reranker
    plain = Matcher(associations=None, precedents=None, semantic=None, reranker=None).fit(PROGRAMS)
    rr = _one_split("title_fuzzy", 0.2, -3.0, 3.0)
    learned = Matcher(associations=None, precedents=None, semantic=None, reranker=rr).fit(PROGRAMS)
    before, total_before = plain.rank(DEMAND, top_k=5)
    after, total_after = learned.rank(DEMAND, top_k=5)
    assert total_before == total_after
    blend = {m.id: m.score for m in before}
    for m in after:
        f = {x.name: x for x in m.explanation.factors}
        assert f["reranker"].weight == w and "learned re-ranker" in f["reranker"].note
        expected_v = 1 / (1 + np.exp(-3.0)) if f["title_fuzzy"].value > 0.2 else 1 / (1 + np.exp(3.0))
        assert f["reranker"].value == pytest.approx(expected_v, abs=1e-6)
        assert m.score == pytest.approx((blend[m.id] + w * f["reranker"].value) / (1 + w), abs=2e-6)
    scores = [m.score for m in after]
    assert scores == sorted(scores, reverse=True)
    assert len(after) == 4 and all(m.score < 1 / 3 for m in after[2:]) and all(m.score > 2 / 3 * 0.9 for m in after[:2])


def test_reranker_can_reorder_the_head() -> None:
    base = Matcher(associations=None, precedents=None, semantic=None, reranker=None).fit(PROGRAMS)
    first, _ = base.rank(DEMAND, top_k=5, explain=False)
    # a model that prefers the lowest-ranked head records puts the old last one first
    flip = _one_split("rank", float(len(first) - 2), -5.0, 5.0)
    m = Matcher(associations=None, precedents=None, semantic=None, reranker=flip).fit(PROGRAMS)
    second, _ = m.rank(DEMAND, top_k=5, explain=False)
    assert second[0].id == first[-1].id
    assert sorted(x.id for x in second) == sorted(x.id for x in first)


def test_reranker_not_used_for_supply_queries_or_when_disabled() -> None:
    rr = _one_split("rank", 0.5, 5.0, -5.0)
    demands = [DEMAND, MatchDoc(id=101, kind="demand", title="护士", text="临床护理 病人 医嘱 护理记录")]
    m = Matcher(associations=None, precedents=None, semantic=None, reranker=rr).fit(demands)
    res, _ = m.rank(PROGRAMS[0], top_k=2)
    assert res and all("reranker" not in {f.name for f in r.explanation.factors} for r in res)
    off = Matcher(
        params=MatchParams(weight_reranker=0.0), associations=None, precedents=None, semantic=None, reranker=rr
    ).fit(PROGRAMS)
    assert off.reranker_ is None
    res, _ = off.rank(DEMAND, top_k=2)
    assert all("reranker" not in {f.name for f in r.explanation.factors} for r in res)


def test_min_score_counts_reranked_scores() -> None:
    rr = _one_split("title_fuzzy", 0.2, -3.0, 3.0)
    m = Matcher(associations=None, precedents=None, semantic=None, reranker=rr).fit(PROGRAMS)
    every, total = m.rank(DEMAND, top_k=10)
    cut = every[1].score
    kept, n = m.rank(DEMAND, top_k=10, filters=Filters(min_score=cut))
    assert [x.id for x in kept] == [x.id for x in every if x.score >= cut] and n == len(kept)


def test_head_features_of_the_matcher_match_its_ranking() -> None:
    m = Matcher(associations=None, precedents=None, semantic=None, reranker=None).fit(PROGRAMS)
    ids, x = m.head_features(DEMAND)
    ranked, _ = m.rank(DEMAND, top_k=len(ids))
    assert ids.tolist() == [r.id for r in ranked]
    assert x[:, FEATURES.index("rank")].tolist() == list(range(len(ids)))  # no ties here
    np.testing.assert_allclose(x[:, 0], [r.score for r in ranked], atol=1e-6)


def test_fit_from_pairs_file_fits_all_three(tmp_path) -> None:
    rows = []
    jobs = [("数控车工", "数控技术"), ("护士", "护理"), ("数控铣工", "数控技术"), ("维修电工", "数控设备应用与维护")]
    texts = {p.title: p.text for p in PROGRAMS}
    for k in range(30):
        title, program = jobs[k % len(jobs)]
        rows.append(
            {
                "demand": {"title": f"{title}{k}", "text": f"{texts[program]} 岗位{k}"},
                "supply": {"title": program, "text": texts[program]},
            }
        )
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    sup = tmp_path / "supplies.jsonl"
    sup.write_text("\n".join(json.dumps({"title": p.title, "text": p.text}, ensure_ascii=False) for p in PROGRAMS))
    models = fit_from_pairs_file(path, supplies_path=sup)
    assert models.reranker is not None and 1 <= models.reranker.n_trees <= 200
    written = models.save(tmp_path / "out")
    assert [p.name for p in written] == ["associations.npz", "precedents.npz", "reranker.npz"]
    back = Reranker.load(written[2])
    m = Matcher(reranker=back, semantic=None).fit(PROGRAMS)
    res, _ = m.rank(DEMAND, top_k=3)
    assert res[0].id in {1, 2, 4}


def test_compiled_and_numpy_trees_give_the_same_bits(fitted, monkeypatch) -> None:
    from matching import kernels

    rr, groups = fitted
    x = np.vstack([g for g, _ in groups])
    compiled = rr.raw(x)
    monkeypatch.setattr(kernels, "ENABLED", False)
    np.testing.assert_array_equal(rr.raw(x), compiled)
    assert rr.raw(x[:0]).shape == (0,)
