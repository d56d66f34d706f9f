"""Synonym / alias dictionary.

The shipped dictionary is ``matching/data/synonyms.txt``; operators can add
their own files in the same format (see that file's header). Expansion works
on normalised text: every alias found in the text appends its canonical
name (``=`` groups) or the other members (``~`` groups), so a record saying
``汽修`` and a query saying ``汽车维修`` share terms.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .text import normalize

__all__ = ["SynonymTable", "load_synonyms", "default_synonyms"]

_ASCII_WORD = re.compile(r"^[a-z0-9+#. ]+$")
_LATIN_RUN = re.compile(r"[a-z0-9+#.]+")


@dataclass(frozen=True)
class SynonymTable:
    """Immutable alias → expansions mapping with a compiled matcher.

    Parameters
    ----------
    mapping : tuple of (alias, expansions) pairs
        Normalised alias and the normalised strings it expands to.
    """

    mapping: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        words: dict[str, str] = {}  # pure Latin aliases, matched as whole word sequences
        first: dict[str, list[str]] = {}  # other aliases, found by their first character
        for a, _ in self.mapping:
            if _ASCII_WORD.match(a):
                words[a] = a
            else:
                first.setdefault(a[0], []).append(a)
        for v in first.values():
            v.sort(key=lambda a: (-len(a), a))
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_max_words", max((a.count(" ") + 1 for a in words), default=0))
        # every word prefix of a Latin alias: a phrase that is not one cannot grow into an alias
        prefixes = {" ".join(a.split(" ")[:k]) for a in words for k in range(1, a.count(" ") + 2)}
        object.__setattr__(self, "_word_prefixes", frozenset(prefixes))
        object.__setattr__(self, "_first", first)
        # jump straight to the characters an alias can start with (instead of visiting every character)
        starts = re.compile("[" + "".join(re.escape(c) for c in sorted(first)) + "]") if first else None
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_map", dict(self.mapping))

    def _find(self, text: str) -> set[str]:
        found: set[str] = set()
        first: dict[str, list[str]] = self._first  # type: ignore[attr-defined]
        if first:
            for m in self._starts.finditer(text):  # type: ignore[attr-defined]
                i, ch = m.start(), m.group(0)
                cands = first[ch]
                if ch.isascii() and ch.isalnum() and i and text[i - 1].isascii() and text[i - 1].isalnum():
                    continue
                for a in cands:
                    if text.startswith(a, i):
                        end = i + len(a)
                        last = a[-1]
                        if (
                            last.isascii()
                            and last.isalnum()
                            and end < len(text)
                            and text[end].isascii()
                            and text[end].isalnum()
                        ):
                            continue
                        found.add(a)
                        break
        words: dict[str, str] = self._words  # type: ignore[attr-defined]
        if words:
            runs = list(_LATIN_RUN.finditer(text))
            max_n: int = self._max_words  # type: ignore[attr-defined]
            prefixes: frozenset[str] = self._word_prefixes  # type: ignore[attr-defined]
            for i in range(len(runs)):
                phrase = runs[i].group(0)
                if phrase not in prefixes:
                    continue
                if phrase in words:
                    found.add(phrase)
                for j in range(i + 1, min(i + max_n, len(runs))):
                    if text[runs[j - 1].end() : runs[j].start()] != " ":
                        break
                    phrase = phrase + " " + runs[j].group(0)
                    if phrase not in prefixes:
                        break
                    if phrase in words:
                        found.add(phrase)
        return found

    def __len__(self) -> int:
        return len(self.mapping)

    def fingerprint(self) -> str:
        """A short digest of the entries: two tables expand text alike exactly when it is equal."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            h = hashlib.sha256()
            for alias, targets in self.mapping:
                h.update(alias.encode() + b"\x1e" + "\x1f".join(targets).encode() + b"\x1d")
            cached = h.hexdigest()[:16]
            object.__setattr__(self, "_fingerprint", cached)
        return cached

    def expand(self, normalized_text: str) -> tuple[str, tuple[str, ...]]:
        """Return ``(text + expansions, applied)`` for already normalised text.

        ``applied`` lists ``"alias→expansion"`` strings, sorted, for explanations.
        """
        if not self.mapping or not normalized_text:
            return normalized_text, ()
        found = sorted(self._find(normalized_text))
        if not found:
            return normalized_text, ()
        extra: list[str] = []
        applied: list[str] = []
        for alias in found:
            for target in self._map[alias]:  # type: ignore[attr-defined]
                extra.append(target)
                applied.append(f"{alias}→{target}")
        return normalized_text + " " + " ".join(extra), tuple(sorted(set(applied)))

    def merged(self, other: SynonymTable) -> SynonymTable:
        """A new table with ``other``'s entries added (expansions are unioned)."""
        acc: dict[str, set[str]] = {a: set(e) for a, e in self.mapping}
        for a, e in other.mapping:
            acc.setdefault(a, set()).update(e)
        return SynonymTable(tuple(sorted((a, tuple(sorted(e))) for a, e in acc.items())))


def parse_synonyms(lines: Iterable[str]) -> SynonymTable:
    """Parse the dictionary format (see ``matching/data/synonyms.txt``)."""
    acc: dict[str, set[str]] = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if "=" in line:
            canon_raw, aliases_raw = line.split("=", 1)
            canon = normalize(canon_raw)
            for a in aliases_raw.split(","):
                alias = normalize(a)
                if alias and canon and alias != canon:
                    acc.setdefault(alias, set()).add(canon)
        elif "~" in line:
            members = [normalize(m) for m in line.split("~")]
            members = [m for m in members if m]
            for m in members:
                acc.setdefault(m, set()).update(x for x in members if x != m)
        else:
            raise ValueError(f"synonym line has neither '=' nor '~': {raw!r}")
    return SynonymTable(tuple(sorted((a, tuple(sorted(e))) for a, e in acc.items())))


def load_synonyms(path: str | Path) -> SynonymTable:
    """Load an operator's synonym file (UTF-8, same format as the shipped one)."""
    with open(path, encoding="utf-8") as f:
        return parse_synonyms(f)


_DEFAULT: SynonymTable | None = None


def default_synonyms() -> SynonymTable:
    """The dictionary shipped in ``matching/data/synonyms.txt`` (parsed once)."""
    global _DEFAULT
    if _DEFAULT is None:
        text = resources.files("matching").joinpath("data/synonyms.txt").read_text(encoding="utf-8")
        _DEFAULT = parse_synonyms(text.splitlines())
    return _DEFAULT
