"""Semantic similarity of English records from a small sentence-embedding model.

The ``semantic`` factor is the cosine similarity of two records' sentence
embeddings (all-MiniLM-L6-v2, mean pooling, L2-normalised), run with
ONNX Runtime on the CPU from the model shipped in ``matching/data/semantic``
(rebuilt by ``scripts/export_semantic_model.py``). It catches what shared
words miss: "Title Examiners" and a paralegal program share few terms but
mean related work. The model is English-only, so the factor applies only to
records written mostly in Latin script (:func:`semantic_text`); Chinese
records are matched by the lexical and learned factors alone.

Embeddings are computed lazily, one text at a time (no padding, so a text's
vector never depends on what it was batched with), and memoised by text:
a record is embedded the first time it reaches a query's head, and again
only when its text changes. :meth:`SemanticModel.warm` embeds records ahead
of queries (the web service does this in the background after an index
build), reading and writing an optional :class:`EmbeddingStore` so that an
embedding is computed once, not once per process and restart.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:  # this module imports nothing else of the package (scripts load it on its own)
    from .types import MatchDoc

__all__ = ["SemanticModel", "EmbeddingStore", "semantic_text", "load_default", "DEFAULT_DIR"]

DEFAULT_DIR = Path(__file__).parent / "data" / "semantic"
#: Characters of a record kept for embedding (the model reads at most ``max_tokens`` word pieces).
MAX_CHARS = 1500
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_NOT_LATIN = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))


def semantic_text(doc: MatchDoc) -> str | None:
    """The text a record is embedded from, or None when it is not mostly Latin script.

    Title, skills and description, cut at :data:`MAX_CHARS` characters
    (majors are left out: the service fills them from the Chinese major
    catalogue). A record counts as Latin-script when it has at least 3 Latin
    letters and fewer than one CJK character per 10 Latin letters.
    """
    parts = [doc.title, ", ".join(doc.skills), doc.text]
    text = ". ".join(p.strip() for p in parts if p and p.strip())[:MAX_CHARS]
    # Latin letters counted on the UTF-8 bytes (7x faster than a regex over 100k records): bytes
    # below 0x80 are ASCII characters and nothing else, so the letters left are exactly [A-Za-z].
    latin = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_LATIN))
    if latin < 3 or (not text.isascii() and len(_CJK.findall(text)) * 10 >= latin):
        return None
    return text


class EmbeddingStore(Protocol):
    """Where computed embeddings are kept between processes (the service: a database table).

    Keys are :meth:`SemanticModel.key` digests (model and text); values the
    float16 vector's bytes.
    """

    def load(self, keys: Sequence[str]) -> Mapping[str, bytes]:
        """The stored vectors of those of ``keys`` that are stored."""
        ...

    def save(self, items: Sequence[tuple[str, bytes]]) -> None:
        """Store ``(key, vector bytes)`` pairs; keys already stored are left as they are."""
        ...


class SemanticModel:
    """A sentence encoder with a bounded memo of computed embeddings.

    Parameters
    ----------
    model_dir : path
        Folder with ``model.onnx`` (inputs ``input_ids``, ``attention_mask``,
        ``token_type_ids``; output: last hidden state) and ``tokenizer.json``.
    max_tokens : int, default 256
        Word pieces read per text (the model's training length).
    cache_size : int, default 300_000
        Embeddings kept (as float16, 768 bytes each plus the text); the
        oldest tenth is dropped when it is full.
    """

    def __init__(self, model_dir: str | Path = DEFAULT_DIR, *, max_tokens: int = 256, cache_size: int = 300_000):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        d = Path(model_dir)
        opts = ort.SessionOptions()
        # one thread per call: the service runs several requests at once and owns its cores
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(d / "model.onnx"), opts, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(d / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.no_padding()
        self.cache_size = cache_size
        #: Identifies the model's weights and tokenizer (part of every store key).
        self.model_id = hashlib.sha256(
            (d / "model.onnx").read_bytes() + (d / "tokenizer.json").read_bytes()
        ).hexdigest()[:16]
        self._memo: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self.dim = int(self._embed("dimension probe").shape[0])

    def _embed(self, text: str) -> np.ndarray:
        enc = self._tokenizer.encode(text)
        ids = np.asarray([enc.ids], dtype=np.int64)
        mask = np.ones_like(ids)
        hidden = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        v = hidden[0].mean(axis=0)
        norm = float(np.linalg.norm(v))
        return (v / norm if norm > 0 else v).astype(np.float16)

    def key(self, text: str) -> str:
        """Store key of ``text``'s embedding under this model (hex SHA-256 of model id and text)."""
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()

    def _remember(self, text: str, v: np.ndarray) -> None:
        with self._lock:
            if len(self._memo) >= self.cache_size:
                for old in list(self._memo)[: max(1, self.cache_size // 10)]:
                    self._memo.pop(old, None)
            self._memo[text] = v

    def embed(self, text: str) -> np.ndarray:
        """The L2-normalised embedding of ``text`` (float16, memoised: the same text always gives the same vector)."""
        v = self._memo.get(text)
        if v is None:
            v = self._embed(text)
            self._remember(text, v)
        return v

    def similarities(self, query: str, texts: Sequence[str | None]) -> list[float | None]:
        """Cosine similarity (clipped at 0) of ``query`` to each text; None where a text is None."""
        known = [i for i, t in enumerate(texts) if t is not None]
        out: list[float | None] = [None] * len(texts)
        if known:
            q = self.embed(query).astype(np.float32)
            m = np.stack([self.embed(texts[i]) for i in known]).astype(np.float32)  # type: ignore[arg-type]
            for i, v in zip(known, np.maximum(m @ q, 0.0).tolist(), strict=True):
                out[i] = v
        return out

    def cached(self, text: str) -> bool:
        """Whether ``text`` is already embedded."""
        return text in self._memo

    def warm(
        self,
        texts: Iterable[str | None],
        *,
        stop: threading.Event | None = None,
        store: EmbeddingStore | None = None,
        batch: int = 256,
    ) -> int:
        """Embed ``texts`` ahead of queries; returns how many were computed.

        With ``store``, vectors stored there are loaded instead of computed,
        and computed ones are saved (``batch`` texts per round trip). Stops
        when the memo is full (``cache_size``) or ``stop`` is set.
        """
        done = 0
        keep = store if store is not None else _NO_STORE
        todo = (t for t in texts if t is not None and t not in self._memo)
        # stop at the memo's cap: going on would only evict what this pass just embedded, and the
        # next pass would load or embed it again
        while len(self._memo) < self.cache_size and (chunk := list(dict.fromkeys(itertools.islice(todo, batch)))):
            keys = [self.key(t) for t in chunk]
            stored = keep.load(keys)
            fresh: list[tuple[str, bytes]] = []
            for key, t in zip(keys, chunk, strict=True):
                if stop is not None and stop.is_set():
                    break
                raw = stored.get(key)
                if raw is not None and len(raw) == 2 * self.dim:
                    self._remember(t, np.frombuffer(raw, dtype=np.float16).copy())
                elif t not in self._memo:
                    fresh.append((key, self.embed(t).tobytes()))
            done += len(fresh)
            keep.save(fresh)
            if stop is not None and stop.is_set():
                break
        return done

    def __len__(self) -> int:
        return len(self._memo)


class _NoStore:
    """The store of a warm-up without one: nothing stored, nothing kept."""

    def load(self, keys: Sequence[str]) -> Mapping[str, bytes]:
        return {}

    def save(self, items: Sequence[tuple[str, bytes]]) -> None:
        pass


_NO_STORE = _NoStore()

_default: SemanticModel | None = None
_default_lock = threading.Lock()


def load_default() -> SemanticModel | None:
    """The shipped model, loaded once per process; None if it or ONNX Runtime is missing."""
    global _default
    with _default_lock:
        if _default is None:
            if not (DEFAULT_DIR / "model.onnx").is_file():
                return None
            try:
                _default = SemanticModel(DEFAULT_DIR)
            except ImportError:
                return None
        return _default
