#!/usr/bin/env python3
"""Rebuild the learned association model shipped in ``matching/data/associations.npz``.

From the benchmark's dev split (dev qrels only; held-out labels are never read)::

    .venv/bin/python scripts/fit_matching.py --bench ../shared/benchmark

From a platform's own confirmed matches (hires, placements), one JSON object per line
``{"demand": {...}, "supply": {...}, "relevance": 1}`` (see ``matching/training.py``)::

    .venv/bin/python scripts/fit_matching.py --pairs placements.jsonl [--supplies programs.jsonl] --out my.npz

Load a custom model with ``Matcher(associations=AssociationModel.load(path))``.
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
    ap.add_argument("--out", default=str(ROOT / "matching" / "data" / "associations.npz"))
    a = ap.parse_args(argv)
    t = time.perf_counter()
    if a.pairs:
        model = fit_from_pairs_file(a.pairs, supplies_path=a.supplies)
    else:
        bench = Path(a.bench) if a.bench else ROOT.parent / "shared" / "benchmark"
        if not (bench / "en" / "qrels.tsv").is_file():
            print(f"benchmark not found at {bench}; nothing fitted")
            return 0
        model = fit_from_benchmark(bench)
    model.save(a.out)
    size = Path(a.out).stat().st_size
    print(
        f"wrote {a.out}: {len(model.query_terms)} query terms, {len(model.supply_terms)} supply terms, "
        f"{model.nnz} associations, {size / 1e6:.2f} MB, {time.perf_counter() - t:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
