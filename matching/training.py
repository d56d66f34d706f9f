"""Fitting the shipped learned models (associations and precedents) from a benchmark's dev split or from a generic pairs file.

Pairs file (JSON Lines, UTF-8), one confirmed match per line, e.g. a hire or
placement exported by the platform::

    {"demand": {"title": "...", "text": "...", "skills": ["..."]},
     "supply": {"title": "...", "text": "...", "majors": ["..."]},
     "relevance": 1}

Every distinct supply in the file joins the pool; ``supplies`` (same record
shape, one per line) can add unmatched supplies so idf reflects the real pool.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .analysis import analyze_doc
from .associations import AssociationModel, fit_associations
from .evaluation import fit_bench_associations, fit_bench_precedents, load_bench
from .params import MatchParams
from .precedents import PrecedentModel, fit_precedents
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
    """Both learned models, fitted on the same confirmed pairs."""

    associations: AssociationModel
    precedents: PrecedentModel

    def save(self, directory: str | Path) -> tuple[Path, Path]:
        """Write ``associations.npz`` and ``precedents.npz`` into ``directory``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        a, p = d / "associations.npz", d / "precedents.npz"
        self.associations.save(a)
        self.precedents.save(p)
        return a, p


def fit_from_pairs_file(
    pairs_path: str | Path, *, supplies_path: str | Path | None = None, params: MatchParams | None = None
) -> LearnedModels:
    """Fit both models from a pairs file (see module docstring)."""
    p = params or MatchParams()
    queries, qtitles, supplies, stitles, pairs = [], [], [], [], []
    q_index: dict[str, int] = {}
    s_index: dict[str, int] = {}

    def supply_idx(d: dict) -> int:
        key = json.dumps(d, sort_keys=True, ensure_ascii=False)
        if key not in s_index:
            s_index[key] = len(supplies)
            doc = _doc(d, "program", len(supplies))
            supplies.append(analyze_doc(doc))
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
                qtitles.append(doc.title)
            pairs.append((q_index[qkey], supply_idx(row["supply"]), float(row.get("relevance", 1))))
    if supplies_path:
        with open(supplies_path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    supply_idx(json.loads(line))
    return LearnedModels(
        fit_associations(queries, supplies, pairs, doc_field_weights=p.doc_field_weights, k1=p.k1, b=p.b),
        fit_precedents(queries, qtitles, stitles, pairs),
    )


def fit_from_benchmark(
    bench_root: str | Path, *, langs: Sequence[str] = ("en", "zh"), params: MatchParams | None = None
) -> LearnedModels:
    """Fit both models on the dev queries (dev qrels only) of each language of a benchmark directory."""
    benches = [load_bench(bench_root, lang) for lang in langs]
    dev = [b.dev_ids for b in benches]
    return LearnedModels(fit_bench_associations(benches, dev, params=params), fit_bench_precedents(benches, dev))
