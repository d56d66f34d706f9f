"""Fitting the shipped learned models (associations, precedents and the re-ranker) from a benchmark's dev split or from a generic pairs file.

Pairs file (JSON Lines, UTF-8), one confirmed match per line, e.g. a hire or
placement exported by the platform::

    {"demand": {"title": "...", "text": "...", "skills": ["..."]},
     "supply": {"title": "...", "text": "...", "majors": ["..."]},
     "relevance": 1}

Every distinct supply in the file joins the pool; ``supplies`` (same record
shape, one per line) can add unmatched supplies so idf reflects the real pool.

The re-ranker (:mod:`matching.reranker`, needs ``lightgbm``) is fitted on
out-of-fold head features (:mod:`matching.stacking`): the demands are split
into 5 folds, associations and precedents are fitted without each fold, and
the fold's demands are ranked against the pool with them; supplies a demand
was not paired with count as not relevant.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .analysis import analyze_doc
from .associations import AssociationModel, fit_associations
from .evaluation import bench_heads, fit_bench_associations, fit_bench_precedents, load_bench
from .params import MatchParams
from .precedents import PrecedentModel, fit_precedents
from .reranker import Reranker, fit_reranker
from .stacking import FoldModels, Pool, out_of_fold_heads
from .types import MatchDoc

__all__ = ["LearnedModels", "fit_from_benchmark", "fit_from_pairs_file"]


def _doc(d: dict, kind: str, i: int) -> MatchDoc:
    return MatchDoc(
        id=i,
        kind=kind,
        title=d.get("title", ""),
        text=d.get("text", "") or d.get("description", ""),  # type: ignore[arg-type]
        skills=tuple(d.get("skills", ())),
        majors=tuple(d.get("majors", ())),
        industries=tuple(d.get("industries", ())),
    )


@dataclass(frozen=True)
class LearnedModels:
    """The learned models, fitted on the same confirmed pairs (the re-ranker is optional)."""

    associations: AssociationModel
    precedents: PrecedentModel
    reranker: Reranker | None = None

    def save(self, directory: str | Path) -> list[Path]:
        """Write ``associations.npz``, ``precedents.npz`` and (if fitted) ``reranker.npz`` into ``directory``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        a, p, r = d / "associations.npz", d / "precedents.npz", d / "reranker.npz"
        self.associations.save(a)
        self.precedents.save(p)
        if self.reranker is None:
            return [a, p]
        self.reranker.save(r)
        return [a, p, r]


def fit_from_pairs_file(
    pairs_path: str | Path,
    *,
    supplies_path: str | Path | None = None,
    params: MatchParams | None = None,
    reranker: bool = True,
    folds: int = 5,
) -> LearnedModels:
    """Fit the models from a pairs file (see module docstring); ``reranker=False`` skips the re-ranker."""
    p = params or MatchParams()
    queries, qtitles, supplies, stitles, pairs = [], [], [], [], []
    qdocs: list[MatchDoc] = []
    sdocs: list[MatchDoc] = []
    q_index: dict[str, int] = {}
    s_index: dict[str, int] = {}

    def supply_idx(d: dict) -> int:
        key = json.dumps(d, sort_keys=True, ensure_ascii=False)
        if key not in s_index:
            s_index[key] = len(supplies)
            doc = _doc(d, "program", len(supplies))
            supplies.append(analyze_doc(doc))
            sdocs.append(replace(doc, tokens=supplies[-1]))
            stitles.append(doc.title)
        return s_index[key]

    with open(pairs_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            qkey = json.dumps(row["demand"], sort_keys=True, ensure_ascii=False)
            if qkey not in q_index:
                q_index[qkey] = len(queries)
                doc = _doc(row["demand"], "demand", len(queries))
                queries.append(analyze_doc(doc))
                qdocs.append(replace(doc, id=-1 - len(qdocs), tokens=queries[-1]))  # ids apart from supplies
                qtitles.append(doc.title)
            pairs.append((q_index[qkey], supply_idx(row["supply"]), float(row.get("relevance", 1))))
    if supplies_path:
        with open(supplies_path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    supply_idx(json.loads(line))

    def fit(train: Sequence[int]) -> FoldModels:
        keep = set(train)
        sub = [x for x in pairs if x[0] in keep]
        return (
            fit_associations(queries, supplies, sub, doc_field_weights=p.doc_field_weights, k1=p.k1, b=p.b),
            fit_precedents(queries, qtitles, stitles, sub),
        )

    assoc, prec = fit(range(len(queries)))
    rr = None
    if reranker:
        labels: list[dict[int, float]] = [{} for _ in queries]
        for qi, si, rel in pairs:
            labels[qi][si] = max(rel, labels[qi].get(si, 0.0))
        heads, _ = out_of_fold_heads(
            [Pool(sdocs, qdocs, labels)], lambda tr: fit(tr[0]), folds=min(folds, len(qdocs)), params=params
        )
        rr = fit_reranker([(x, y) for _, x, y in heads[0]])
    return LearnedModels(assoc, prec, rr)


def fit_from_benchmark(
    bench_root: str | Path,
    *,
    langs: Sequence[str] = ("en", "zh"),
    params: MatchParams | None = None,
    reranker: bool = True,
    folds: int = 5,
) -> LearnedModels:
    """Fit the models on the dev queries (dev qrels only) of each language of a benchmark directory.

    Associations and precedents are fitted on every dev query; the re-ranker on every dev query's
    out-of-fold head features (:func:`matching.evaluation.bench_heads`)."""
    benches = [load_bench(bench_root, lang) for lang in langs]
    dev = [b.dev_ids for b in benches]
    rr = None
    if reranker:
        heads, _ = bench_heads(benches, folds=folds, params=params)
        rr = fit_reranker([(x, y) for bh in heads for _, x, y in bh])
    return LearnedModels(fit_bench_associations(benches, dev, params=params), fit_bench_precedents(benches, dev), rr)
