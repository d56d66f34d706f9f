#!/usr/bin/env python3
"""What a live write costs the index, and what it does to searches after it.

Builds the ranking engine (``matching.Matcher``) and the live typo search
(``app.matches.search_index.LiveTitleSearch``) over ``--records`` synthetic records with stored
tokens, as the service's index build does, then applies ``--writes`` one-record writes to each,
alternating a new record and a changed existing one (a new title), as HR systems re-syncing
positions do. No merge into the main part is forced: the Matcher's delta limit is raised above
``--writes``; the search index keeps its own (default) limit. Every figure is thread CPU time,
so other processes on the machine inflate it less than wall time.

``--max-delta`` with ``--merge-in-background`` shows what the service's background fold of the
engine's delta costs the writes; without ``--merge-in-background`` the fold runs in the write.

Printed at each mark: the mean cost of the last 20 writes (the service applies them under the
match index's write lock, which every match and search request takes first) and, for the search
index, p50/p95 of ``--queries`` searches (titles with one edit every other query, keywords on).

To compare two commits, run the same command from each checkout (the script imports the code
next to it).

Usage: python scripts/bench_live_writes.py [--records 100000] [--writes 3000] [--queries 200]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from app.matches.search_index import LiveTitleSearch  # noqa: E402
from matching import DocTokens, MatchDoc, Matcher, MatchParams, analyze_doc  # noqa: E402
from matching.perf import _token_strings  # noqa: E402
from matching.synthetic import synthetic_docs  # noqa: E402

MARKS = (10, 100, 500, 1000, 2000, 3000, 5000)


def _changed(doc: MatchDoc, n: int) -> MatchDoc:
    fields = {f: getattr(doc, f) for f in doc.__dataclass_fields__ if f not in ("title", "tokens")}
    return MatchDoc(**fields, title=f"{doc.title}{n % 10}")


def _ms(xs: list[float]) -> str:
    a = np.asarray(xs) * 1000
    return f"p50 {np.percentile(a, 50):.2f} p95 {np.percentile(a, 95):.2f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--writes", type=int, default=3000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--max-delta", type=int, help="the Matcher's delta limit (default: above --writes, no merge)")
    ap.add_argument("--merge-in-background", action="store_true", help="fold the delta in a thread (as the service)")
    a = ap.parse_args(argv)

    strings = _token_strings(a.records, 0, 2)
    plain = list(synthetic_docs(a.records, seed=0))
    tokens = [DocTokens.from_string(s) for s in strings]
    stored = [
        MatchDoc(**{f: getattr(d, f) for f in d.__dataclass_fields__ if f != "tokens"}, tokens=t)
        for d, t in zip(plain, tokens, strict=True)
    ]
    matcher = Matcher(
        params=MatchParams(use_semantic=False),
        max_delta=a.max_delta or a.writes + 1,
        merge_in_background=a.merge_in_background,
    ).fit(stored)
    search = LiveTitleSearch(lambda docs: [analyze_doc(d) for d in docs]).fit(plain, tokens)
    del stored, strings
    gc.collect()
    gc.freeze()  # as the service does after a build
    queries = [d.title if i % 2 else d.title[:-1] + "x" for i, d in enumerate(synthetic_docs(a.queries, seed=3))]

    def search_times() -> list[float]:
        out = []
        for q in queries:
            c = time.thread_time()
            search.search(q, top_k=10)
            out.append(time.thread_time() - c)
        return out

    print(f"{a.records:,} records; before any write: search {_ms(search_times())}", flush=True)
    new = synthetic_docs(a.writes, seed=7)
    cost_m, cost_s, wall_m = [], [], []
    for i in range(1, a.writes + 1):
        if i % 2:
            d = next(new)
            doc = MatchDoc(**{f: getattr(d, f) for f in d.__dataclass_fields__ if f != "id"}, id=10**9 + i)
            tok = analyze_doc(doc)
        else:
            j = (i * 37) % a.records
            doc, tok = _changed(plain[j], i), tokens[j]
        c, w = time.thread_time(), time.perf_counter()
        matcher.upsert(
            [MatchDoc(**{f: getattr(doc, f) for f in doc.__dataclass_fields__ if f != "tokens"}, tokens=tok)]
        )
        cost_m.append(time.thread_time() - c)
        wall_m.append(time.perf_counter() - w)
        c = time.thread_time()
        search.upsert([doc], [tok])
        cost_s.append(time.thread_time() - c)
        if i in MARKS:
            print(
                f"after {i:5,} writes: Matcher.upsert {np.mean(cost_m[-20:]) * 1000:.2f} ms,"
                f" LiveTitleSearch.upsert {np.mean(cost_s[-20:]) * 1000:.2f} ms (means of the last 20);"
                f" search {_ms(search_times())}",
                flush=True,
            )
    if matcher._merger is not None:
        matcher._merger.join()
    print(
        f"after the writes: main {matcher.snapshot_.main.n:,}, delta {matcher.snapshot_.delta.n:,};"
        f" slowest Matcher.upsert in wall time {max(wall_m) * 1000:.1f} ms (an inline merge shows here)"
    )
    print(
        f"all writes: Matcher.upsert {_ms(cost_m)}, max {max(cost_m) * 1000:.1f} ms;"
        f" LiveTitleSearch.upsert {_ms(cost_s)}, max {max(cost_s) * 1000:.1f} ms"
    )
    for label, uid in (("a main record", int(plain[5].id)), ("a delta record", 10**9 + 1)):
        c = time.thread_time()
        matcher.remove([uid])
        m_ms = (time.thread_time() - c) * 1000
        c = time.thread_time()
        search.remove([uid])
        print(f"remove {label}: Matcher {m_ms:.2f} ms, LiveTitleSearch {(time.thread_time() - c) * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
