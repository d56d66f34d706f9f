#!/usr/bin/env python3
"""Quality of the matching engine on the benchmark's dev split, against the plain TF-IDF baseline.

Records are built exactly as the web API builds them for the independent evaluation
(see ``matching/evaluation.py``). Prints nDCG@10 / Recall@10 / MRR per language for the
baseline, the engine with the shipped learned models (associations and precedents, fitted on all
dev queries, so its dev figure is optimistic), the engine without learned models, and the k-fold
cross-validated estimate (both models refitted without the evaluated fold), plus typo-search
recall@1 for one-edit queries on the supply titles. Skips (exit 0) when the benchmark is absent.

    .venv/bin/python scripts/evaluate_matching.py [--bench ../shared/benchmark] [--folds 5] [--no-cv]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _row(name: str, lang: str, m: dict) -> str:
    return f"| {name} | {lang} | {m['queries']} | {m['ndcg@10']:.3f} | {m['recall@10']:.3f} | {m['mrr']:.3f} |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "benchmark"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--langs", default="en,zh")
    ap.add_argument("--json", help="also write all figures here")
    a = ap.parse_args(argv)
    bench = Path(a.bench)
    if not (bench / "en" / "qrels.tsv").is_file():
        print(f"benchmark not found at {bench}; skipping evaluation")
        return 0
    from matching.evaluation import (
        cross_validate,
        load_bench,
        rank_engine,
        rank_tfidf_baseline,
        score_rankings,
        typo_recall,
    )

    t0 = time.perf_counter()
    benches = [load_bench(bench, lang) for lang in a.langs.split(",")]
    out: dict[str, dict] = {}
    lines = ["| system | lang | queries | nDCG@10 | Recall@10 | MRR |", "| --- | --- | --- | --- | --- | --- |"]
    for b in benches:
        out[f"baseline_{b.lang}"] = score_rankings(b, rank_tfidf_baseline(b, b.dev_ids))
        out[f"engine_{b.lang}"] = score_rankings(b, rank_engine(b, b.dev_ids))
        out[f"engine_noassoc_{b.lang}"] = score_rankings(
            b, rank_engine(b, b.dev_ids, associations=None, precedents=None, reranker=None)
        )
        lines.append(_row("TF-IDF baseline (dev)", b.lang, out[f"baseline_{b.lang}"]))
        lines.append(_row("engine, no learned models (dev)", b.lang, out[f"engine_noassoc_{b.lang}"]))
        lines.append(_row("engine, shipped models (dev, fitted on dev: optimistic)", b.lang, out[f"engine_{b.lang}"]))
        print(lines[-3], lines[-2], lines[-1], sep="\n", flush=True)
    if not a.no_cv:
        cv = cross_validate(benches, folds=a.folds, progress=lambda s: print(s, file=sys.stderr, flush=True))
        for lang, m in cv.items():
            out[f"cv_{lang}"] = m
            lines.append(_row(f"engine, {a.folds}-fold CV estimate", lang, m))
    typo = []
    for b in benches:
        r = typo_recall([s["title"] for s in b.raw_supplies], n=1000, seed=0)
        out[f"typo_{b.lang}"] = r
        typo.append(
            f"typo search {b.lang}: recall@1 = {r['recall@1']:.3f} "
            f"({r['queries']} one-edit queries over {r['titles']} distinct supply titles)"
        )
    print("\n".join(lines))
    print("\n".join(typo))
    print(f"({time.perf_counter() - t0:.0f} s)")
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
