#!/usr/bin/env python3
"""Speed/memory benchmark of the matching engine on synthetic bilingual corpora.

Each size runs in a fresh subprocess (honest peak RSS) and is bounded by
``--timeout`` seconds. Example::

    .venv/bin/python scripts/benchmark_matching.py --sizes 10k,100k,1M [--semantic]

``--semantic`` runs the engine as the service does, with the sentence
encoder's ``semantic`` factor: every English record is embedded after the
build (timed separately) and queries then find their heads embedded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _parse_size(s: str) -> int:
    s = s.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1], 1)
    return int(float(s[:-1] if s[-1] in "km" else s) * mult)


def _table(rows: list[dict]) -> str:
    head = (
        "records | build raw s (CPU s) | build tokens s (CPU s) | peak RSS MB | RSS after build MB "
        "| match p50/p95 ms (CPU p50/p95) | batch of 1000 s (CPU s) | typo p50/p95 ms (CPU p50/p95) "
        "| typo recall@1"
    )
    lines = ["| " + head + " |", "|" + " --- |" * len(head.split("|"))]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['n']:,} | error: {r['error']} |")
            continue
        raw = f"{r['build_raw_s']} ({r.get('build_raw_cpu_s', '-')})"
        if r["build_raw_kind"] == "estimated":
            raw = f"{r['build_raw_s']} (estimated)"
        m, ty = r["match_single"], r["typo_search"]
        lines.append(
            f"| {r['n']:,} | {raw} | {r['build_tokens_s']} ({r['build_tokens_cpu_s']}) | {r['peak_rss_mb']} | "
            f"{r['rss_after_build_mb']} | {m['p50_ms']} / {m['p95_ms']} ({m['cpu_p50_ms']} / {m['cpu_p95_ms']}) | "
            f"{r['match_batch_1000_s']} ({r['match_batch_1000_cpu_s']}) | "
            f"{ty['p50_ms']} / {ty['p95_ms']} ({ty['cpu_p50_ms']} / {ty['cpu_p95_ms']}) | {r['typo_recall_at_1']} |"
        )
    for r in rows:
        if r.get("semantic") and "error" not in r:
            lines.append(
                f"\n{r['n']:,} records, semantic factor on: {r['semantic_embedded']:,} English records embedded "
                f"in {r['semantic_warm_s']} s ({r['semantic_warm_cpu_s']} CPU s); RSS after it {r['rss_after_warm_mb']} MB"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated, e.g. 10k,100k,1M")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per size")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--semantic", action="store_true", help="with the semantic factor (records embedded first)")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker is not None:
        sys.path.insert(0, str(ROOT))
        from matching.perf import run_size

        print(json.dumps(run_size(a.worker, seed=a.seed, n_queries=a.queries, semantic=a.semantic)))
        return 0
    rows = []
    for size in [_parse_size(s) for s in a.sizes.split(",") if s.strip()]:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            str(size),
            "--seed",
            str(a.seed),
            "--queries",
            str(a.queries),
            *(["--semantic"] if a.semantic else []),
        ]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        except subprocess.TimeoutExpired:
            rows.append({"n": size, "error": f"timeout after {a.timeout}s"})
        except subprocess.CalledProcessError as e:
            rows.append({"n": size, "error": (e.stderr or "").strip().splitlines()[-1:]})
        print(json.dumps(rows[-1]), flush=True)
    print(_table(rows))
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
