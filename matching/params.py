"""Configuration of the matching engine (one frozen dataclass, validated in ``fit``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MatchParams"]


@dataclass(frozen=True)
class MatchParams:
    """All tunable knobs of :class:`matching.Matcher`.

    Text relevance (BM25F, see :mod:`matching.scoring`)

    doc_field_weights : per indexed field weight in the BM25F term frequency.
    k1, b : BM25 saturation and length normalisation.
    query_field_weights : weights of the query's parts: ``title``, ``lead``
        (the description up to the first task/requirement marker, at most
        ``lead_chars`` characters), ``rest`` (the remaining description),
        ``skills``, ``majors``, ``industries``. Term weights are sublinear
        (``1 + log tf``) per part, times idf.
    max_query_terms : the query keeps its ``max_query_terms`` heaviest terms
        (weight x idf); this bounds latency for long descriptions.
    association_weight : weight of the learned query-expansion score
        (``lambda`` in ``text = (bm25 + lambda * expansion) / (1 + lambda)``);
        0 disables the association model.
    max_expansion_terms : expansion keeps this many heaviest supply terms.
    use_associations : load the shipped association model
        (``matching/data/associations.npz``) unless one is passed to ``fit``.

    Learned precedents (see :mod:`matching.precedents`; demand queries only)

    weight_precedent : weight of the ``precedent`` factor (0 disables it).
    precedent_k, precedent_power : neighbours used and the power their
        similarity is raised to.
    precedent_min_similarity : a demand whose best neighbour is less
        similar does not use the factor.
    use_precedents : load the shipped model (``matching/data/precedents.npz``)
        unless one is passed to :class:`matching.Matcher`.

    Semantic similarity (see :mod:`matching.semantic`; English records only)

    weight_semantic : weight of the ``semantic`` factor, the cosine
        similarity of the two records' sentence embeddings (0 disables it).
        Like the fuzzy factors it is computed for the best ``rerank_depth``
        candidates; candidates without an English text count ``NEUTRAL``.
    use_semantic : load the shipped model (``matching/data/semantic``) unless
        one is passed to :class:`matching.Matcher`.

    Learned re-ranker (see :mod:`matching.reranker`; demand queries only)

    weight_reranker : weight ``w`` of the ``reranker`` factor, applied after
        the blend: ``final = (blend + w * reranker) / (1 + w)`` for the best
        ``rerank_depth`` candidates, ``blend / (1 + w)`` below them
        (0 disables it).
    use_reranker : load the shipped model (``matching/data/reranker.npz``)
        unless one is passed to :class:`matching.Matcher`.

    Blend (all scores in [0, 1]; the final score is the weighted mean over
    the factors that are known for the pair, so unknown data is neutral)

    weight_text, weight_title_fuzzy, weight_skills, weight_majors,
    weight_education, weight_region, weight_industry : factor weights.
    text_scale : the text factor is ``1 - exp(-text / text_scale)``.
    rerank_depth : fuzzy title/skill factors are computed for this many best
        text candidates; candidates further down count them as 0.
    fuzzy_threshold : minimal rapidfuzz score (0-100) for a skill/major
        fuzzy pair to count as matched.

    Data sufficiency

    min_tokens : records with fewer distinct content tokens (title, text,
        skills together) get ``insufficient_data`` and no score.

    Synonyms

    use_default_synonyms : apply ``matching/data/synonyms.txt``.
    synonyms_paths : extra operator files in the same format.
    """

    doc_field_weights: dict[str, float] = field(
        default_factory=lambda: {"title": 3.0, "text": 1.0, "skills": 2.0, "majors": 2.0, "industries": 1.0}
    )
    k1: float = 2.0
    b: float = 0.75
    query_field_weights: dict[str, float] = field(
        default_factory=lambda: {
            "title": 3.0,
            "lead": 2.0,
            "rest": 1.0,
            "skills": 2.0,
            "majors": 2.0,
            "industries": 1.0,
        }
    )
    lead_chars: int = 400
    max_query_terms: int = 64
    association_weight: float = 0.2
    max_expansion_terms: int = 64
    use_associations: bool = True
    weight_precedent: float = 0.4
    precedent_k: int = 10
    precedent_power: float = 2.0
    precedent_min_similarity: float = 0.1
    use_precedents: bool = True
    weight_semantic: float = 0.8
    use_semantic: bool = True
    weight_reranker: float = 2.0
    use_reranker: bool = True
    weight_text: float = 0.70
    weight_title_fuzzy: float = 0.15
    weight_skills: float = 0.10
    weight_majors: float = 0.10
    weight_education: float = 0.10
    weight_region: float = 0.05
    weight_industry: float = 0.05
    text_scale: float = 0.15
    rerank_depth: int = 50
    fuzzy_threshold: float = 85.0
    min_tokens: int = 2
    use_default_synonyms: bool = True
    synonyms_paths: tuple[str | Path, ...] = ()

    def validate(self) -> None:
        """Raise ``ValueError`` for out-of-range values."""
        if self.k1 <= 0 or not 0.0 <= self.b <= 1.0:
            raise ValueError("need k1 > 0 and 0 <= b <= 1")
        for name in ("max_query_terms", "max_expansion_terms", "rerank_depth", "lead_chars", "precedent_k"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        weights = [getattr(self, n) for n in self.__dataclass_fields__ if n.startswith("weight_")]
        if any(w < 0 for w in weights) or self.weight_text <= 0:
            raise ValueError("factor weights must be >= 0 and weight_text > 0")
        if self.association_weight < 0 or self.text_scale <= 0:
            raise ValueError("association_weight must be >= 0 and text_scale > 0")
        if any(w < 0 for w in self.doc_field_weights.values()) or any(w < 0 for w in self.query_field_weights.values()):
            raise ValueError("field weights must be >= 0")
        if self.precedent_power <= 0 or not 0.0 <= self.precedent_min_similarity <= 1.0:
            raise ValueError("need precedent_power > 0 and 0 <= precedent_min_similarity <= 1")
        if not 0 <= self.fuzzy_threshold <= 100:
            raise ValueError("fuzzy_threshold must be in [0, 100]")
        if self.min_tokens < 0:
            raise ValueError("min_tokens must be >= 0")
