"""A live typo-tolerant search index: a main :class:`matching.TitleSearch` plus a small delta.

Writes rebuild only the delta (records changed since the last merge) and mark replaced or
deleted records dead in the main part; readers use an immutable state tuple, so a search never
sees a half-applied update. When the delta grows past ``max_delta`` it is merged (full refit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from matching import DocTokens, MatchDoc, SearchHit, TitleSearch

#: Tokens of documents, in order (the index passes a :class:`app.matches.tokens.TokenStore`'s).
TokensOf = Callable[[Sequence[MatchDoc]], list[DocTokens]]
_Keywords = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class _State:
    main: TitleSearch | None
    delta: TitleSearch | None
    dead: frozenset[int] = frozenset()
    docs: dict[int, MatchDoc] = field(default_factory=dict)  # every live record, by uid


def _fit(docs: Sequence[MatchDoc], keywords: Sequence[_Keywords]) -> TitleSearch | None:
    if not docs:
        return None
    return TitleSearch().fit([d.id for d in docs], [d.title for d in docs], keyword_tokens=keywords)


def _keywords(tokens: DocTokens) -> _Keywords:
    return tokens.title, tokens.text


class LiveTitleSearch:
    """``tokens_of`` supplies the keyword search's tokens (stored ones: no segmenting again)."""

    def __init__(self, tokens_of: TokensOf, *, max_delta: int = 2000) -> None:
        self.max_delta = max_delta
        self._tokens_of = tokens_of
        self._lock = threading.Lock()
        self._delta: dict[int, _Keywords] = {}  # keyword tokens of the records changed since the last merge
        self._state = _State(None, None)

    def fit(self, docs: Sequence[MatchDoc], tokens: Sequence[DocTokens] | None = None) -> LiveTitleSearch:
        """Index ``docs``; ``tokens`` (in the same order) saves asking ``tokens_of`` for them."""
        toks = tokens if tokens is not None else self._tokens_of(docs)
        main = _fit(docs, [_keywords(t) for t in toks])
        with self._lock:
            self._delta = {}
            self._state = _State(main, None, frozenset(), {d.id: d for d in docs})
        return self

    @property
    def docs(self) -> dict[int, MatchDoc]:
        return self._state.docs

    def upsert(self, docs: Sequence[MatchDoc], tokens: Sequence[DocTokens] | None = None) -> None:
        if docs:
            toks = tokens if tokens is not None else self._tokens_of(docs)
            self._apply(docs, [_keywords(t) for t in toks], [])

    def remove(self, uids: list[int]) -> None:
        self._apply([], [], uids)

    def _apply(self, upserts: Sequence[MatchDoc], keywords: Sequence[_Keywords], removals: list[int]) -> None:
        if not upserts and not removals:
            return
        with self._lock:
            state = self._state
            docs = dict(state.docs)
            for uid in removals:
                docs.pop(uid, None)
                self._delta.pop(uid, None)
            for doc, kw in zip(upserts, keywords, strict=True):
                docs[doc.id] = doc
                self._delta[doc.id] = kw
            dead = set(state.dead) | set(removals) | {d.id for d in upserts}
            if len(self._delta) > self.max_delta or len(dead) > 4 * self.max_delta:
                # merge: every record once more (their tokens are stored: no segmenting)
                everything = list(docs.values())
                main = _fit(everything, [_keywords(t) for t in self._tokens_of(everything)])
                self._delta = {}
                self._state = _State(main, None, frozenset(), docs)
                return
            ids = sorted(self._delta)
            delta = _fit([docs[i] for i in ids], [self._delta[i] for i in ids])
            self._state = _State(state.main, delta, frozenset(dead), docs)

    def search(self, query: str, *, top_k: int, keywords: bool = True) -> list[SearchHit]:
        """Best hits from the title (typo-tolerant) and keyword searches, best first, ties by id."""
        state = self._state
        best: dict[int, SearchHit] = {}
        for part, is_delta in ((state.main, False), (state.delta, True)):
            if part is None:
                continue
            hits = part.search(query, top_k=top_k + len(state.dead))
            if keywords:
                hits = hits + part.search_keywords(query, top_k=top_k + len(state.dead))
            for hit in hits:
                if not is_delta and hit.id in state.dead:
                    continue
                if hit.id not in state.docs:
                    continue
                if hit.id not in best or hit.score > best[hit.id].score:
                    best[hit.id] = hit
        return sorted(best.values(), key=lambda h: (-h.score, h.id))[:top_k]
