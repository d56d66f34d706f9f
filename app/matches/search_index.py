"""A live typo-tolerant search index: a main :class:`matching.TitleSearch` plus a small delta.

Writes rebuild only the delta (records changed since the last merge) and mark replaced or
deleted records dead in the main part; readers use an immutable state tuple, so a search never
sees a half-applied update. When the delta grows past ``max_delta`` it is merged (full refit).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from matching import MatchDoc, SearchHit, TitleSearch


@dataclass(frozen=True)
class _State:
    main: TitleSearch | None
    delta: TitleSearch | None
    dead: frozenset[int] = frozenset()
    docs: dict[int, MatchDoc] = field(default_factory=dict)  # every live record, by uid


def _fit(docs: list[MatchDoc]) -> TitleSearch | None:
    if not docs:
        return None
    return TitleSearch().fit([d.id for d in docs], [d.title for d in docs], [d.text for d in docs])


class LiveTitleSearch:
    def __init__(self, *, max_delta: int = 2000) -> None:
        self.max_delta = max_delta
        self._lock = threading.Lock()
        self._delta_ids: set[int] = set()
        self._state = _State(None, None)

    def fit(self, docs: list[MatchDoc]) -> LiveTitleSearch:
        with self._lock:
            self._delta_ids = set()
            self._state = _State(_fit(docs), None, frozenset(), {d.id: d for d in docs})
        return self

    @property
    def docs(self) -> dict[int, MatchDoc]:
        return self._state.docs

    def upsert(self, docs: list[MatchDoc]) -> None:
        self._apply(docs, [])

    def remove(self, uids: list[int]) -> None:
        self._apply([], uids)

    def _apply(self, upserts: list[MatchDoc], removals: list[int]) -> None:
        if not upserts and not removals:
            return
        with self._lock:
            state = self._state
            docs = dict(state.docs)
            for uid in removals:
                docs.pop(uid, None)
                self._delta_ids.discard(uid)
            for doc in upserts:
                docs[doc.id] = doc
                self._delta_ids.add(doc.id)
            dead = set(state.dead) | set(removals) | {d.id for d in upserts}
            if len(self._delta_ids) > self.max_delta or len(dead) > 4 * self.max_delta:
                self._delta_ids = set()
                self._state = _State(_fit(list(docs.values())), None, frozenset(), docs)
                return
            delta = _fit([docs[i] for i in sorted(self._delta_ids)])
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
