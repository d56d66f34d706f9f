"""Speed and memory measurement on synthetic corpora (used by ``scripts/benchmark_matching.py``).

Run one size per fresh process so that peak RSS (``ru_maxrss``) belongs to
that size alone. The peak includes the generated corpus and its stored token
strings, i.e. it overstates what the index alone needs.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Iterator

import numpy as np

from . import kernels
from .analysis import analyze_doc
from .params import MatchParams
from .ranker import Matcher
from .search import TitleSearch
from .synthetic import synthetic_docs, typo_queries
from .types import DocTokens, MatchDoc

__all__ = ["run_size"]


def _tokenize_docs(docs: list[MatchDoc]) -> list[str]:
    return [analyze_doc(d).to_string() for d in docs]


def _doc_chunks(n: int, seed: int, size: int = 20000) -> Iterator[list[MatchDoc]]:
    it = synthetic_docs(n, seed=seed)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _token_strings(n: int, seed: int, processes: int) -> list[str]:
    # The corpus is generated once, in order, and handed out in chunks (regenerating the prefix in
    # every worker made this quadratic: at 1M it alone exceeded a 3000 s timeout under load).
    with mp.get_context("fork").Pool(processes) as pool:
        return [s for chunk in pool.imap(_tokenize_docs, _doc_chunks(n, seed)) for s in chunk]


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _pct(xs: list[float], cpu: list[float] | None = None) -> dict[str, float]:
    a = np.asarray(xs) * 1000.0
    out = {"p50_ms": round(float(np.percentile(a, 50)), 3), "p95_ms": round(float(np.percentile(a, 95)), 3)}
    if cpu is not None:  # thread CPU time: what the query costs, without waiting for a contended core
        c = np.asarray(cpu) * 1000.0
        out["cpu_p50_ms"] = round(float(np.percentile(c, 50)), 3)
        out["cpu_p95_ms"] = round(float(np.percentile(c, 95)), 3)
    return out


def run_size(
    n: int,
    *,
    seed: int = 0,
    n_queries: int = 1000,
    raw_limit: int = 200_000,
    processes: int = 2,
    semantic: bool = False,
) -> dict[str, object]:
    """Measure build time, memory, match latency and typo-search latency for ``n`` records.

    With ``semantic`` the engine runs as the service does, with the
    ``semantic`` factor: after the build every English record is embedded
    (timed as ``semantic_warm_s``, as the service's background warm-up does),
    then queries are timed. Without it the factor is off.

    Raw-text build (tokenise + index) is measured end to end when
    ``n <= raw_limit``; above that, tokenisation throughput is measured on
    the first 50,000 records and the raw build time is reported as
    ``estimated`` (token build time + extrapolated tokenisation).
    """
    res: dict[str, object] = {"n": n, "seed": seed, "semantic": semantic}
    params = MatchParams(use_semantic=semantic)
    from .text import _get_jieba

    _get_jieba()  # dictionary load is a one-off, not part of a build
    if n <= raw_limit:
        docs = list(synthetic_docs(n, seed=seed))  # generated outside the timed region
        t, c = time.perf_counter(), time.process_time()
        Matcher(params=params).fit(docs)
        res["build_raw_s"] = round(time.perf_counter() - t, 2)
        res["build_raw_cpu_s"] = round(time.process_time() - c, 2)
        res["build_raw_kind"] = "measured"
        del docs
    else:
        sample = 50_000
        t = time.perf_counter()
        for d in synthetic_docs(sample, seed=seed):
            analyze_doc(d)
        res["tokenize_per_doc_ms"] = round((time.perf_counter() - t) / sample * 1000, 4)
    gc.collect()
    t = time.perf_counter()
    strings = _token_strings(n, seed, processes)
    res["tokenize_parallel_s"] = round(time.perf_counter() - t, 2)

    def with_tokens(strings: list[str]) -> Iterator[MatchDoc]:
        for d, s in zip(synthetic_docs(n, seed=seed), strings, strict=True):
            yield MatchDoc(
                **{f: getattr(d, f) for f in d.__dataclass_fields__ if f != "tokens"}, tokens=DocTokens.from_string(s)
            )

    stored: list[MatchDoc] | Iterator[MatchDoc] = (
        list(with_tokens(strings)) if n <= raw_limit else with_tokens(strings)  # 1M: streamed, generation timed too
    )
    t, c = time.perf_counter(), time.process_time()
    matcher = Matcher(params=params).fit(stored)
    res["build_tokens_s"] = round(time.perf_counter() - t, 2)
    res["build_tokens_cpu_s"] = round(time.process_time() - c, 2)
    if n > raw_limit:
        res["build_raw_s"] = round(res["build_tokens_s"] + res["tokenize_per_doc_ms"] * n / 1000, 1)  # type: ignore[operator]
        res["build_raw_kind"] = "estimated"
    del strings, stored
    titles = list(matcher.snapshot_.main.titles)
    ids = matcher.snapshot_.main.ids.tolist()
    gc.collect()
    gc.freeze()  # long-lived index objects out of the cyclic GC's way, as a server would do after loading
    res["rss_after_build_mb"] = round(_rss_mb(), 1)
    if semantic:
        t, c = time.perf_counter(), time.process_time()
        res["semantic_embedded"] = matcher.warm_semantic()
        res["semantic_warm_s"] = round(time.perf_counter() - t, 1)
        res["semantic_warm_cpu_s"] = round(time.process_time() - c, 1)
        res["rss_after_warm_mb"] = round(_rss_mb(), 1)

    queries = list(synthetic_docs(n_queries, seed=seed + 1, kind="demand"))
    lat, cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.thread_time()
        matcher.rank(q, top_k=10)
        cpu.append(time.thread_time() - c)
        lat.append(time.perf_counter() - t)
    res["match_single"] = _pct(lat, cpu)
    t, c = time.perf_counter(), time.process_time()
    for q in queries:
        matcher.rank(q, top_k=10)
    res["match_batch_1000_s"] = round(time.perf_counter() - t, 2)
    res["match_batch_1000_cpu_s"] = round(time.process_time() - c, 2)

    t = time.perf_counter()
    ts = TitleSearch().fit(ids, titles)
    res["typo_build_s"] = round(time.perf_counter() - t, 2)
    pairs = typo_queries(titles, n_queries, seed=seed + 2)
    lat, cpu, hits = [], [], 0
    for j, q in pairs:
        t, c = time.perf_counter(), time.thread_time()
        h = ts.search(q, top_k=1)
        cpu.append(time.thread_time() - c)
        lat.append(time.perf_counter() - t)
        hits += bool(h) and h[0].title == titles[j]
    res["typo_search"] = _pct(lat, cpu)
    res["typo_recall_at_1"] = round(hits / len(pairs), 4)
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    res["kernels"] = "numba" if kernels.ENABLED else "fallback"
    res["kernel_warm_s"] = kernels.warm_seconds()  # compile or cache load, paid by the first fit
    return res
