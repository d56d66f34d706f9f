"""Text normalisation and tokenisation for Chinese, English and mixed text.

The pipeline is ``normalize`` (NFKC, case folding, control/emoji removal,
punctuation to spaces) followed by ``tokenize``:

* runs of CJK characters are segmented with a private, lazily initialised
  ``jieba.Tokenizer`` (words of two or more characters) **and** cut into
  character bigrams, so an unseen compound still shares terms with its parts;
* Latin/digit runs become word tokens, stop words are dropped and a small
  suffix stemmer (:func:`stem`) folds inflections;
* synonym/alias expansion (:mod:`matching.synonyms`) is applied to the
  normalised text before tokenising.

All functions are pure and deterministic.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable

__all__ = [
    "normalize",
    "tokenize",
    "stem",
    "EN_STOP_WORDS",
    "ZH_STOP_WORDS",
    "is_cjk",
    "load_segmenter",
    "segmenter_version",
]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:[+#]+|\.net)?")
_CJK_RE = re.compile(rf"[{_CJK}]")
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "So", "Sk", "Me", "Mn"})

_EN_STOP = """a about above after again all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each etc few for from further had has have
    having he her here hers him his how i if in into is it its itself just may me might more most must my
    no nor not of off on once only or other others our ours out over own per same shall she should so some
    such than that the their theirs them then there these they this those through to too under until up
    upon us very via was we were what when where which while who whom why will with within without would
    you your yours include includes including related relate various e g ie i.e such"""
EN_STOP_WORDS = frozenset(_EN_STOP.split())
_ZH_STOP = """的 了 和 与 及 或 等 在 对 为 是 有 并 以 中 其 之 于 从 把 被 将 由 所 也 又 而 且 就 都 各 该 此 这 那
    进行 以及 或者 相关 有关 具有 能够 可以 一定 主要 包括 通过 其他 一个 一些 工作 方面 能力 掌握 熟悉 了解 负责"""
ZH_STOP_WORDS = frozenset(_ZH_STOP.split())

_jieba_lock = threading.Lock()
_jieba_tokenizer = None


def _get_jieba():  # type: ignore[no-untyped-def]
    """Return a private ``jieba.Tokenizer``, initialised once, silently."""
    global _jieba_tokenizer
    if _jieba_tokenizer is None:
        with _jieba_lock:
            if _jieba_tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                _jieba_tokenizer = tok
    return _jieba_tokenizer


def load_segmenter() -> None:
    """Load jieba's dictionary now (about 1 s, once per process) rather than on the first text."""
    _get_jieba()


def segmenter_version() -> str:
    """Versions the tokens depend on outside this package: jieba's and Python's Unicode data (NFKC)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        jieba_version = version("jieba")
    except PackageNotFoundError:  # pragma: no cover - a vendored copy
        jieba_version = "unknown"
    return f"jieba-{jieba_version}+unicode-{unicodedata.unidata_version}"


def is_cjk(ch: str) -> bool:
    """Return True if ``ch`` is a CJK ideograph."""
    return bool(_CJK_RE.match(ch))


def normalize(text: str | None) -> str:
    """Normalise ``text`` for matching.

    Applies Unicode NFKC (full-width to half-width), case folding, drops
    control characters, emoji and other symbols, turns punctuation into
    spaces (``+``, ``#`` and ``.`` are kept for ``c++``, ``c#``, ``.net``)
    and collapses whitespace.

    Parameters
    ----------
    text : str or None
        Raw text.

    Returns
    -------
    str
        Normalised text; ``""`` for ``None`` or empty input.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_CHAR_MAP)
    if "." in text:
        # keep '.' only inside tokens such as ".net"; elsewhere it is punctuation
        text = _DOT_RE.sub(" ", text)
    return " ".join(text.split())


class _CharMap(dict):  # type: ignore[type-arg]
    """``str.translate`` table filled lazily per code point (C-speed after first sight)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        cat = unicodedata.category(ch)
        if ch in "+#.":
            out = ch
        elif cat in _DROP_CATEGORIES or cat[0] in "PZS":
            out = " "
        else:
            out = ch
        if len(self) < 200_000:
            self[code] = out
        return out


_CHAR_MAP = _CharMap()
_DOT_RE = re.compile(r"\.(?!net(?![a-z]))")


_STEM_RULES: tuple[tuple[str, str, int], ...] = (
    # (suffix, replacement, minimal stem length left)
    ("ational", "ate", 3),
    ("ization", "ize", 3),
    ("isation", "ize", 3),
    ("fulness", "ful", 3),
    ("iveness", "ive", 3),
    ("ousness", "ous", 3),
    ("ements", "", 4),
    ("ement", "", 4),
    ("ments", "", 4),
    ("ment", "", 4),
    ("ities", "", 4),
    ("ity", "", 4),
    ("ations", "ate", 3),
    ("ation", "ate", 3),
    ("ators", "ate", 3),
    ("ator", "ate", 3),
    ("ically", "ic", 3),
    ("ical", "ic", 3),
    ("ness", "", 4),
    ("ings", "", 4),
    ("ing", "", 4),
    ("iers", "y", 3),
    ("ies", "y", 3),
    ("ied", "y", 3),
    ("ers", "", 4),
    ("er", "", 4),
    ("ors", "", 4),
    ("or", "", 4),
    ("ists", "", 4),
    ("ist", "", 4),
    ("isms", "", 4),
    ("ism", "", 4),
    ("ally", "al", 3),
    ("ly", "", 4),
    ("edly", "", 4),
    ("ed", "", 4),
    ("ses", "s", 3),
    ("xes", "x", 3),
    ("ches", "ch", 3),
    ("shes", "sh", 3),
    ("es", "e", 4),
    ("s", "", 3),
)


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Fold an English word to a light stem.

    A small, deterministic suffix stripper (first matching rule wins, the
    stem keeps a minimal length, a trailing ``e`` is dropped and a doubled
    final consonant is undoubled), so that *manage*, *manager*,
    *management* and *managing* share the stem ``manag``.

    Parameters
    ----------
    word : str
        Lower-case ASCII word.

    Returns
    -------
    str
        The stem; words of three letters or fewer and words containing
        digits are returned unchanged.
    """
    if len(word) <= 3 or not word.isalpha() or word.endswith("ss") or word.endswith("us"):
        return word
    for pass_no in range(2):  # two passes: engineering -> engineer -> engine
        for suffix, repl, min_len in _STEM_RULES:
            if pass_no and suffix == "s":
                continue
            if word.endswith(suffix) and len(word) - len(suffix) >= min_len:
                word = word[: len(word) - len(suffix)] + repl
                break
        else:
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def _cjk_tokens(run: str, *, words: bool) -> tuple[str, ...]:
    """Tokens of one CJK run (cached: clauses and phrases repeat across records)."""
    toks: list[str] = []
    if words and len(run) > 2:
        for w in _get_jieba().cut(run, HMM=False):
            if len(w) > 2 and w not in ZH_STOP_WORDS:
                toks.append(w)
    if len(run) == 1:
        if run not in ZH_STOP_WORDS:
            toks.append(run)
        return tuple(toks)
    for i in range(len(run) - 1):
        bg = run[i : i + 2]
        if bg not in ZH_STOP_WORDS:
            toks.append(bg)
    return tuple(toks)


def tokenize(text: str | None, *, normalized: bool = False, cjk_words: bool = True) -> list[str]:
    """Split text into index terms.

    Parameters
    ----------
    text : str or None
        Input text (raw unless ``normalized=True``).
    normalized : bool, default False
        Set when ``text`` already went through :func:`normalize`.
    cjk_words : bool, default True
        Also emit jieba words of three or more characters for CJK runs
        (character bigrams are always emitted; two-character words are
        bigrams already).

    Returns
    -------
    list of str
        Terms in text order; empty for empty input.
    """
    if not normalized:
        text = normalize(text)
    if not text:
        return []
    out: list[str] = []
    for run in _RUN_RE.findall(text):
        if run[0] >= "\u3400":  # a CJK run (Latin runs start with [a-z0-9])
            out.extend(_cjk_tokens(run, words=cjk_words))
        else:
            term = _latin_term(run)
            if term is not None:
                out.append(term)
    return out


@functools.lru_cache(maxsize=200_000)
def _latin_term(run: str) -> str | None:
    """Index term of one Latin/digit run, None for a stop word or a single letter (cached)."""
    if run in EN_STOP_WORDS or (len(run) == 1 and run.isalpha()):
        return None
    return stem(run)


def join_tokens(tokens: Iterable[str]) -> str:
    """Serialise tokens to one space-separated string (tokens never contain spaces)."""
    return " ".join(tokens)
