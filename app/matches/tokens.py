"""Stored match tokens: each record's analysed tokens, computed once and kept in the database.

Segmenting text (jieba) is most of the cost of building a match index: at 100k programs about
two thirds of it. This table keeps each document's :class:`matching.DocTokens` (as
``DocTokens.to_string()``), keyed by a digest of the analyzer's fingerprint (analyzer and
segmenter versions, settings, synonym table) and of the document fields the tokens are made of.
A build, a restart, another worker or a replica therefore segments a text once; an edited record,
a program edit seen by its cohorts, or a changed synonym file gives new keys and is analysed anew.

A bulk import stores the tokens of its records right after it commits (:func:`store_tokens`);
otherwise the first process to index a record (a build, or a refresh after a single write)
analyses it and stores the tokens. Every later build, restart, worker or replica loads them.
Rows of texts that no longer exist stay until ``scripts/prune_match_cache.py`` removes them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.base import Base, UTCDateTime, insert_new_rows, utcnow
from matching import ANALYZER_VERSION, DocTokens, MatchDoc, Matcher

logger = logging.getLogger(__name__)

_BATCH = 1000


class MatchTokens(Base):
    __tablename__ = "match_tokens"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tokens: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def token_key(fingerprint: str, doc: MatchDoc) -> str:
    """Digest of what ``analyze_doc`` reads (title, text, skills, majors, industries) under ``fingerprint``."""
    h = hashlib.sha256(fingerprint.encode())
    for part in (doc.title, doc.text, "\x1f".join(doc.skills), "\x1f".join(doc.majors), "\x1f".join(doc.industries)):
        h.update(b"\x1e" + part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _load(session: Session, keys: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), _BATCH):
        batch = unique[start : start + _BATCH]
        rows = session.execute(select(MatchTokens.key, MatchTokens.tokens).where(MatchTokens.key.in_(batch)))
        found.update((key, tokens) for key, tokens in rows)
    return found


def _save(session: Session, items: dict[str, str]) -> None:
    # another process may have stored the same document meanwhile: its tokens are the same
    now = utcnow()
    insert_new_rows(session, MatchTokens, [{"key": k, "tokens": v, "created_at": now} for k, v in items.items()], "key")


def _parse(raw: str | None) -> DocTokens | None:
    if raw is None:
        return None
    try:
        tokens = DocTokens.from_string(raw)
    except ValueError:
        return None
    return tokens if tokens.version == ANALYZER_VERSION else None


class TokenStore:
    """Tokens of documents for one analyzer (a fitted or unfitted :class:`matching.Matcher`)."""

    def __init__(self, session_factory: Callable[[], Session], analyzer: Matcher) -> None:
        self._session_factory = session_factory
        self._analyzer = analyzer
        self.fingerprint = analyzer.analysis_fingerprint()
        self.loaded = 0
        self.computed = 0

    def tokens(self, docs: Sequence[MatchDoc]) -> list[DocTokens]:
        """Tokens of each of ``docs``, in order: stored ones loaded, the others analysed and stored."""
        keys = [token_key(self.fingerprint, d) for d in docs]
        try:
            with self._session_factory() as session:
                stored = _load(session, keys)
        except SQLAlchemyError:  # a cache: analyse everything rather than fail a build
            logger.exception("could not read stored match tokens")
            stored = {}
        out: list[DocTokens] = []
        new: dict[str, str] = {}
        fresh: dict[str, DocTokens] = {}  # records with the same text are analysed once
        for doc, key in zip(docs, keys, strict=True):
            tokens = fresh.get(key) or _parse(stored.get(key))
            if tokens is None:
                tokens = fresh[key] = self._analyzer.analyze(doc)
                new[key] = tokens.to_string()
            out.append(tokens)
        self.computed += len(new)
        self.loaded += len(docs) - len(new)
        if new:
            try:
                with self._session_factory() as session:
                    _save(session, new)
                    session.commit()
            except SQLAlchemyError:
                logger.warning("could not store %d match token rows (kept in memory only)", len(new), exc_info=True)
        return out


def store_tokens(session: Session, analyzer: Matcher, docs: Sequence[MatchDoc]) -> int:
    """Analyse ``docs`` now and store the tokens no row holds yet (committed here); returns how many.

    Called after a bulk import has committed, so that the index refresh in every process (and the
    next build) loads these tokens instead of segmenting the batch itself, once per process.
    """
    fingerprint = analyzer.analysis_fingerprint()
    keys = {token_key(fingerprint, d): d for d in docs}
    missing = set(keys) - set(_load(session, list(keys)))
    _save(session, {k: analyzer.analyze(keys[k]).to_string() for k in sorted(missing)})
    session.commit()
    return len(missing)
