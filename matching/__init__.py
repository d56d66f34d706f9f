"""Ranking engine for talent supply-demand matching (人才供需对接).

Pure library: no web framework, ORM or settings imports.

Quick start::

    from matching import Matcher, MatchDoc

    programs = [MatchDoc(id=1, kind="program", title="软件技术", text="...", education_level="higher_vocational")]
    matcher = Matcher().fit(programs)           # one matcher per direction
    demand = MatchDoc(id=7, kind="demand", title="Java开发工程师", text="...")
    matches, total = matcher.rank(demand, top_k=10)

Public API
----------
Types (frozen dataclasses, :mod:`matching.types`)
    :class:`MatchDoc`, :class:`DocTokens`, :class:`Filters`, :class:`Match`,
    :class:`Explanation`, :class:`TermContribution`, :class:`FuzzyPair`,
    :class:`Factor`.
Ranking
    :class:`Matcher` ``(*, params=None, associations='default', synonyms=None, precedents='default',
    semantic='default', reranker='default', max_delta=5000, merge_in_background=False)``
    with ``fit(docs) -> self``, ``rank(query, *, top_k=10, offset=0, filters=None, as_of=None)
    -> (list[Match], total)``, ``upsert(docs)`` (aliases ``add``/``update``), ``remove(ids)``,
    ``merge()``, ``analyze(doc)``. :class:`MatchParams` holds every weight.
Tokens to store at write time
    :func:`analyze_doc` ``(doc, *, synonyms=None, lead_chars=400) -> DocTokens``;
    store ``DocTokens.to_string()``, pass ``DocTokens.from_string(s)`` back as
    ``MatchDoc.tokens``; tokens whose ``version`` differs from
    :data:`ANALYZER_VERSION` are recomputed.
Text
    :func:`normalize`, :func:`tokenize`, :func:`stem`; synonyms:
    :class:`SynonymTable`, :func:`load_synonyms`, :func:`default_synonyms`.
Typo-tolerant search
    :class:`TitleSearch` ``(*, max_candidates=200, max_edits=1).fit(ids, titles, texts=None)``,
    ``search(query, *, top_k=10) -> list[SearchHit]``,
    ``search_keywords(query, *, top_k=10) -> list[SearchHit]``.
Learning
    :class:`AssociationModel`, :func:`fit_associations`,
    :func:`default_associations`; :class:`PrecedentModel`, :func:`fit_precedents`,
    :func:`default_precedents` (supplies that similar demands were matched to); :class:`Reranker`,
    :func:`fit_reranker`, :func:`default_reranker` (learned re-ranking of the head, fitted on out-of-fold
    features from :mod:`matching.stacking`); evaluation helpers in :mod:`matching.evaluation`.
"""

from .analysis import ANALYZER_VERSION, analyze_doc
from .associations import AssociationModel, default_associations, fit_associations
from .params import MatchParams
from .precedents import PrecedentModel, Precedents, default_precedents, fit_precedents
from .ranker import Matcher, NotFittedError
from .reranker import Reranker, default_reranker, fit_reranker
from .search import SearchHit, TitleSearch, Tombstones
from .semantic import EmbeddingStore, SemanticModel, semantic_text
from .semantic import load_default as default_semantic
from .synonyms import SynonymTable, default_synonyms, load_synonyms
from .text import normalize, stem, tokenize
from .types import (
    EDUCATION_LEVELS,
    INACTIVE_STATUSES,
    KINDS,
    DocTokens,
    Explanation,
    Factor,
    Filters,
    FuzzyPair,
    Match,
    MatchDoc,
    TermContribution,
)

__all__ = [
    "ANALYZER_VERSION",
    "AssociationModel",
    "DocTokens",
    "EmbeddingStore",
    "EDUCATION_LEVELS",
    "Explanation",
    "Factor",
    "Filters",
    "FuzzyPair",
    "Reranker",
    "default_reranker",
    "fit_reranker",
    "INACTIVE_STATUSES",
    "KINDS",
    "Match",
    "MatchDoc",
    "MatchParams",
    "Matcher",
    "NotFittedError",
    "PrecedentModel",
    "Precedents",
    "SearchHit",
    "SemanticModel",
    "SynonymTable",
    "TermContribution",
    "TitleSearch",
    "Tombstones",
    "analyze_doc",
    "default_associations",
    "default_precedents",
    "default_semantic",
    "default_synonyms",
    "fit_associations",
    "fit_precedents",
    "load_synonyms",
    "normalize",
    "semantic_text",
    "stem",
    "tokenize",
]
