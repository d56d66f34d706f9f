"""Turn a :class:`MatchDoc` into its stored token representation and query weights."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

from .synonyms import SynonymTable, default_synonyms
from .text import normalize, tokenize
from .types import DocTokens, MatchDoc

__all__ = ["ANALYZER_VERSION", "analyze_doc", "analyze_text", "query_term_weights", "doc_fields"]

#: Bump when tokenisation changes; stored tokens of another version are recomputed.
ANALYZER_VERSION = "2"

# Where a description's lead ends: the first task / duty / requirement heading.
_LEAD_END = re.compile(
    r"(tasks:|responsibilities|requirements:|duties:|主要工作任务|工作任务|岗位职责|任职要求|职位要求|工种:|工种：)",
    re.IGNORECASE,
)


def analyze_text(text: str | None, synonyms: SynonymTable | None = None) -> tuple[list[str], tuple[str, ...], set[str]]:
    """Normalise, expand synonyms and tokenise ``text``.

    Returns ``(tokens, applied synonyms, distinct tokens of the original text)``;
    expansion tokens follow the original ones.
    """
    norm = normalize(text)
    own = tokenize(norm, normalized=True)
    applied: tuple[str, ...] = ()
    if synonyms is not None and norm:
        expanded, applied = synonyms.expand(norm)
        if applied:
            return own + tokenize(expanded[len(norm) :], normalized=True), applied, set(own)
    return own, applied, set(own)


def analyze_doc(doc: MatchDoc, *, synonyms: SynonymTable | None = None, lead_chars: int = 400) -> DocTokens:
    """Compute the stored token representation of ``doc``.

    Store ``analyze_doc(doc).to_string()`` with the record at write time and
    pass ``DocTokens.from_string(...)`` back as ``MatchDoc.tokens`` when
    building an index; this skips jieba, the slow part of indexing.

    Parameters
    ----------
    doc : MatchDoc
    synonyms : SynonymTable, optional
        Defaults to the shipped dictionary. Tokens must be recomputed when
        the synonym files change.
    lead_chars : int, default 400
        The lead of the description is the text before the first task or
        requirement heading, at most this many characters.

    Returns
    -------
    DocTokens
    """
    syn = default_synonyms() if synonyms is None else synonyms
    applied: set[str] = set()
    content: set[str] = set()
    title, a, c = analyze_text(doc.title, syn)
    applied.update(a)
    content |= c
    text = doc.text or ""
    m = _LEAD_END.search(text, 0, lead_chars + 40)
    cut = m.start() if m and m.start() > 0 else min(len(text), lead_chars)
    if cut < len(text) and m is None:
        # do not split a word or sentence in the middle: extend to the next boundary
        nxt = re.search(r"[.。;；!?！？\n]", text[cut:])
        cut = cut + nxt.end() if nxt and nxt.end() < 200 else cut
    lead_toks, a, c = analyze_text(text[:cut], syn)
    applied.update(a)
    content |= c
    rest_toks, a, c = analyze_text(text[cut:], syn)
    applied.update(a)
    content |= c
    lists: dict[str, list[str]] = {}
    for name in ("skills", "majors", "industries"):
        toks: list[str] = []
        for item in getattr(doc, name):
            t, a, c = analyze_text(item, syn)
            toks.extend(t)
            applied.update(a)
            if name == "skills":
                content |= c
        lists[name] = toks
    return DocTokens(
        title=tuple(title),
        text=tuple(lead_toks + rest_toks),
        skills=tuple(lists["skills"]),
        majors=tuple(lists["majors"]),
        industries=tuple(lists["industries"]),
        lead=len(lead_toks),
        content=len(content),
        synonyms=tuple(sorted(applied)),
        version=ANALYZER_VERSION,
    )


def doc_fields(tokens: DocTokens) -> dict[str, tuple[str, ...]]:
    """Index fields of a document (``title``, ``text``, ``skills``, ``majors``, ``industries``)."""
    return tokens.fields()


def query_term_weights(tokens: DocTokens, weights: Mapping[str, float]) -> dict[str, float]:
    """Query-side term weights: per part ``weight * (1 + log tf)``, summed over parts.

    Parts are ``title``, ``lead`` (first ``tokens.lead`` text tokens),
    ``rest``, ``skills``, ``majors`` and ``industries``.
    """
    parts = {
        "title": tokens.title,
        "lead": tokens.text[: tokens.lead],
        "rest": tokens.text[tokens.lead :],
        "skills": tokens.skills,
        "majors": tokens.majors,
        "industries": tokens.industries,
    }
    out: dict[str, float] = {}
    for name, toks in parts.items():
        w = weights.get(name, 0.0)
        if w <= 0 or not toks:
            continue
        for t, n in Counter(toks).items():
            out[t] = out.get(t, 0.0) + w * (1.0 + math.log(n))
    return out
