#!/usr/bin/env python3
"""Rebuild the learned models shipped in ``matching/data/``: ``associations.npz`` (query expansion),
``precedents.npz`` (supplies that similar demands were matched to) and ``reranker.npz`` (trees
over the factors of a ranking's head, fitted on out-of-fold features; needs ``lightgbm``, which the
``dev`` extra installs).

From the benchmark's dev split (dev qrels only; held-out labels are never read)::

    .venv/bin/python scripts/fit_matching.py --bench ../shared/benchmark

From a platform's own confirmed matches (hires, placements), one JSON object per line
``{"demand": {...}, "supply": {...}, "relevance": 1}`` (see ``matching/training.py``)::

    .venv/bin/python scripts/fit_matching.py --pairs placements.jsonl [--supplies programs.jsonl] --out my_models/

Load custom models with ``Matcher(associations=AssociationModel.load(dir / "associations.npz"),
precedents=PrecedentModel.load(dir / "precedents.npz"), reranker=Reranker.load(dir / "reranker.npz"))``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from matching.training import fit_from_benchmark, fit_from_pairs_file

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--bench", help="benchmark directory (default: ../shared/benchmark from the repo root)")
    src.add_argument("--pairs", help="JSON Lines file of confirmed demand/supply pairs")
    ap.add_argument("--supplies", help="extra supplies (JSON Lines) for the pool, with --pairs")
    ap.add_argument("--out", default=str(ROOT / "matching" / "data"), help="directory for the .npz files")
    ap.add_argument("--no-reranker", action="store_true", help="fit associations and precedents only")
    a = ap.parse_args(argv)
    t = time.perf_counter()
    if a.pairs:
        models = fit_from_pairs_file(a.pairs, supplies_path=a.supplies, reranker=not a.no_reranker)
    else:
        bench = Path(a.bench) if a.bench else ROOT.parent / "shared" / "benchmark"
        if not (bench / "en" / "qrels.tsv").is_file():
            print(f"benchmark not found at {bench}; nothing fitted")
            return 0
        models = fit_from_benchmark(bench, reranker=not a.no_reranker)
    assoc_path, prec_path, *rr_path = models.save(a.out)
    am, pm = models.associations, models.precedents
    print(
        f"wrote {assoc_path}: {len(am.query_terms)} query terms, {len(am.supply_terms)} supply terms, "
        f"{am.nnz} associations, {assoc_path.stat().st_size / 1e6:.2f} MB"
    )
    print(
        f"wrote {prec_path}: {pm.n_demands} demands, {len(pm.keys)} supply names, "
        f"{prec_path.stat().st_size / 1e6:.2f} MB"
    )
    if models.reranker is not None:
        rr = models.reranker
        print(f"wrote {rr_path[0]}: {rr.n_trees} trees, {len(rr.leaf_value)} leaves, depth {rr.depth}")
    print(f"done in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
