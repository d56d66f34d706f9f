"""Offline evaluation on the demand → supply ranking benchmark (``shared/benchmark`` layout).

Records are built exactly as the web API builds them for the independent
evaluation: a supply becomes a ``program`` (title, text, education level
``bachelor`` for en / ``higher_vocational`` for zh, nothing else); a demand
becomes a ``demand`` with ``title`` and ``text[:5000]`` and defaults
elsewhere. Metrics follow ``baseline_tfidf.py``: nDCG@10 with linear gain
and the ideal ranking from all judged pairs, Recall@10 and MRR counting
relevance > 0, MRR over the full ranking (records the engine does not
retrieve count as not found).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .analysis import analyze_doc
from .associations import AssociationModel, fit_associations
from .params import MatchParams
from .precedents import PrecedentModel, fit_precedents
from .ranker import Matcher
from .reranker import Reranker, fit_reranker
from .stacking import FoldModels, Pool, fold_of, out_of_fold_heads
from .types import MatchDoc

__all__ = [
    "Bench",
    "typo_recall",
    "load_bench",
    "evaluate_ranking",
    "rank_engine",
    "rank_tfidf_baseline",
    "cross_validate",
    "fit_bench_associations",
    "fit_bench_precedents",
    "bench_heads",
    "mean_metrics",
    "score_rankings",
]

LEVEL = {"en": "bachelor", "zh": "higher_vocational"}


@dataclass(frozen=True)
class Bench:
    """One language of the benchmark, as MatchDocs (with precomputed tokens)."""

    lang: str
    supplies: tuple[MatchDoc, ...]
    supply_keys: tuple[str, ...]
    demands: dict[str, MatchDoc]
    raw_demands: dict[str, dict]
    raw_supplies: tuple[dict, ...]
    qrels: dict[str, dict[str, int]]
    dev_ids: tuple[str, ...]


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_bench(root: str | Path, lang: str, *, with_tokens: bool = True) -> Bench:
    """Load ``root/lang`` (dev qrels only; the sealed held-out file is never read)."""
    d = Path(root) / lang
    sup_raw = _jsonl(d / "supplies.jsonl")
    dem_raw = {x["id"]: x for x in _jsonl(d / "demands.jsonl")}
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with open(d / "qrels.tsv", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                q, s, r = line.rstrip("\n").split("\t")
                qrels[q][s] = max(int(r), qrels[q].get(s, 0))
    with open(d / "dev_demand_ids.txt", encoding="utf-8") as f:
        dev = [x.strip() for x in f if x.strip()]
    dev = [x for x in dev if x in qrels]
    supplies = [
        MatchDoc(id=i, kind="program", title=s["title"], text=s["text"], education_level=LEVEL[lang])
        for i, s in enumerate(sup_raw)
    ]
    demands = {
        k: MatchDoc(id=100000 + i, kind="demand", title=v["title"], text=v["text"][:5000])
        for i, (k, v) in enumerate(sorted(dem_raw.items()))
    }
    if with_tokens:
        supplies = [replace(s, tokens=analyze_doc(s)) for s in supplies]
        demands = {k: replace(v, tokens=analyze_doc(v)) for k, v in demands.items()}
    return Bench(
        lang,
        tuple(supplies),
        tuple(s["id"] for s in sup_raw),
        demands,
        dem_raw,
        tuple(sup_raw),
        dict(qrels),
        tuple(dev),
    )


def evaluate_ranking(ranked: Sequence[str], rels: dict[str, int], k: int = 10) -> dict[str, float]:
    """nDCG@k, Recall@k and MRR for one query (``baseline_tfidf.py`` definitions)."""
    gains = [rels.get(s, 0) for s in ranked]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    n_rel = sum(1 for v in rels.values() if v > 0)
    hits = sum(1 for g in gains[:k] if g > 0)
    first = next((i for i, g in enumerate(gains) if g > 0), None)
    return {
        "ndcg@10": dcg / idcg if idcg > 0 else 0.0,
        "recall@10": hits / n_rel if n_rel else 0.0,
        "mrr": 1.0 / (first + 1) if first is not None else 0.0,
    }


def mean_metrics(per: Sequence[dict[str, float]]) -> dict[str, float]:
    """Average per-query metrics; adds ``queries``."""
    out = {k: float(np.mean([p[k] for p in per])) if per else 0.0 for k in ("ndcg@10", "recall@10", "mrr")}
    out["queries"] = len(per)
    return out


def rank_engine(
    bench: Bench,
    qids: Sequence[str],
    *,
    params: MatchParams | None = None,
    associations: AssociationModel | None | str = "default",
    precedents: PrecedentModel | None | str = "default",
    reranker: Reranker | None | str = "default",
    depth: int | None = None,
) -> dict[str, list[str]]:
    """Rankings (supply keys) from :class:`Matcher` for ``qids``.

    The first 10 are exactly what ``rank(demand, top_k=10)`` returns (what the
    API serves); the rest, used only by MRR, come from a deeper ranking.
    """
    m = Matcher(params=params, associations=associations, precedents=precedents, reranker=reranker).fit(  # type: ignore[arg-type]
        bench.supplies
    )
    depth = depth or len(bench.supplies)
    out = {}
    for q in qids:
        head, _ = m.rank(bench.demands[q], top_k=10, explain=False)
        full, _ = m.rank(bench.demands[q], top_k=depth, explain=False) if depth > 10 else (head, 0)
        seen = {r.id for r in head}
        out[q] = [bench.supply_keys[r.id] for r in head] + [bench.supply_keys[r.id] for r in full if r.id not in seen]
    return out


def rank_tfidf_baseline(bench: Bench, qids: Sequence[str]) -> dict[str, list[str]]:
    """``baseline_tfidf.py``: default TfidfVectorizer on supply texts, cosine, stable sort."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer() if bench.lang == "en" else TfidfVectorizer(analyzer="char", ngram_range=(2, 3))
    s = vec.fit_transform([x["text"] for x in bench.raw_supplies])
    q = vec.transform([bench.raw_demands[i]["text"] for i in qids])
    sims = (q @ s.T).toarray()
    return {qid: [bench.supply_keys[j] for j in np.argsort(-sims[i], kind="stable")] for i, qid in enumerate(qids)}


def score_rankings(bench: Bench, rankings: dict[str, list[str]]) -> dict[str, float]:
    """Mean metrics of ``rankings`` against the dev qrels."""
    return mean_metrics([evaluate_ranking(r, bench.qrels[q]) for q, r in rankings.items()])


def _bench_pairs(
    benches: Sequence[Bench], qids_per_bench: Sequence[Sequence[str]]
) -> tuple[list, list[str], list, list[str], list[tuple[int, int, float]]]:
    """Training queries, their titles, the supply pool, supply titles and pairs over all benchmarks."""
    queries, qtitles, supplies, stitles, pairs = [], [], [], [], []
    for bench, qids in zip(benches, qids_per_bench, strict=True):
        base = len(supplies)
        supplies += [s.tokens for s in bench.supplies]
        stitles += [s.title for s in bench.supplies]
        key_pos = {k: i for i, k in enumerate(bench.supply_keys)}
        for q in qids:
            qi = len(queries)
            queries.append(bench.demands[q].tokens)
            qtitles.append(bench.demands[q].title)
            pairs += [(qi, base + key_pos[s], float(r)) for s, r in sorted(bench.qrels[q].items()) if r > 0]
    return queries, qtitles, supplies, stitles, pairs


def fit_bench_associations(
    benches: Sequence[Bench], qids_per_bench: Sequence[Sequence[str]], *, params: MatchParams | None = None, **kw: float
) -> AssociationModel:
    """Fit one association model on the given training queries of one or more benchmarks."""
    p = params or MatchParams()
    queries, _, supplies, _, pairs = _bench_pairs(benches, qids_per_bench)
    return fit_associations(queries, supplies, pairs, doc_field_weights=p.doc_field_weights, k1=p.k1, b=p.b, **kw)  # type: ignore[arg-type]


def fit_bench_precedents(benches: Sequence[Bench], qids_per_bench: Sequence[Sequence[str]]) -> PrecedentModel:
    """Fit one precedent model on the given training queries of one or more benchmarks."""
    queries, qtitles, _, stitles, pairs = _bench_pairs(benches, qids_per_bench)
    return fit_precedents(queries, qtitles, stitles, pairs)


def bench_heads(
    benches: Sequence[Bench],
    *,
    folds: int = 5,
    params: MatchParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]], list[FoldModels]]:
    """Out-of-fold head features of every dev query (:func:`matching.stacking.out_of_fold_heads`)
    and the models of each fold; both learned models are fitted on all languages together."""
    pools = []
    for b in benches:
        key_pos = {k: i for i, k in enumerate(b.supply_keys)}
        labels = [{key_pos[s]: float(r) for s, r in b.qrels[q].items() if r > 0} for q in b.dev_ids]
        pools.append(Pool(b.supplies, [b.demands[q] for q in b.dev_ids], labels))

    def fit(train: list[list[int]]) -> FoldModels:
        qids = [[b.dev_ids[i] for i in idx] for b, idx in zip(benches, train, strict=True)]
        return fit_bench_associations(benches, qids, params=params), fit_bench_precedents(benches, qids)

    return out_of_fold_heads(pools, fit, folds=folds, params=params, progress=progress)


def cross_validate(
    benches: Sequence[Bench],
    *,
    folds: int = 5,
    params: MatchParams | None = None,
    reranker: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, float]]:
    """k-fold CV over dev queries: fit the learned models on k-1 folds (all languages), score the held fold.

    Fold ``f`` holds dev queries at index ``i % folds == f`` (in dev-file order) of each language.
    With ``reranker``, the re-ranker of fold ``f`` is fitted on the out-of-fold head features
    (:func:`bench_heads`) of the other folds' queries, so no model has seen a scored query.
    """
    per: dict[str, list[dict[str, float]]] = {b.lang: [] for b in benches}
    if reranker:
        heads, models = bench_heads(benches, folds=folds, params=params, progress=progress)
    else:
        heads, models = [], []
    for f in range(folds):
        test = [[q for i, q in enumerate(b.dev_ids) if fold_of(i, folds) == f] for b in benches]
        if models:
            model, prec = models[f]
            groups = [(x, y) for bh in heads for i, (_, x, y) in enumerate(bh) if fold_of(i, folds) != f]
            rr: Reranker | None = fit_reranker(groups)
        else:
            train = [[q for i, q in enumerate(b.dev_ids) if fold_of(i, folds) != f] for b in benches]
            model, prec = fit_bench_associations(benches, train, params=params), fit_bench_precedents(benches, train)
            rr = None
        for b, qs in zip(benches, test, strict=True):
            ranks = rank_engine(b, qs, params=params, associations=model, precedents=prec, reranker=rr)
            per[b.lang] += [evaluate_ranking(ranks[q], b.qrels[q]) for q in qs]
        if progress:
            progress(f"fold {f + 1}/{folds} done")
    return {lang: mean_metrics(v) for lang, v in per.items()}


def typo_recall(titles: Sequence[str], *, n: int = 1000, seed: int = 0) -> dict[str, float]:
    """Recall@1 of :class:`matching.TitleSearch` for one-edit variants of ``titles``.

    A query counts as found when the first hit's normalised title equals the
    target's (records sharing a title are interchangeable).
    """
    from .search import TitleSearch
    from .synthetic import typo_queries
    from .text import normalize

    ts = TitleSearch().fit(list(range(len(titles))), list(titles))
    pairs = typo_queries(list(titles), n, seed=seed)
    hits = 0
    for j, q in pairs:
        h = ts.search(q, top_k=1)
        hits += bool(h) and normalize(h[0].title) == normalize(titles[j])
    return {"recall@1": hits / len(pairs), "queries": len(pairs), "titles": len(set(titles))}
