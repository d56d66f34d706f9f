"""The compiled kernels give the same bits as their NumPy/SciPy fallbacks, and rankings do not depend on numba."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from matching import kernels

ROOT = Path(__file__).resolve().parents[2]

needs_numba = pytest.mark.skipif(not kernels.ENABLED, reason="numba not installed")


def _matrix(seed: int, n_rows: int = 40, n_cols: int = 300, density: float = 0.2) -> sp.csr_matrix:
    m = sp.random(n_rows, n_cols, density=density, format="csr", dtype=np.float32, random_state=seed)
    m.data += np.float32(0.01)  # stored values are positive, as BM25 saturation values are
    m.sort_indices()
    return m


@needs_numba
@pytest.mark.parametrize("seed", range(5))
def test_accumulate_bit_identical_to_scipy(seed: int) -> None:
    m = _matrix(seed)
    rng = np.random.default_rng(seed)
    rows = rng.choice(m.shape[0], size=25, replace=False).astype(np.int64)
    w = rng.random(25) * 3
    got = kernels._accumulate(m.indptr, m.indices, m.data, rows, w, m.shape[1])
    want = np.asarray(m[rows].T @ w, dtype=np.float64)
    assert got.dtype == np.float64
    assert np.array_equal(got.view(np.int64), want.view(np.int64))


@needs_numba
def test_live_positions_matches_numpy() -> None:
    rng = np.random.default_rng(1)
    n = 500
    raw = np.where(rng.random(n) < 0.5, rng.random(n), 0.0)
    active = rng.random(n) < 0.9
    vf = rng.integers(0, 10, n).astype(np.int32)
    vu = rng.integers(5, 20, n).astype(np.int32)
    ok = rng.random(n) < 0.8
    ids = rng.permutation(n).astype(np.int64)
    kind = rng.integers(0, 3, n).astype(np.int8)
    for dead in (np.zeros(0, dtype=bool), rng.random(n) < 0.1):
        first = int(ids[np.flatnonzero(raw > 0)[0]])
        for self_id, self_kind in ((first, int(kind[ids == first][0])), (-5, 0), (first, -1)):
            pos, got_raw, got_ok = kernels._live(
                raw, active, vf, vu, 7, dead, ids, kind, self_id, self_kind, ok, True, True
            )
            mask = (raw > 0) & active & (vf <= 7) & (vu >= 7)
            if len(dead):
                mask &= ~dead
            if self_kind >= 0:
                mask &= ~((ids == self_id) & (kind == self_kind))
            assert pos.tolist() == np.flatnonzero(mask).tolist()
            assert got_raw.tolist() == raw[mask].tolist() and got_ok.tolist() == ok[mask].tolist()
    # the flags skip only tests that cannot fail
    all_on = np.ones(n, dtype=bool)
    wide_from, wide_until = np.zeros(n, dtype=np.int32), np.full(n, 99, dtype=np.int32)
    full = kernels._live(raw, all_on, wide_from, wide_until, 7, dead, ids, kind, -5, -1, ok, True, True)
    skip = kernels._live(raw, all_on, wide_from, wide_until, 7, dead, ids, kind, -5, -1, ok, False, False)
    assert all(a.tolist() == b.tolist() for a, b in zip(full, skip, strict=True))


@needs_numba
def test_top_indices_and_reaching() -> None:
    rng = np.random.default_rng(2)
    v = rng.random(1000)
    v[::7] = 0.5  # ties
    for m in (1, 10, 200, 1000):
        got = np.sort(v[kernels._top(v, m)])
        assert got.tolist() == np.sort(v)[len(v) - m :].tolist()
    prec = np.where(rng.random(1000) < 0.05, rng.random(1000), 0.0)
    for cut in (0.0, 0.3, 0.5, 2.0):
        assert kernels._reaching(v, cut, prec).tolist() == np.flatnonzero((v >= cut) | (prec > 0)).tolist()
        assert kernels._reaching(v, cut, np.zeros(0)).tolist() == np.flatnonzero(v >= cut).tolist()


@needs_numba
@pytest.mark.parametrize("keep", [1, 3, 12])
def test_page_terms_kernel_is_a_prefix_of_the_fallback_that_keeps_what_can_be_listed(
    monkeypatch: pytest.MonkeyPatch, keep: int
) -> None:
    mat = _matrix(4, density=0.5)
    mat.data = np.round(mat.data, 1)  # repeated values: ties between terms
    mat.data[::13] = 0  # an explicitly stored zero is no term of the document
    rng = np.random.default_rng(4)
    rows = np.sort(rng.choice(mat.shape[0], size=30, replace=False)).astype(np.int64)
    wts = np.round(rng.random(30), 1) + 0.1
    cols = np.array([0, 3, 17, 150, 299, 42], dtype=np.int64)
    slack = 0.05
    starts, kk, v = kernels.page_terms(mat.indptr, mat.indices, mat.data, rows, wts, cols, keep, slack)
    monkeypatch.setattr(kernels, "ENABLED", False)
    f_starts, f_kk, f_v = kernels.page_terms(mat.indptr, mat.indices, mat.data, rows, wts, cols, keep, slack)
    dense = mat[rows][:, cols].toarray().T
    for j in range(len(cols)):
        got = list(zip(kk[starts[j] : starts[j + 1]].tolist(), v[starts[j] : starts[j + 1]].tolist(), strict=True))
        full = list(
            zip(f_kk[f_starts[j] : f_starts[j + 1]].tolist(), f_v[f_starts[j] : f_starts[j + 1]].tolist(), strict=True)
        )
        want = sorted(((k, wts[k] * float(dense[j, k])) for k in np.flatnonzero(dense[j])), key=lambda x: (-x[1], x[0]))
        assert full == want
        if len(full) <= keep:
            assert got == full
        else:
            cut = full[keep - 1][1] - slack
            assert got == [x for i, x in enumerate(full) if i < keep or x[1] >= cut]


def test_warm_is_once_per_process() -> None:
    kernels.warm()
    assert kernels.warm() == 0.0
    assert kernels.warm_seconds() is not None


_RANK_SCRIPT = """
import json
from matching import Matcher
from matching.synthetic import synthetic_docs
from matching.types import Filters
m = Matcher().fit(synthetic_docs(800, seed=4))
out = []
for q in synthetic_docs(15, seed=6, kind="demand"):
    for f in (Filters(), Filters(min_score=0.2)):
        page, total = m.rank(q, top_k=8, filters=f)
        out.append([total, [(x.id, x.score, repr(x.explanation)) for x in page]])
print(json.dumps(out))
"""


@needs_numba
def test_rankings_same_without_numba() -> None:
    def run(no_numba: bool) -> list:
        env = {k: v for k, v in os.environ.items() if k != "TALENTMATCH_NO_NUMBA"}
        if no_numba:
            env["TALENTMATCH_NO_NUMBA"] = "1"
        out = subprocess.run(
            [sys.executable, "-c", _RANK_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout)

    assert run(no_numba=True) == run(no_numba=False)


def test_precedent_similarities_bit_identical_to_matvec() -> None:
    from matching import analyze_doc, default_precedents
    from matching.synthetic import synthetic_docs

    model = default_precedents()
    if model is None:
        pytest.skip("no shipped precedent model")
    by_term = model._by_term  # type: ignore[attr-defined]
    for q in synthetic_docs(20, seed=9, kind="demand"):
        cols, vals = model.vector(analyze_doc(q))
        dense = np.zeros(len(model.terms))
        dense[cols] = vals
        want = model.queries @ dense
        order = np.argsort(cols)
        got = kernels.accumulate_rows(
            by_term.indptr, by_term.indices, by_term.data, cols[order], vals[order], len(want)
        )
        assert np.array_equal(got.view(np.int64), want.view(np.int64))


@needs_numba
@pytest.mark.parametrize("use_semantic", [False, True])
def test_stage_a_kernel_bit_identical_to_numpy(monkeypatch: pytest.MonkeyPatch, use_semantic: bool) -> None:
    import dataclasses
    import datetime as dt

    from matching import Matcher, MatchParams
    from matching import candidates as cand_mod
    from matching.explain import Scorer
    from matching.index import sufficient
    from matching.synthetic import synthetic_docs
    from matching.types import Filters

    params = MatchParams(use_semantic=use_semantic)
    m = Matcher(params=params, semantic=None).fit(synthetic_docs(600, seed=11))
    m.upsert(dataclasses.replace(d, id=d.id + 10_000) for d in synthetic_docs(80, seed=12))  # a delta segment
    snap = m.snapshot_
    assert snap.delta.n == 80
    day = dt.date.today().toordinal()
    checked = 0
    for i, q in enumerate(synthetic_docs(30, seed=13, kind="demand")):
        # vary what the query has: region, skills, majors, industries
        q = dataclasses.replace(
            q,
            region_code=q.region_code if i % 3 else None,
            skills=q.skills if i % 4 else (),
            majors=q.majors if i % 5 else (),
            industries=q.industries if i % 2 else (),
        )
        toks = m.analyze(q)
        qw, ew = m._query_terms(toks, expand=True)
        sc = Scorer(snap, m.params_, q, toks, qw, ew, query_ok=sufficient(toks, 1), precedents=m._precedents(toks))
        cand = cand_mod.collect_candidates(sc, Filters(), day)
        if use_semantic:  # the flag of the semantic factor, without loading the encoder
            cand = dataclasses.replace(cand, semantic=True)
        idx = np.arange(len(cand.raw))[:: 1 + i % 3]
        got = cand_mod.stage_a(q, m.params_, cand, idx)
        with monkeypatch.context() as mp:
            mp.setattr(cand_mod, "stage_a_scores", lambda *args: None)
            want = cand_mod.stage_a(q, m.params_, cand, idx)
        assert got[2] == want[2]
        for a, b in zip(got[:2], want[:2], strict=True):
            assert np.array_equal(a.view(np.int64), b.view(np.int64))
        checked += len(idx) > 0 and bool((cand.seg_of[idx] == 1).any())
    assert checked >= 10  # candidates of both segments were compared
