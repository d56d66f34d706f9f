"""Fitting the shipped association model from a benchmark's dev split or from a generic pairs file.

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
from pathlib import Path

from .analysis import analyze_doc
from .associations import AssociationModel, fit_associations
from .evaluation import fit_bench_associations, load_bench
from .params import MatchParams
from .types import MatchDoc

__all__ = ["fit_from_benchmark", "fit_from_pairs_file"]


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


def fit_from_pairs_file(
    pairs_path: str | Path, *, supplies_path: str | Path | None = None, params: MatchParams | None = None
) -> AssociationModel:
    """Fit an :class:`AssociationModel` from a pairs file (see module docstring)."""
    p = params or MatchParams()
    queries, supplies, pairs = [], [], []
    q_index: dict[str, int] = {}
    s_index: dict[str, int] = {}

    def supply_idx(d: dict) -> int:
        key = json.dumps(d, sort_keys=True, ensure_ascii=False)
        if key not in s_index:
            s_index[key] = len(supplies)
            supplies.append(analyze_doc(_doc(d, "program", len(supplies))))
        return s_index[key]

    with open(pairs_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            qkey = json.dumps(row["demand"], sort_keys=True, ensure_ascii=False)
            if qkey not in q_index:
                q_index[qkey] = len(queries)
                queries.append(analyze_doc(_doc(row["demand"], "demand", len(queries))))
            pairs.append((q_index[qkey], supply_idx(row["supply"]), float(row.get("relevance", 1))))
    if supplies_path:
        with open(supplies_path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    supply_idx(json.loads(line))
    return fit_associations(queries, supplies, pairs, doc_field_weights=p.doc_field_weights, k1=p.k1, b=p.b)


def fit_from_benchmark(
    bench_root: str | Path, *, langs: Sequence[str] = ("en", "zh"), params: MatchParams | None = None
) -> AssociationModel:
    """Fit on the dev queries (dev qrels only) of each language of a benchmark directory."""
    benches = [load_bench(bench_root, lang) for lang in langs]
    return fit_bench_associations(benches, [b.dev_ids for b in benches], params=params)
