"""The :class:`Matcher`: fit on one side's records, rank them for a query record."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, TypeVar

import numpy as np

from .analysis import ANALYZER_VERSION, analyze_doc, query_term_weights
from .associations import DEFAULT_ASSOCIATION_QUERY_WEIGHTS, AssociationModel, default_associations
from .explain import Scorer, build_matches
from .index import Segment, Snapshot, build_segment, merge_segments, sufficient
from .kernels import warm as warm_kernels
from .params import MatchParams
from .precedents import PrecedentModel, Precedents, default_precedents
from .reranker import Reranker, default_reranker
from .semantic import EmbeddingStore, SemanticModel
from .semantic import load_default as default_semantic
from .synonyms import SynonymTable, default_synonyms, load_synonyms
from .text import load_segmenter, segmenter_version
from .types import DocTokens, Filters, Match, MatchDoc

__all__ = ["Matcher", "NotFittedError"]

T = TypeVar("T")


class NotFittedError(RuntimeError):
    """Raised when ranking or updating before :meth:`Matcher.fit`."""


def _learned(value: T | None | str, name: str, use_default: bool, load_default: Callable[[], T | None]) -> T | None:
    """A learned model argument: ``'default'`` loads the shipped one (unless disabled), else as given."""
    if isinstance(value, str):
        if value != "default":
            raise ValueError(f"{name} must be a model, None or 'default'")
        return load_default() if use_default else None
    return value


class Matcher:
    """Rank records of one side (e.g. programs) for a query record of the other side.

    Fit one matcher per direction: one on supplies to rank them for a demand,
    one on demands to rank them for a supply.

    Parameters
    ----------
    params : MatchParams, optional
        Weights and knobs; validated in :meth:`fit`.
    associations : AssociationModel, None or 'default'
        Learned query expansion (applied when the query is a demand);
        ``'default'`` loads the shipped model, ``None`` disables it.
    synonyms : SynonymTable, optional
        Overrides the dictionary built from ``params``.
    precedents : PrecedentModel, None or 'default'
        Learned precedents (demand queries only): ``'default'`` loads the
        shipped model, ``None`` disables them.
    semantic : SemanticModel, None or 'default'
        Sentence encoder of the ``semantic`` factor (English records):
        ``'default'`` loads the shipped model, ``None`` disables it.
    reranker : Reranker, None or 'default'
        Learned re-ranker of the head (demand queries only, see
        :mod:`matching.reranker`): ``'default'`` loads the shipped model,
        ``None`` disables it.

    Attributes
    ----------
    snapshot_ : Snapshot
        The current immutable index (readers take one reference).
    params_ : MatchParams
    synonyms_ : SynonymTable
    associations_ : AssociationModel or None
    precedents_ : PrecedentModel or None
    semantic_ : SemanticModel or None
    reranker_ : Reranker or None

    Notes
    -----
    ``add``/``update``/``remove`` rebuild only the small delta segment and
    publish a new snapshot atomically; concurrent ``rank`` calls keep using
    the snapshot they started with. Call :meth:`merge` (e.g. from a
    background thread) to fold the delta into the main segment; it also runs
    automatically when the delta exceeds ``max_delta`` records: in the writing
    thread, or with ``merge_in_background`` in a thread of its own
    (:meth:`merge_concurrently`, writers are not held up while it builds).
    """

    def __init__(
        self,
        *,
        params: MatchParams | None = None,
        associations: AssociationModel | None | Literal["default"] = "default",
        synonyms: SynonymTable | None = None,
        precedents: PrecedentModel | None | Literal["default"] = "default",
        semantic: SemanticModel | None | Literal["default"] = "default",
        reranker: Reranker | None | Literal["default"] = "default",
        max_delta: int = 5000,
        merge_in_background: bool = False,
    ) -> None:
        self.params = params
        self.associations = associations
        self.synonyms = synonyms
        self.precedents = precedents
        self.semantic = semantic
        self.reranker = reranker
        self.max_delta = max_delta
        self.merge_in_background = merge_in_background

    # ----------------------------------------------------------------- fitting
    def _check_params(self) -> None:
        params = self.params if self.params is not None else MatchParams()
        params.validate()
        if self.max_delta < 1:
            raise ValueError("max_delta must be >= 1")
        self.params_ = params
        if self.synonyms is not None:
            syn = self.synonyms
        else:
            syn = default_synonyms() if params.use_default_synonyms else SynonymTable()
            for p in params.synonyms_paths:
                syn = syn.merged(load_synonyms(p))
        self.synonyms_ = syn
        self.associations_ = _learned(self.associations, "associations", params.use_associations, default_associations)
        self.precedents_ = _learned(self.precedents, "precedents", params.use_precedents, default_precedents)
        use_sem = params.use_semantic and params.weight_semantic > 0
        self.semantic_ = _learned(self.semantic, "semantic", use_sem, default_semantic) if use_sem else None
        use_rr = params.use_reranker and params.weight_reranker > 0
        self.reranker_ = _learned(self.reranker, "reranker", use_rr, default_reranker) if use_rr else None

    def analysis_fingerprint(self) -> str:
        """What the tokens of :meth:`analyze` depend on besides the record: the analyzer version,
        the segmenter's version, ``lead_chars`` and the synonym table.

        Tokens stored under one fingerprint are valid for every matcher with the same one; an
        application keying stored tokens by it recomputes them when any of these change.
        """
        if not hasattr(self, "params_"):
            self._check_params()
        return f"{ANALYZER_VERSION}:{segmenter_version()}:{self.params_.lead_chars}:{self.synonyms_.fingerprint()}"

    def analyze(self, doc: MatchDoc) -> DocTokens:
        """Tokens of ``doc`` (its stored ``tokens`` when of the current analyzer version)."""
        if doc.tokens is not None and doc.tokens.version == ANALYZER_VERSION:
            return doc.tokens
        params = self.params_ if hasattr(self, "params_") else (self.params or MatchParams())
        syn = self.synonyms_ if hasattr(self, "synonyms_") else default_synonyms()
        return analyze_doc(doc, synonyms=syn, lead_chars=params.lead_chars)

    def fit(self, docs: Iterable[MatchDoc]) -> Matcher:
        """Index ``docs`` (ids must be unique) and return ``self``.

        ``docs`` is consumed once and not retained (a generator that parses
        stored tokens row by row keeps memory flat); pass ``MatchDoc.tokens``
        to skip tokenisation.
        """
        self._check_params()
        warm_kernels()  # compile (or load) the ranking kernels now, not on the first request
        main, avg = self._segment((d, self.analyze(d)) for d in docs)
        if len(np.unique(main.ids)) != main.n:
            raise ValueError("document ids must be unique")
        delta, _ = self._segment([], avg_len=avg)
        self._prime(main)
        self._lock = threading.Lock()
        self._since_merge: set[int] | None = None  # ids written since a concurrent merge began
        self._merger: threading.Thread | None = None
        self.snapshot_ = Snapshot(main, delta, frozenset(), np.zeros(main.n, dtype=bool), (), (), avg, main.n, 0)
        return self

    def _prime(self, main: Segment) -> None:
        """Load now what the first query or write would otherwise pay for: the segmenter (not
        loaded when every document came with stored tokens), the precedent name lookup and the
        sorted ids of ``main``."""
        load_segmenter()
        main.positions_of(np.zeros(0, dtype=np.int64))
        if self.precedents_ is not None:
            _ = main.name_positions

    def _segment(
        self, pairs: Iterable[tuple[MatchDoc, DocTokens]], avg_len: float | None = None
    ) -> tuple[Segment, float]:
        p = self.params_
        return build_segment(
            pairs,
            field_weights=p.doc_field_weights,
            k1=p.k1,
            b=p.b,
            min_tokens=p.min_tokens,
            avg_len=avg_len,
            semantic=self.semantic_ is not None,
        )

    def _require_fitted(self) -> Snapshot:
        snap = getattr(self, "snapshot_", None)
        if snap is None:
            raise NotFittedError("call fit() first")
        return snap

    @property
    def n_docs_(self) -> int:
        """Number of live indexed documents."""
        return self._require_fitted().n_live

    # ----------------------------------------------------------- live updates
    def _publish(
        self,
        snap: Snapshot,
        delta: Segment,
        delta_docs: Sequence[MatchDoc],
        delta_tokens: Sequence[DocTokens],
        newly_dead: Iterable[int],
    ) -> None:
        ids = np.fromiter(newly_dead, dtype=np.int64)
        cols = snap.main.positions_of(ids)
        cols = cols[cols >= 0]  # only main-segment ids are tombstoned
        dead = snap.dead | frozenset(snap.main.ids[cols].tolist())
        dead_mask = snap.dead_mask
        if len(cols):
            dead_mask = dead_mask.copy()
            dead_mask[cols] = True
        self.snapshot_ = Snapshot(
            snap.main,
            delta,
            dead,
            dead_mask,
            tuple(delta_docs),
            tuple(delta_tokens),
            snap.avg_len,
            snap.main.n - len(dead) + delta.n,
            snap.version + 1,
        )
        if self._since_merge is not None:
            self._since_merge.update(ids.tolist())
        if delta.n > self.max_delta and self._since_merge is None:
            if not self.merge_in_background:
                self._install_merge(self.snapshot_, self._merged_main(self.snapshot_), set())
            elif self._merger is None or not self._merger.is_alive():
                self._merger = threading.Thread(target=self.merge_concurrently, name="matcher-merge", daemon=True)
                self._merger.start()

    def upsert(self, docs: Iterable[MatchDoc]) -> None:
        """Add new records or replace existing ones (by id).

        Costs what the new records cost plus array operations on the delta
        segment: only the new records are indexed, and the delta keeps the
        rest of its columns (no rebuild of the records written before).
        """
        self._require_fitted()
        new = list(docs)
        if len({d.id for d in new}) != len(new):
            raise ValueError("document ids must be unique")
        new_tokens = [self.analyze(d) for d in new]
        with self._lock:
            snap = self.snapshot_
            new_ids = {d.id for d in new}
            part, _ = self._segment(zip(new, new_tokens, strict=True), avg_len=snap.avg_len)
            kept = [(d, t) for d, t in zip(snap.delta_docs, snap.delta_tokens, strict=True) if d.id not in new_ids]
            replaced = frozenset(d.id for d in snap.delta_docs if d.id in new_ids)
            delta = merge_segments(snap.delta, part, replaced) if snap.delta.n else part
            docs_ = [d for d, _ in kept] + new
            toks_ = [t for _, t in kept] + new_tokens
            self._publish(snap, delta, docs_, toks_, new_ids)

    add = upsert
    update = upsert

    def remove(self, ids: Iterable[int]) -> None:
        """Remove records by id (unknown ids are ignored)."""
        self._require_fitted()
        gone = set(ids)
        with self._lock:
            snap = self.snapshot_
            kept = [(d, t) for d, t in zip(snap.delta_docs, snap.delta_tokens, strict=True) if d.id not in gone]
            delta = snap.delta
            if len(kept) < len(snap.delta_docs):
                removed = frozenset(d.id for d in snap.delta_docs if d.id in gone)
                delta = merge_segments(snap.delta, self._segment([], avg_len=snap.avg_len)[0], removed)
            self._publish(snap, delta, [d for d, _ in kept], [t for _, t in kept], gone)

    def merge(self) -> None:
        """Fold the delta segment into the main one and drop tombstones (writers wait meanwhile:
        about a second at 100k records)."""
        self._require_fitted()
        with self._lock:
            snap = self.snapshot_
            self._install_merge(snap, self._merged_main(snap), set())

    def merge_concurrently(self) -> None:
        """As :meth:`merge`, but writers wait only while the result is installed: the new main
        segment is built from the snapshot current at the start, and records written meanwhile
        stay in the new delta (tombstoned in the new main). The result is the snapshot that
        :meth:`merge` at the start followed by those writes would give. ``merge_in_background``
        runs this in a thread when the delta exceeds ``max_delta``."""
        self._require_fitted()
        with self._lock:
            if self._since_merge is not None:
                return  # one at a time
            snap = self.snapshot_
            self._since_merge = set()
        main: Segment | None = None
        try:
            main = self._merged_main(snap)
        finally:
            with self._lock:
                touched, self._since_merge = self._since_merge or set(), None
                if main is not None and self.snapshot_.main is snap.main:  # else merge() ran meanwhile
                    self._install_merge(snap, main, touched)

    def _merged_main(self, snap: Snapshot) -> Segment:
        main = merge_segments(snap.main, snap.delta, snap.dead)
        self._prime(main)
        return main

    def _install_merge(self, base: Snapshot, main: Segment, touched: set[int]) -> None:
        """Publish ``main`` (``base`` merged) plus the records written after ``base``, whose ids
        are ``touched`` (caller holds the lock)."""
        now = self.snapshot_
        empty, _ = self._segment([], avg_len=base.avg_len)
        merged = Snapshot(
            main, empty, frozenset(), np.zeros(main.n, dtype=bool), (), (), base.avg_len, main.n, now.version
        )
        kept = [(d, t) for d, t in zip(now.delta_docs, now.delta_tokens, strict=True) if d.id in touched]
        delta = empty
        if kept:  # the delta's records written after base, in their column order
            folded = frozenset(d.id for d in now.delta_docs if d.id not in touched)
            delta = merge_segments(now.delta, empty, folded) if folded else now.delta
        self._publish(merged, delta, [d for d, _ in kept], [t for _, t in kept], touched)

    def warm_semantic(
        self, stop: threading.Event | None = None, store: EmbeddingStore | None = None, start: float = 0.0
    ) -> int:
        """Embed every indexed English record ahead of queries; returns how many were computed.

        Optional: a record is otherwise embedded the first time it reaches a
        query's head. ``store`` shares embeddings between processes (see
        :meth:`SemanticModel.warm`); ``start`` (a fraction in [0, 1)) begins
        the pass that far into the records and wraps around, so that
        processes warming at once with a store split the work. Stops early
        when ``stop`` is set.
        """
        snap = self._require_fitted()
        if self.semantic_ is None:
            return 0
        texts = [*snap.main.sem_texts, *snap.delta.sem_texts]
        k = int(min(max(start, 0.0), 1.0) * len(texts)) % max(len(texts), 1)
        return self.semantic_.warm(itertools.chain(texts[k:], texts[:k]), stop=stop, store=store)

    # ---------------------------------------------------------------- ranking
    def query_terms(self, query: MatchDoc) -> tuple[dict[str, float], dict[str, float]]:
        """``(query terms, expansion terms)`` with their raw weights, for inspection.

        The learned expansion applies only to demand queries (it maps demand
        vocabulary to supply vocabulary).
        """
        self._require_fitted()
        return self._query_terms(self.analyze(query), expand=query.kind == "demand")

    def _query_terms(self, toks: DocTokens, *, expand: bool) -> tuple[dict[str, float], dict[str, float]]:
        p = self.params_
        qw = query_term_weights(toks, p.query_field_weights)
        ew: dict[str, float] = {}
        if expand and self.associations_ is not None and p.association_weight > 0:
            ew = self.associations_.expand(
                toks, weights=DEFAULT_ASSOCIATION_QUERY_WEIGHTS, max_terms=p.max_expansion_terms
            )
        return qw, ew

    def _precedents(self, toks: DocTokens) -> Precedents:
        p = self.params_
        if self.precedents_ is None or p.weight_precedent <= 0:
            return Precedents()
        return self.precedents_.lookup(
            toks, k=p.precedent_k, power=p.precedent_power, min_similarity=p.precedent_min_similarity
        )

    def rank(
        self,
        query: MatchDoc,
        *,
        top_k: int = 10,
        offset: int = 0,
        filters: Filters | None = None,
        as_of: dt.date | None = None,
        explain: bool = True,
    ) -> tuple[list[Match], int]:
        """Rank the indexed records for ``query``.

        Parameters
        ----------
        query : MatchDoc
            A demand (to rank supplies) or a supply (to rank demands); its
            own id is excluded from the results.
        top_k : int, default 10
            Page size.
        offset : int, default 0
            Results to skip (pagination).
        filters : Filters, optional
        as_of : datetime.date, optional
            Day for the validity-window check (default: today).
        explain : bool, default True
            Build explanations (set False for bulk evaluation; matches then
            carry an empty :class:`Explanation`).

        Returns
        -------
        matches : list of Match
            Best first; ties broken by ascending id. Scored matches come
            before records with insufficient data (score None).
        total : int
            Number of records that matched the query and the filters.
        """
        if top_k < 0 or offset < 0:
            raise ValueError("top_k and offset must be >= 0")
        scorer = self._scorer(query, rerank=True)
        day = (as_of or dt.date.today()).toordinal()
        return build_matches(scorer, filters or Filters(), day, top_k, offset, explain=explain)

    def head_features(self, query: MatchDoc, *, as_of: dt.date | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(ids, features)`` of the head of ``query``'s ranking before the re-ranker: the
        ``rerank_depth`` best records and their :data:`matching.reranker.FEATURES` rows, best first
        (the training data of :func:`matching.reranker.fit_reranker`)."""
        scorer = self._scorer(query, rerank=False)
        day = (as_of or dt.date.today()).toordinal()
        out: list[tuple[np.ndarray, np.ndarray]] = []
        build_matches(scorer, Filters(), day, 0, 0, explain=False, capture=out)
        return out[0]

    def _scorer(self, query: MatchDoc, *, rerank: bool) -> Scorer:
        snap = self._require_fitted()
        toks = self.analyze(query)
        demand = query.kind == "demand"
        qw, ew = self._query_terms(toks, expand=demand)
        return Scorer(
            snap,
            self.params_,
            query,
            toks,
            qw,
            ew,
            query_ok=sufficient(toks, self.params_.min_tokens),
            precedents=self._precedents(toks) if demand else Precedents(),
            semantic=self.semantic_,
            reranker=self.reranker_ if demand and rerank else None,
        )
