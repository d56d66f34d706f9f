"""Plain, immutable data types exchanged with :mod:`matching`.

Everything here is a frozen dataclass with no behaviour beyond validation,
so the web layer can build them from ORM rows and store them freely.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DocKind",
    "EducationLevel",
    "KINDS",
    "EDUCATION_LEVELS",
    "INACTIVE_STATUSES",
    "DocTokens",
    "MatchDoc",
    "Filters",
    "TermContribution",
    "FuzzyPair",
    "Factor",
    "Explanation",
    "Match",
]

DocKind = Literal["demand", "program", "cohort", "offer"]
EducationLevel = Literal[
    "secondary_vocational",
    "higher_vocational",
    "vocational_bachelor",
    "bachelor",
    "master",
    "doctorate",
    "any",
]
KINDS: tuple[str, ...] = ("demand", "program", "cohort", "offer")
#: Ordered from lowest to highest; ``any`` is not part of the order.
EDUCATION_LEVELS: tuple[str, ...] = (
    "secondary_vocational",
    "higher_vocational",
    "vocational_bachelor",
    "bachelor",
    "master",
    "doctorate",
)
#: Statuses that never match (filtered out, not scored). ``open`` and
#: ``active`` (and any other status) are matchable.
INACTIVE_STATUSES: frozenset[str] = frozenset(
    {"closed", "filled", "draft", "archived", "deleted", "expired", "withdrawn", "paused", "cancelled"}
)


@dataclass(frozen=True, slots=True)
class DocTokens:
    """Stored token representation of a :class:`MatchDoc` (see :func:`matching.analyze_doc`).

    ``lead`` is how many leading ``text`` tokens form the description's lead
    (weighted more on the query side); ``content`` counts the distinct tokens
    of title, text and skills before synonym expansion (data sufficiency); ``synonyms`` lists applied aliases
    (``alias→canonical``) for explanations; ``version`` is the analyzer
    version that produced the tokens (stale tokens are recomputed).

    Computing tokens (jieba segmentation) is the slow part of indexing; the
    application can compute them once at write time, store
    :meth:`to_string` in a text column and pass :meth:`from_string` back in
    ``MatchDoc.tokens`` when building an index.
    """

    title: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    majors: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    lead: int = 0
    content: int = 0
    synonyms: tuple[str, ...] = ()
    version: str = ""

    def to_string(self) -> str:
        """Serialise to one line-free string (fields separated by ``\\x1e``)."""
        parts = [self.version, f"{self.lead},{self.content}", "\x1f".join(self.synonyms)]
        parts += [" ".join(getattr(self, f)) for f in _TOKEN_FIELDS]
        return "\x1e".join(parts)

    @classmethod
    def from_string(cls, s: str) -> DocTokens:
        """Inverse of :meth:`to_string`."""
        parts = s.split("\x1e")
        if len(parts) != len(_TOKEN_FIELDS) + 3:
            raise ValueError("not a serialised DocTokens string")
        # Interned: the same term in 100k records is then one string object, not 100k (at 100k
        # programs the parsed tokens of a build take about 120 MB instead of 560 MB).
        fields = {f: tuple(map(sys.intern, p.split())) for f, p in zip(_TOKEN_FIELDS, parts[3:], strict=True)}
        lead, content = (int(x) for x in parts[1].split(","))
        return cls(
            **fields,
            lead=lead,
            content=content,
            synonyms=tuple(x for x in parts[2].split("\x1f") if x),
            version=parts[0],
        )

    def fields(self) -> dict[str, tuple[str, ...]]:
        """Tokens per field name."""
        return {f: getattr(self, f) for f in _TOKEN_FIELDS}


_TOKEN_FIELDS = ("title", "text", "skills", "majors", "industries")


@dataclass(frozen=True, slots=True)
class MatchDoc:
    """One demand (岗位需求) or supply record (program / cohort / offer).

    Parameters
    ----------
    id : int
        Unique id within one :class:`matching.Matcher`; ties are broken by it.
    kind : {'demand', 'program', 'cohort', 'offer'}
    title : str
        Job title or program/major name.
    text : str
        Free description.
    skills : tuple of str
        Wanted skills (demand) or taught skills (supply).
    majors : tuple of str
        Demand: wanted majors (names or catalogue codes such as ``510203``).
        Program: its own major name and/or code.
    education_level : str
        One of :data:`EDUCATION_LEVELS` or ``'any'``.
    region_code : str or None
        Six-digit administrative code (``'500117'``); first four digits =
        city, first two = province.
    industries : tuple of str
    status : str
        Records whose status is in :data:`INACTIVE_STATUSES` never match.
    valid_from, valid_until : datetime.date or None
        Outside this window (inclusive) the record never matches.
    organization_id : int or None
    tokens : DocTokens or None
        Precomputed tokens; when given (and of the current analyzer version)
        indexing skips tokenisation.
    extra : tuple of (str, Any) pairs
        Opaque application data, carried through unchanged.
    """

    id: int
    kind: DocKind
    title: str = ""
    text: str = ""
    skills: tuple[str, ...] = ()
    majors: tuple[str, ...] = ()
    education_level: str = "any"
    region_code: str | None = None
    industries: tuple[str, ...] = ()
    status: str = "open"
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    organization_id: int | None = None
    tokens: DocTokens | None = field(default=None, compare=False, repr=False)
    extra: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.education_level not in EDUCATION_LEVELS and self.education_level != "any":
            raise ValueError(f"unknown education_level {self.education_level!r}")
        if self.region_code is not None and not (len(self.region_code) == 6 and self.region_code.isdigit()):
            raise ValueError(f"region_code must be 6 digits, got {self.region_code!r}")
        for name in ("skills", "majors", "industries"):
            if not isinstance(getattr(self, name), tuple):
                raise TypeError(f"{name} must be a tuple")

    def is_active(self, on: dt.date | None = None) -> bool:
        """True unless the status is inactive or ``on`` lies outside the validity window."""
        if self.status.lower() in INACTIVE_STATUSES:
            return False
        if on is not None:
            if self.valid_from is not None and on < self.valid_from:
                return False
            if self.valid_until is not None and on > self.valid_until:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions applied before scoring (all optional, combined with AND).

    Parameters
    ----------
    kinds : tuple of str, optional
        Only these kinds.
    region_prefix : str, optional
        Region code must start with this (``'50'`` province, ``'5001'`` city).
    education_levels : tuple of str, optional
        Only records at one of these levels (``any`` records always pass).
    industry : str, optional
        Record must list this industry (exact, case-insensitive).
    min_score : float, optional
        Drop matches scoring below this.
    exclude_ids : frozenset of int
    exclude_organization_ids : frozenset of int
    """

    kinds: tuple[str, ...] | None = None
    region_prefix: str | None = None
    education_levels: tuple[str, ...] | None = None
    industry: str | None = None
    min_score: float | None = None
    exclude_ids: frozenset[int] = frozenset()
    exclude_organization_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class TermContribution:
    """A term present in both records and its share of the text score."""

    term: str
    contribution: float


@dataclass(frozen=True, slots=True)
class FuzzyPair:
    """A fuzzy string match that fired (``field`` is ``title``, ``skills`` or ``majors``)."""

    field: str
    query: str
    candidate: str
    score: float


@dataclass(frozen=True, slots=True)
class Factor:
    """A structured factor: its value in [0, 1] (None = unknown/neutral) and weight."""

    name: str
    value: float | None
    weight: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a match scored what it scored."""

    matched_terms: tuple[TermContribution, ...] = ()
    expanded_terms: tuple[TermContribution, ...] = ()
    fuzzy_pairs: tuple[FuzzyPair, ...] = ()
    synonyms: tuple[str, ...] = ()
    factors: tuple[Factor, ...] = ()
    missing_skills: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked result.

    ``score`` is in [0, 1]; it is ``None`` (and ``insufficient_data`` True)
    when either record has too little text to score.
    """

    id: int
    kind: str
    score: float | None
    insufficient_data: bool = False
    explanation: Explanation = Explanation()
