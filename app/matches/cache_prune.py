"""Remove stored tokens and embeddings that no current record uses any more.

Both caches (``match_tokens``, ``text_embedding``) are keyed by a digest of a text, so editing or
deleting a record leaves its old rows behind. Pruning computes the keys of every current record,
as the index does, and deletes the other rows, except those younger than ``grace`` (a write or
a build in progress may have just stored them for a record this run has not seen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.matches import documents
from app.matches.embeddings import TextEmbedding
from app.matches.tokens import MatchTokens, token_key
from matching import Matcher, semantic_text

_BATCH = 1000


@dataclass(frozen=True)
class PruneReport:
    records: int
    tokens_deleted: int
    embeddings_deleted: int


def _current_keys(session: Session, analyzer: Matcher) -> tuple[int, set[str], set[str]]:
    fingerprint = analyzer.analysis_fingerprint()
    model = analyzer.semantic_
    tokens: set[str] = set()
    embeddings: set[str] = set()
    records = 0
    for kind in documents.KIND_CODES:
        for doc in documents.load_docs(session, kind):
            records += 1
            tokens.add(token_key(fingerprint, doc))
            text = semantic_text(doc) if model is not None else None
            if text is not None and model is not None:
                embeddings.add(model.key(text))
    return records, tokens, embeddings


def _delete_unused(session: Session, table: Any, keep: set[str], older_than: Any) -> int:
    stale = [k for k in session.scalars(select(table.key).where(table.created_at < older_than)) if k not in keep]
    for start in range(0, len(stale), _BATCH):
        session.execute(delete(table).where(table.key.in_(stale[start : start + _BATCH])))
    return len(stale)


def prune_caches(
    session_factory: Callable[[], Session], analyzer: Matcher, *, grace: timedelta = timedelta(hours=1)
) -> PruneReport:
    """Delete unused rows of both caches older than ``grace``; one transaction per table."""
    cutoff = utcnow() - grace
    with session_factory() as session:
        records, tokens, embeddings = _current_keys(session, analyzer)
    deleted = []
    for table, keep in ((MatchTokens, tokens), (TextEmbedding, embeddings)):
        with session_factory() as session:
            deleted.append(_delete_unused(session, table, keep, cutoff))
            session.commit()
    return PruneReport(records, deleted[0], deleted[1])
