"""A live typo-tolerant search index: a main :class:`matching.TitleSearch` plus small delta parts.

A write indexes only the records it writes, as a new delta part, and tombstones their older
versions in the parts that hold them (:class:`matching.Tombstones`: a search skips them at no
cost per record). Delta parts are merged pairwise when the older one is at most twice the size of
the newer (as a binary counter does), so a write costs O(log n) refits of its records amortised and
a search looks at O(log n) parts; parts stop merging at ``max_delta`` records, so no write refits
more than that. Readers use an immutable state tuple: a search never sees a half-applied update.
The main part is only refitted by a rebuild of the whole index (``MatchIndex``, in the background).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from matching import DocTokens, MatchDoc, SearchHit, TitleSearch, Tombstones

#: Tokens of documents, in order (the index passes a :class:`app.matches.tokens.TokenStore`'s).
TokensOf = Callable[[Sequence[MatchDoc]], list[DocTokens]]
_Keywords = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True, eq=False)
class _Part:
    index: TitleSearch
    docs: tuple[MatchDoc, ...]  # in the index's positions
    keywords: tuple[_Keywords, ...]
    gone: Tombstones | None = None

    @property
    def live(self) -> int:
        return len(self.docs) - (self.gone.count if self.gone is not None else 0)

    def without(self, ids: Sequence[int]) -> _Part:
        gone = self.index.tombstone(self.index.positions_of(ids), self.gone)
        return self if gone is self.gone else _Part(self.index, self.docs, self.keywords, gone)

    def live_records(self) -> tuple[list[MatchDoc], list[_Keywords]]:
        keep = range(len(self.docs)) if self.gone is None else (~self.gone.mask).nonzero()[0].tolist()
        return [self.docs[i] for i in keep], [self.keywords[i] for i in keep]


class _Docs(Mapping[int, MatchDoc]):
    """Every live record by uid: the fitted ones plus the changes since (``None``: removed).
    A write copies the changes only, not the 100k-entry mapping of the fit."""

    def __init__(self, base: Mapping[int, MatchDoc], changes: Mapping[int, MatchDoc | None], n: int) -> None:
        self._base, self._changes, self._n = base, changes, n

    def changed(self, upserts: Sequence[MatchDoc], removals: Sequence[int]) -> _Docs:
        changes = dict(self._changes)
        n = self._n
        removed = set(removals)
        for uid in removed:
            n -= uid in self
            changes[uid] = None
        for doc in {d.id: d for d in upserts}.values():
            n += doc.id in removed or doc.id not in self
            changes[doc.id] = doc
        return _Docs(self._base, changes, n)

    def __getitem__(self, uid: int) -> MatchDoc:
        doc = self._changes[uid] if uid in self._changes else self._base[uid]
        if doc is None:
            raise KeyError(uid)
        return doc

    def __iter__(self) -> Iterator[int]:
        yield from (uid for uid in self._base if uid not in self._changes)
        yield from (uid for uid, doc in self._changes.items() if doc is not None)

    def __len__(self) -> int:
        return self._n


@dataclass(frozen=True)
class _State:
    main: _Part | None
    deltas: tuple[_Part, ...] = ()  # oldest first
    docs: _Docs = field(default_factory=lambda: _Docs({}, {}, 0))  # every live record, by uid


def _part(docs: Sequence[MatchDoc], keywords: Sequence[_Keywords]) -> _Part | None:
    if not docs:
        return None
    index = TitleSearch().fit([d.id for d in docs], [d.title for d in docs], keyword_tokens=keywords)
    return _Part(index, tuple(docs), tuple(keywords))


def _keywords(tokens: DocTokens) -> _Keywords:
    return tokens.title, tokens.text


class LiveTitleSearch:
    """``tokens_of`` supplies the keyword search's tokens (stored ones: no segmenting again)."""

    def __init__(self, tokens_of: TokensOf, *, max_delta: int = 2000) -> None:
        self.max_delta = max_delta
        self._tokens_of = tokens_of
        self._lock = threading.Lock()
        self._state = _State(None)

    def fit(self, docs: Sequence[MatchDoc], tokens: Sequence[DocTokens] | None = None) -> LiveTitleSearch:
        """Index ``docs``; ``tokens`` (in the same order) saves asking ``tokens_of`` for them."""
        toks = tokens if tokens is not None else self._tokens_of(docs)
        main = _part(docs, [_keywords(t) for t in toks])
        with self._lock:
            base = {d.id: d for d in docs}
            self._state = _State(main, (), _Docs(base, {}, len(base)))
        return self

    @property
    def docs(self) -> Mapping[int, MatchDoc]:
        return self._state.docs

    @property
    def parts(self) -> int:
        """How many index parts a search looks at (main and deltas)."""
        state = self._state
        return (state.main is not None) + len(state.deltas)

    def upsert(self, docs: Sequence[MatchDoc], tokens: Sequence[DocTokens] | None = None) -> None:
        if docs:
            toks = tokens if tokens is not None else self._tokens_of(docs)
            self._apply(docs, [_keywords(t) for t in toks], [])

    def remove(self, uids: list[int]) -> None:
        self._apply([], [], uids)

    def _apply(self, upserts: Sequence[MatchDoc], keywords: Sequence[_Keywords], removals: list[int]) -> None:
        if not upserts and not removals:
            return
        latest: dict[int, tuple[MatchDoc, _Keywords]] = {d.id: (d, k) for d, k in zip(upserts, keywords, strict=True)}
        touched = [*removals, *latest]
        with self._lock:
            state = self._state
            written = [d for d, _ in latest.values()]
            docs = state.docs.changed(written, removals)
            main = state.main.without(touched) if state.main is not None else None
            deltas = [p.without(touched) for p in state.deltas]
            deltas = [p for p in deltas if p.live]
            new = _part(written, [k for _, k in latest.values()])
            if new is not None:
                deltas.append(new)
            while len(deltas) >= 2 and deltas[-2].live <= 2 * deltas[-1].live:
                if deltas[-2].live + deltas[-1].live > self.max_delta:
                    break
                older, newer = deltas[-2].live_records(), deltas[-1].live_records()
                merged = _part(older[0] + newer[0], older[1] + newer[1])
                deltas[-2:] = [merged] if merged is not None else []
            self._state = _State(main, tuple(deltas), docs)

    def search(self, query: str, *, top_k: int, keywords: bool = True) -> list[SearchHit]:
        """Best hits from the title (typo-tolerant) and keyword searches, best first, ties by id."""
        state = self._state
        parts = [p for p in (state.main, *state.deltas) if p is not None]
        # the q-gram fallback (weaker titles when none is within max_edits) applies to the index
        # as a whole, not to each part: a part without a close title must not add weak ones
        hits = [h for p in parts for h in p.index.search(query, top_k=top_k, gone=p.gone, fallback=False)]
        if not hits:
            hits = [h for p in parts for h in p.index.search(query, top_k=top_k, gone=p.gone)]
        if keywords:
            hits += [h for p in parts for h in p.index.search_keywords(query, top_k=top_k, gone=p.gone)]
        best: dict[int, SearchHit] = {}
        for hit in hits:
            if hit.id not in best or hit.score > best[hit.id].score:
                best[hit.id] = hit
        return sorted(best.values(), key=lambda h: (-h.score, h.id))[:top_k]
