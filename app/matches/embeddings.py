"""Sentence embeddings of the ``semantic`` factor, kept in the database.

Each worker process keeps its own in-memory memo; this table lets a vector be
computed once, by whichever process gets there first, and read by the others
and after a restart (a worker that starts on a database of 100k English
records loads their vectors instead of spending minutes of CPU on them).
Rows are keyed by a digest of the model and the text, so an edited record or
a new model gets a new row; rows are small (768 bytes of float16 each).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.base import Base, UTCDateTime, insert_new_rows, utcnow


class TextEmbedding(Base):
    __tablename__ = "text_embedding"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SqlEmbeddingStore:
    """:class:`matching.EmbeddingStore` over the ``text_embedding`` table (SQLite and PostgreSQL)."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory

    def load(self, keys: Sequence[str]) -> Mapping[str, bytes]:
        if not keys:
            return {}
        with self._session_factory() as session:
            rows = session.execute(select(TextEmbedding.key, TextEmbedding.vector).where(TextEmbedding.key.in_(keys)))
            return {k: bytes(v) for k, v in rows}

    def save(self, items: Sequence[tuple[str, bytes]]) -> None:
        if not items:
            return
        with self._session_factory() as session:
            now = utcnow()
            rows = [{"key": k, "vector": v, "created_at": now} for k, v in dict(items).items()]
            # another process may have stored the same text meanwhile: its row is as good as ours
            insert_new_rows(session, TextEmbedding, rows, "key")
            session.commit()
