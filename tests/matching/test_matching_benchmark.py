"""Checks against the shared benchmark (skipped when it is absent) and the scripts' skip behaviour."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from matching.evaluation import evaluate_ranking, load_bench, rank_engine, rank_tfidf_baseline, score_rankings

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT.parent / "shared" / "benchmark"
needs_bench = pytest.mark.skipif(not (BENCH / "en" / "qrels.tsv").is_file(), reason="benchmark not present")


def _script(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_metric_definitions() -> None:
    m = evaluate_ranking(["a", "x", "b"], {"a": 2, "b": 1, "c": 1})
    # dcg = 2/1 + 1/2 ; idcg = 2/1 + 1/log2(3) + 1/2
    assert m["ndcg@10"] == pytest.approx(2.5 / (2.5 + 1 / 1.584962500721156))
    assert m["recall@10"] == pytest.approx(2 / 3)
    assert m["mrr"] == 1.0
    assert evaluate_ranking(["x", "y", "a"], {"a": 1})["mrr"] == pytest.approx(1 / 3)


def test_scripts_skip_without_benchmark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _script("evaluate_matching").main(["--bench", str(tmp_path / "none")]) == 0
    assert "skipping" in capsys.readouterr().out
    assert _script("fit_matching").main(["--bench", str(tmp_path / "none"), "--out", str(tmp_path / "m")]) == 0
    assert not (tmp_path / "m").exists()


@needs_bench
def test_learned_models_help_held_out_folds(tmp_path: Path) -> None:
    """Fitted on part of the dev queries, the learned models lift the others (both languages)."""
    from matching.evaluation import fit_bench_associations, fit_bench_precedents

    benches = [load_bench(BENCH, lang) for lang in ("en", "zh")]
    train = [[q for i, q in enumerate(b.dev_ids) if i % 5 != 0] for b in benches]
    test = [[q for i, q in enumerate(b.dev_ids) if i % 5 == 0][:60] for b in benches]
    assoc, prec = fit_bench_associations(benches, train), fit_bench_precedents(benches, train)
    for b, qs in zip(benches, test, strict=True):
        plain = score_rankings(b, rank_engine(b, qs, associations=None, precedents=None, depth=10))
        learned = score_rankings(b, rank_engine(b, qs, associations=assoc, precedents=prec, depth=10))
        assert learned["ndcg@10"] > plain["ndcg@10"] + 0.02, b.lang


@needs_bench
def test_semantic_factor_helps_english_held_out_fold() -> None:
    """With the learned models fitted on the other folds, the sentence encoder lifts English (Chinese: unused)."""
    from matching import MatchParams
    from matching.evaluation import fit_bench_associations, fit_bench_precedents

    b = load_bench(BENCH, "en")
    train = [q for i, q in enumerate(b.dev_ids) if i % 5 != 1]
    test = [q for i, q in enumerate(b.dev_ids) if i % 5 == 1][:80]
    assoc, prec = fit_bench_associations([b], [train]), fit_bench_precedents([b], [train])
    runs = {
        on: score_rankings(
            b,
            rank_engine(b, test, params=MatchParams(use_semantic=on), associations=assoc, precedents=prec, depth=10),
        )
        for on in (False, True)
    }
    assert runs[True]["ndcg@10"] > runs[False]["ndcg@10"] + 0.01


@needs_bench
def test_engine_beats_tfidf_baseline_on_english_dev_sample() -> None:
    bench = load_bench(BENCH, "en")
    qids = bench.dev_ids[:80]
    # no learned models here: the shipped ones were fitted on these very queries
    engine = score_rankings(bench, rank_engine(bench, qids, associations=None, precedents=None, depth=100))
    base = score_rankings(bench, rank_tfidf_baseline(bench, qids))
    assert engine["queries"] == base["queries"] == 80
    assert engine["ndcg@10"] > base["ndcg@10"] + 0.05
