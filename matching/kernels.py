"""Compiled inner loops of ranking (numba), with plain NumPy/SciPy fallbacks.

The kernels are small loops over a CSR posting matrix that NumPy can only
express with temporary copies. They are compiled by numba with ``cache=True``
(the machine code is stored beside this file, or in the user's cache
directory, and reused by later processes) and ``nogil=True`` (concurrent
requests in a threadpool rank in parallel). :func:`warm` compiles or loads
them; :class:`matching.Matcher` and :class:`matching.TitleSearch` call it
while fitting, so no request pays for compilation.

Every kernel gives bit-identical results to its fallback (same operations in
the same order, float64 sums), so rankings do not depend on whether numba is
installed. Set ``TALENTMATCH_NO_NUMBA=1`` to force the fallbacks.
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np

__all__ = [
    "ENABLED",
    "accumulate_rows",
    "live_positions",
    "reaching",
    "top_indices",
    "page_terms",
    "stage_a_scores",
    "tree_sums",
    "warm",
    "warm_seconds",
]

try:  # numba is a declared dependency; the fallbacks keep the library usable without it
    if os.environ.get("TALENTMATCH_NO_NUMBA"):
        raise ImportError("disabled by TALENTMATCH_NO_NUMBA")
    from numba import njit
except ImportError:  # pragma: no cover - exercised by the fallback test in a subprocess
    njit = None

#: Whether the compiled kernels are used.
ENABLED = njit is not None


def _accumulate_loop(indptr, indices, data, rows, weights, n):  # type: ignore[no-untyped-def]
    out = np.zeros(n, dtype=np.float64)
    for k in range(rows.shape[0]):
        r = rows[k]
        w = weights[k]
        for p in range(indptr[r], indptr[r + 1]):
            out[indices[p]] += np.float64(data[p]) * w
    return out


def _live_loop(
    raw, active, valid_from, valid_until, day, dead, ids, kind, self_id, self_kind, ok, check_active, check_dates
):  # type: ignore[no-untyped-def]
    # positions (ascending) with a text value that are active and valid on ``day``, not tombstoned
    # (``dead`` empty: none is) and not the query itself (same id and kind; ``self_kind`` < 0: the
    # query's kind is not in the segment, nothing to check), with their ``raw`` and
    # ``ok`` values; branch-free, since about half the records of a typical query pass and branches
    # on that mispredict; ``check_active`` / ``check_dates`` False skip reading what cannot fail
    # (every record active / valid on ``day``: at a million records the pass is bound by memory reads)
    n = raw.shape[0]
    pos = np.empty(n, dtype=np.int64)
    out_raw = np.empty(n, dtype=np.float64)
    out_ok = np.empty(n, dtype=np.bool_)
    n_out = 0
    has_dead = dead.shape[0] > 0
    for i in range(n):
        keep = raw[i] > 0
        if check_active:
            keep &= active[i]
        if check_dates:
            keep &= (valid_from[i] <= day) & (valid_until[i] >= day)
        if self_kind >= 0:
            keep &= (ids[i] != self_id) | (kind[i] != self_kind)
        if has_dead:
            keep &= not dead[i]
        pos[n_out] = i
        out_raw[n_out] = raw[i]
        out_ok[n_out] = ok[i]
        n_out += keep
    return pos[:n_out].copy(), out_raw[:n_out].copy(), out_ok[:n_out].copy()


def _top_loop(values, m):  # type: ignore[no-untyped-def]
    # indices of the m largest values (any order; ties at the cut resolved arbitrarily): a binary
    # min-heap of (value, index), so the common case is one comparison per value
    heap_v = np.empty(m, dtype=np.float64)
    heap_i = np.empty(m, dtype=np.int64)
    size = 0
    for i in range(values.shape[0]):
        v = values[i]
        if size < m:
            j = size
            size += 1
            while j > 0:
                parent = (j - 1) >> 1
                if heap_v[parent] <= v:
                    break
                heap_v[j] = heap_v[parent]
                heap_i[j] = heap_i[parent]
                j = parent
            heap_v[j] = v
            heap_i[j] = i
        elif v > heap_v[0]:
            j = 0
            while True:
                c = 2 * j + 1
                if c >= m:
                    break
                if c + 1 < m and heap_v[c + 1] < heap_v[c]:
                    c += 1
                if heap_v[c] >= v:
                    break
                heap_v[j] = heap_v[c]
                heap_i[j] = heap_i[c]
                j = c
            heap_v[j] = v
            heap_i[j] = i
    return heap_i[:size].copy()


def _reaching_loop(raw, cut, prec):  # type: ignore[no-untyped-def]
    out = np.empty(raw.shape[0], dtype=np.int64)
    n_out = 0
    if prec.shape[0]:
        for i in range(raw.shape[0]):
            out[n_out] = i
            n_out += (raw[i] >= cut) | (prec[i] > 0)
    else:
        for i in range(raw.shape[0]):
            out[n_out] = i
            n_out += raw[i] >= cut
    return out[:n_out].copy()


def _stage_a_loop(
    text_v, seg_of, pos, edu0, edu1, region0, region1, lacks0, lacks1, edu_table, q_region, prec, weights, flag_w, den
):  # type: ignore[no-untyped-def]
    # per candidate: (w_text * text + w_edu * edu [+ w_prec * prec] [+ w_region * region]
    # [+ NEUTRAL * w_flag for each flag the query uses and the record lacks]) / den, each addition
    # in the order of the NumPy version so that both give the same bits
    n = text_v.shape[0]
    out = np.empty(n, dtype=np.float64)
    w_text, w_edu, w_prec, w_region, neutral = weights[0], weights[1], weights[2], weights[3], weights[4]
    use_prec = prec.shape[0] > 0
    city = q_region // 100 * 100
    prov = q_region // 10000 * 10000
    for j in range(n):
        i = pos[j]
        if seg_of[j] == 0:
            e, r, lacks = edu0[i], region0[i], lacks0[i]
        else:
            e, r, lacks = edu1[i], region1[i], lacks1[i]
        num = w_text * text_v[j] + w_edu * edu_table[e + 1]
        if use_prec:
            num = num + w_prec * prec[j]
        if q_region >= 0:
            # written as selects, not branches: regions are in no order, branches on them mispredict
            reg = 0.5 if (r >= prov) & (r < prov + 10000) else 0.2
            reg = 0.8 if (r >= city) & (r < city + 100) else reg
            reg = 1.0 if r == q_region else reg
            reg = neutral if r < 0 else reg
            num = num + w_region * reg
        for f in range(flag_w.shape[0]):
            # a record lacking flag f gets flag_w[f] (0 for a flag the query does not use); adding
            # w * 0 to the non-negative sum leaves its bits unchanged
            num = num + flag_w[f] * ((lacks >> f) & 1)
        out[j] = num / den
    return out


def _page_terms_loop(indptr, indices, data, rows, wts, cols, keep, slack):  # type: ignore[no-untyped-def]
    # per column (document) cols[j]: the terms k with M[rows[k], cols[j]] != 0, valued
    # wts[k] * M[rows[k], cols[j]] in float64, largest first (ties: k ascending), cut after the
    # first ``keep`` but for those within ``slack`` of the keep-th value
    n_c, n_r = cols.shape[0], rows.shape[0]
    starts = np.zeros(n_c + 1, dtype=np.int64)
    kk_out = np.empty(n_c * n_r, dtype=np.int64)
    v_out = np.empty(n_c * n_r, dtype=np.float64)
    vals = np.empty(n_r, dtype=np.float64)
    ks = np.empty(n_r, dtype=np.int64)
    n_out = 0
    for j in range(n_c):
        c = cols[j]
        m = 0
        for k in range(n_r):
            lo = indptr[rows[k]]
            hi0 = indptr[rows[k] + 1]
            hi = hi0
            while lo < hi:
                mid = (lo + hi) >> 1
                if indices[mid] < c:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < hi0 and indices[lo] == c and data[lo] != 0:
                vals[m] = wts[k] * np.float64(data[lo])
                ks[m] = k
                m += 1
        order = np.argsort(-vals[:m], kind="mergesort")
        limit = m
        if m > keep:
            cut = vals[order[keep - 1]] - slack
            limit = keep
            while limit < m and vals[order[limit]] >= cut:
                limit += 1
        for t in range(limit):
            kk_out[n_out] = ks[order[t]]
            v_out[n_out] = vals[order[t]]
            n_out += 1
        starts[j + 1] = n_out
    return starts, kk_out[:n_out].copy(), v_out[:n_out].copy()


def _trees_loop(feature, threshold, left, right, leaf_value, roots, x):  # type: ignore[no-untyped-def]
    # each row walks each tree from its root to a leaf (child < 0: leaf -child - 1); per row the leaf
    # values are added tree by tree, in tree order
    n = x.shape[0]
    out = np.zeros(n, dtype=np.float64)
    for t in range(roots.shape[0]):
        for r in range(n):
            c = roots[t]
            while c >= 0:
                c = left[c] if x[r, feature[c]] <= threshold[c] else right[c]
            out[r] += leaf_value[-c - 1]
    return out


def _compile(fn):  # type: ignore[no-untyped-def]
    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # no writable cache directory (set NUMBA_CACHE_DIR): compile in each process
        return njit(cache=False, nogil=True)(fn)


if ENABLED:
    _accumulate = _compile(_accumulate_loop)
    _top = _compile(_top_loop)
    _live = _compile(_live_loop)
    _reaching = _compile(_reaching_loop)
    _page_terms = _compile(_page_terms_loop)
    _stage_a = _compile(_stage_a_loop)
    _trees = _compile(_trees_loop)


_INDEX_TYPES = (np.dtype(np.int32), np.dtype(np.int64))
_DATA_TYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _compiled_for(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray) -> bool:
    # only the dtypes compiled by warm(): any other (never built by the index) takes the fallback
    # instead of compiling on a request
    return ENABLED and indptr.dtype == indices.dtype and indices.dtype in _INDEX_TYPES and data.dtype in _DATA_TYPES


def accumulate_rows(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, rows: np.ndarray, weights: np.ndarray, n: int
) -> np.ndarray:
    """``sum_k weights[k] * M[rows[k]]`` of a CSR matrix ``M`` with ``n`` columns, in float64.

    Each column's sum is formed term by term in the order of ``rows``, as
    SciPy's ``M[rows].T @ weights`` does, so both give the same bits.
    """
    if _compiled_for(indptr, indices, data):
        return _accumulate(indptr, indices, data, rows, weights, n)
    import scipy.sparse as sp

    m = sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, n))
    return np.asarray(m[rows].T @ weights, dtype=np.float64)


def live_positions(
    raw: np.ndarray,
    active: np.ndarray,
    valid_from: np.ndarray,
    valid_until: np.ndarray,
    day: int,
    dead: np.ndarray,
    ids: np.ndarray,
    kind: np.ndarray,
    self_id: int,
    self_kind: int,
    ok: np.ndarray,
    *,
    check_active: bool = True,
    check_dates: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(positions, raw[positions], ok[positions])`` of the records that can match.

    Positions ``i`` (ascending) with ``raw[i] > 0``, active and valid on
    ``day``, not ``dead[i]`` (``dead`` may be empty: nothing is dead) and not
    the query itself (``ids[i] == self_id`` and ``kind[i] == self_kind``;
    pass ``self_kind=-1`` when no record has the query's kind). Pass
    ``check_active`` / ``check_dates`` False when no record can fail that test.
    """
    if ENABLED:
        return _live(
            raw,
            active,
            valid_from,
            valid_until,
            day,
            dead,
            ids,
            kind,
            self_id,
            self_kind,
            ok,
            check_active,
            check_dates,
        )
    mask = (raw > 0) & active & (valid_from <= day) & (valid_until >= day)
    if len(dead):
        mask &= ~dead
    self_pos = np.flatnonzero(ids == self_id) if self_kind >= 0 else ids[:0]
    if len(self_pos):
        mask[self_pos[kind[self_pos] == self_kind]] = False
    pos = np.flatnonzero(mask)
    return pos, raw[pos], ok[pos]


def reaching(raw: np.ndarray, cut: float, prec: np.ndarray) -> np.ndarray:
    """Ascending indices ``i`` with ``raw[i] >= cut`` or ``prec[i] > 0`` (``prec`` may be empty: none)."""
    if ENABLED:
        return _reaching(raw, cut, prec)
    mask = raw >= cut
    if len(prec):
        mask |= prec > 0
    return np.flatnonzero(mask)


def top_indices(values: np.ndarray, m: int) -> np.ndarray:
    """Indices of ``m`` largest ``values`` (``0 < m <= len(values)``), in no particular order.

    Which of several values tied at the cut is returned is unspecified: use
    it only where any choice is correct (a bound), never for a ranking.
    """
    if ENABLED:
        return _top(np.ascontiguousarray(values, dtype=np.float64), m)
    return np.argpartition(values, len(values) - m)[len(values) - m :]


def page_terms(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    rows: np.ndarray,
    wts: np.ndarray,
    cols: np.ndarray,
    keep: int,
    slack: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each document's largest term values, for explanations: ``(starts, k, value)``.

    Entries ``starts[j]:starts[j + 1]`` belong to document ``cols[j]`` of the CSR
    matrix ``M``: every ``k`` with ``M[rows[k], cols[j]] != 0``, valued
    ``wts[k] * M[rows[k], cols[j]]`` (float64), largest value first, ties by
    ``k``. The compiled kernel keeps only the first ``keep`` of a document
    and those after them within ``slack`` of the ``keep``-th value; the
    fallback keeps all, which gives a caller that lists ``keep`` terms (and
    those tied with the last after rounding finer than ``slack``) the same
    lists.
    """
    if _compiled_for(indptr, indices, data):
        return _page_terms(indptr, indices, data, rows, wts, cols, keep, slack)
    dense = np.zeros((len(cols), len(rows)), dtype=np.float32)  # M[rows][:, cols].T
    for k, r in enumerate(rows.tolist()):
        lo, hi = int(indptr[r]), int(indptr[r + 1])
        at = np.minimum(np.searchsorted(indices[lo:hi], cols) + lo, max(hi - 1, lo))
        hit = (at < hi) & (indices[at] == cols) if hi > lo else np.zeros(len(cols), dtype=bool)
        dense[hit, k] = data[at[hit]]
    owner, kk = np.nonzero(dense)
    v = wts[kk] * dense[owner, kk].astype(np.float64)
    order = np.lexsort((-v, owner))
    starts = np.searchsorted(owner[order], np.arange(len(cols) + 1))
    return starts, kk[order], v[order]


def stage_a_scores(
    text_v: np.ndarray,
    seg_of: np.ndarray,
    pos: np.ndarray,
    edu: tuple[np.ndarray, np.ndarray],
    region: tuple[np.ndarray, np.ndarray],
    lacks: tuple[np.ndarray, np.ndarray],
    edu_table: np.ndarray,
    q_region: int,
    prec: np.ndarray,
    weights: np.ndarray,
    flag_w: np.ndarray,
    den: float,
) -> np.ndarray | None:
    """Stage-A scores of candidates at ``(seg_of, pos)`` in one compiled pass, or None without numba.

    ``edu``, ``region`` and ``lacks`` hold each segment's per-record arrays (``lacks``: bit ``f``
    set when the record lacks the data of flag factor ``f``); ``weights`` is ``(w_text, w_edu,
    w_prec, w_region, NEUTRAL)``, ``flag_w[f]`` the amount a record lacking flag ``f`` gets;
    ``prec`` is empty when the query does not use precedents and ``q_region`` is -1 when the
    query has no region. The caller keeps the NumPy version (same bits) for when this returns None.
    """
    if not ENABLED:
        return None
    return _stage_a(
        text_v,
        seg_of,
        pos,
        edu[0],
        edu[1],
        region[0],
        region[1],
        lacks[0],
        lacks[1],
        edu_table,
        q_region,
        prec,
        weights,
        flag_w,
        den,
    )


_warm_lock = threading.Lock()
_warm_s: list[float] = []


def tree_sums(
    feature: np.ndarray,
    threshold: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    leaf_value: np.ndarray,
    roots: np.ndarray,
    depth: int,
    x: np.ndarray,
) -> np.ndarray:
    """Sum over an ensemble of decision trees of each row's leaf value (see :class:`matching.reranker.Reranker`).

    Node ``j`` sends row ``x`` to ``left[j]`` when ``x[feature[j]] <= threshold[j]``, else to
    ``right[j]``; a child ``c < 0`` is leaf ``-c - 1``. ``depth`` is the longest root-to-leaf path.
    Per row, the leaf values are added in tree order (as LightGBM does), in both implementations.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    n = len(x)
    if ENABLED:
        return _trees(feature, threshold, left, right, leaf_value, roots, x)
    if n == 0 or not len(roots):
        return np.zeros(n)
    cur = np.repeat(roots[:, None], n, axis=1)  # (trees, rows), all walked one level per step
    rows = np.broadcast_to(np.arange(n), cur.shape)
    for _ in range(depth):
        inner = cur >= 0
        if not inner.any():
            break
        at = cur[inner]
        go_left = x[rows[inner], feature[at]] <= threshold[at]
        cur[inner] = np.where(go_left, left[at], right[at])
    return np.cumsum(leaf_value[-cur - 1], axis=0)[-1]  # cumsum adds tree by tree (sum() would pair up)


def warm() -> float:
    """Compile (or load from the cache) every kernel for the index dtypes; seconds spent, once per process."""
    with _warm_lock:
        if _warm_s:
            return 0.0
        t = time.perf_counter()
        if ENABLED:
            for ityp in (np.int32, np.int64):
                indptr = np.array([0, 1], dtype=ityp)
                indices = np.array([0], dtype=ityp)
                rows = np.zeros(1, dtype=np.int64)
                for dtype in (np.float32, np.float64):
                    data = np.ones(1, dtype=dtype)
                    accumulate_rows(indptr, indices, data, rows, np.ones(1), 1)
                    page_terms(indptr, indices, data, rows, np.ones(1), np.zeros(1, dtype=np.int64), 1, 1e-6)
            top_indices(np.ones(2), 1)
            for prec in (np.ones(1), np.zeros(0)):
                reaching(np.ones(1), 0.5, prec)
            one = np.ones(1, dtype=bool)
            i64, i32 = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int32)
            live_positions(np.ones(1), one, i32, i32, 0, one, i64, np.zeros(1, dtype=np.int8), 1, 0, one)
            i8, u8, f64 = np.zeros(1, dtype=np.int8), np.zeros(1, dtype=np.uint8), np.ones(1)
            for prec in (np.ones(1), np.zeros(0)):
                stage_a_scores(f64, i8, i64, (i8, i8), (i64, i64), (u8, u8), np.ones(8), 1, prec, np.ones(5), f64, 1.0)
            neg = np.full(1, -1, dtype=np.int32)
            tree_sums(i64, f64, neg, neg, f64, neg, 0, np.ones((1, 1)))
        _warm_s.append(time.perf_counter() - t)
        return _warm_s[0]


def warm_seconds() -> float | None:
    """Seconds the first :func:`warm` took in this process (None before it ran)."""
    return _warm_s[0] if _warm_s else None
