"""The ``semantic`` factor: which records it applies to, the shipped encoder, and its effect on ranking."""

from __future__ import annotations

import numpy as np
import pytest

from matching import MatchDoc, Matcher, MatchParams, SemanticModel, default_semantic, semantic_text


@pytest.fixture(scope="module")
def model() -> SemanticModel:
    m = default_semantic()
    assert m is not None
    return m


def _p(i: int, title: str, text: str) -> MatchDoc:
    return MatchDoc(id=i, kind="program", title=title, text=text)


def test_semantic_text_is_english_only() -> None:
    doc = MatchDoc(id=1, kind="demand", title="Registered Nurse", text="Care for patients.", skills=("triage",))
    assert semantic_text(doc) == "Registered Nurse. triage. Care for patients."
    assert semantic_text(MatchDoc(id=2, kind="demand", title="护士", text="为病人提供临床护理")) is None
    # mostly Chinese with an English acronym: Chinese
    assert semantic_text(MatchDoc(id=3, kind="demand", title="PLC工程师", text="负责PLC编程与调试，维护生产线")) is None
    # mostly English with one Chinese word: English
    assert (
        semantic_text(MatchDoc(id=4, kind="demand", title="CNC machinist", text="Operate CNC lathes (数控)"))
        is not None
    )
    assert semantic_text(MatchDoc(id=5, kind="demand", title="", text="")) is None
    long = semantic_text(MatchDoc(id=6, kind="demand", title="Nurse", text="care " * 1000))
    assert long is not None and len(long) == 1500
    # full-width and accented letters are not counted as Latin (only A-Z, a-z are)
    assert semantic_text(MatchDoc(id=7, kind="demand", title="ＣＮＣ éé", text="数")) is None
    assert semantic_text(MatchDoc(id=8, kind="demand", title="Abc", text="\ud800 lone surrogate")) is not None
    # exactly one CJK character per 10 Latin letters is too many
    assert semantic_text(MatchDoc(id=9, kind="demand", title="abcdefghij", text="数")) is None
    assert semantic_text(MatchDoc(id=10, kind="demand", title="abcdefghijk", text="数")) is not None


def test_embeddings_are_normalised_deterministic_and_meaningful(model: SemanticModel) -> None:
    a = model.embed("Registered nurses assess patient health problems.")
    assert a.shape == (384,) and a.dtype == np.float16
    assert float(np.linalg.norm(a.astype(np.float32))) == pytest.approx(1.0, abs=1e-3)
    # a fresh encoder (no memo) gives the same vector
    again = SemanticModel()
    np.testing.assert_array_equal(again.embed("Registered nurses assess patient health problems."), a)
    nursing, welding = model.similarities(
        "Registered nurses assess patient health problems.",
        [
            "A program that prepares individuals to practice professional nursing.",
            "Welding technology and metal joining.",
        ],
    )
    assert nursing is not None and welding is not None and nursing > welding + 0.2
    assert model.similarities("nurse", [None]) == [None]


def test_memo_is_bounded() -> None:
    m = SemanticModel(cache_size=10)
    for i in range(25):
        m.embed(f"text number {i}")
    assert len(m) <= 10 and m.cached("text number 24")


def test_semantic_factor_lifts_the_related_record_and_is_explained() -> None:
    # both programs share exactly one word with the demand ("care"); only one is about nursing
    supplies = [
        _p(1, "Automotive Maintenance", "Vehicle care, engine repair and servicing of cars and trucks."),
        _p(2, "Professional Nursing", "Care of the sick and injured in hospitals, patient assessment."),
    ]
    demand = MatchDoc(id=100, kind="demand", title="Registered Nurse", text="Provide care to ill patients on a ward.")
    on = Matcher().fit(supplies)
    res, _ = on.rank(demand, top_k=2)
    assert [r.id for r in res] == [2, 1]
    factors = {f.name: f for f in res[0].explanation.factors}
    assert factors["semantic"].weight == MatchParams().weight_semantic
    assert factors["semantic"].value > {f.name: f for f in res[1].explanation.factors}["semantic"].value
    off = Matcher(params=MatchParams(use_semantic=False)).fit(supplies)
    assert "semantic" not in {f.name for f in off.rank(demand, top_k=2)[0][0].explanation.factors}
    assert off.semantic_ is None and Matcher(semantic=None).fit(supplies).semantic_ is None


def test_chinese_query_does_not_use_the_factor() -> None:
    supplies = [_p(1, "护理", "培养从事临床护理工作的技术技能人才"), _p(2, "Nursing", "Professional nursing care")]
    res, _ = (
        Matcher().fit(supplies).rank(MatchDoc(id=9, kind="demand", title="护士", text="临床护理，执行医嘱"), top_k=2)
    )
    assert res and all("semantic" not in {f.name for f in r.explanation.factors} for r in res)


def test_record_without_english_text_counts_neutral_for_an_english_query() -> None:
    supplies = [
        _p(1, "Nursing 护理", "护理 nursing 临床护理 病人 护士"),
        _p(2, "Nursing", "Professional nursing care of patients"),
    ]
    res, _ = (
        Matcher()
        .fit(supplies)
        .rank(MatchDoc(id=9, kind="demand", title="Nurse", text="Nursing care of patients"), top_k=2)
    )
    by_id = {r.id: {f.name: f.value for f in r.explanation.factors} for r in res}
    assert by_id[1]["semantic"] is None and by_id[2]["semantic"] > 0


def test_ranking_with_semantic_is_sorted_bounded_and_repeatable() -> None:
    words = [
        "nursing",
        "patient",
        "care",
        "engine",
        "repair",
        "welding",
        "accounting",
        "finance",
        "teaching",
        "software",
    ]
    rng = np.random.default_rng(0)
    supplies = [_p(i, " ".join(rng.choice(words, 2)), " ".join(rng.choice(words, 12))) for i in range(1, 121)]
    m = Matcher(params=MatchParams(rerank_depth=12)).fit(supplies)
    q = MatchDoc(id=999, kind="demand", title="Nurse", text="patient care nursing on a hospital ward")
    top, total = m.rank(q, top_k=10)
    assert total == 120 and len(top) == 10
    keys = [(-r.score, r.id) for r in top]
    assert keys == sorted(keys) and all(0.0 <= r.score <= 1.0 for r in top)
    assert [(r.id, r.score) for r in m.rank(q, top_k=10)[0]] == [(r.id, r.score) for r in top]
    assert all({f.name: f.value for f in r.explanation.factors}["semantic"] is not None for r in top)


def test_warm_embeds_every_english_record(model: SemanticModel) -> None:
    supplies = [_p(i, f"Warm test program {i}", f"A unique warm-up description number {i}") for i in range(5)]
    supplies.append(_p(9, "护理", "临床护理"))
    m = Matcher().fit(supplies)
    assert m.warm_semantic() == 5
    assert all(model.cached(semantic_text(s)) for s in supplies[:5])
    assert m.warm_semantic() == 0
    # starting part-way through still covers every record once
    others = [_p(i, f"Rotated warm program {i}", f"Another unique description {i}") for i in range(7)]
    assert Matcher().fit(others).warm_semantic(start=0.6) == 7
    assert all(model.cached(semantic_text(s)) for s in others)


class _DictStore:
    def __init__(self) -> None:
        self.rows: dict[str, bytes] = {}
        self.loads = 0

    def load(self, keys):  # type: ignore[no-untyped-def]
        self.loads += 1
        return {k: self.rows[k] for k in keys if k in self.rows}

    def save(self, items):  # type: ignore[no-untyped-def]
        for k, v in items:
            self.rows.setdefault(k, v)


def test_warm_shares_embeddings_through_a_store() -> None:
    texts = [f"Shared store program {i}: a description of the courses" for i in range(7)] + [None]
    store = _DictStore()
    first = SemanticModel()
    assert first.warm(texts, store=store, batch=3) == 7
    assert len(store.rows) == 7 and store.loads == 3
    # another process: loads every vector, computes none, and gets the very same vectors
    second = SemanticModel()
    assert second.warm(texts, store=store) == 0
    for t in texts[:7]:
        np.testing.assert_array_equal(second.embed(t), first.embed(t))
    # keys depend on the model and the text
    assert first.key("a") != first.key("b") and first.key("a") == second.key("a") and len(first.key("a")) == 64


def test_warm_stops_at_the_memo_cap() -> None:
    m = SemanticModel(cache_size=5)
    texts = [f"Capped warm text number {i}" for i in range(12)]
    assert m.warm(texts, batch=4) == 8  # two batches; the cap is reached in the second
    assert len(m) <= 5
    assert m.warm(texts) == 0  # a full memo: the next pass does nothing, rather than evict and redo
