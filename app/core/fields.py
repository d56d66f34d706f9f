"""Reusable validated field types for request schemas."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_LIST_ITEMS = 200
MAX_LIST_ITEM = 200

# Characters that are invisible or control characters; stripped from short fields so that
# "Java\u200b开发" and "Java开发" are the same title. Long text keeps tabs and newlines.
_KEEP_IN_TEXT = {"\n", "\t"}


_ZWJ = "\u200d"
_EMOJI_PARTS = ("So", "Sk", "Mn", "Me")  # pictographs, modifiers, variation selectors, keycaps


def _joins_emoji(value: str, i: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👩‍💻) is part of the character, not noise."""
    return (0 < i < len(value) - 1 and unicodedata.category(value[i - 1]) in _EMOJI_PARTS
            and unicodedata.category(value[i + 1]) == "So")


def _clean(value: str, *, keep_newlines: bool) -> str:
    out = []
    for i, ch in enumerate(value):
        cat = unicodedata.category(ch)
        dropped = cat in ("Cc", "Cf", "Cs", "Co") and not (keep_newlines and ch in _KEEP_IN_TEXT)
        if dropped and not (ch == _ZWJ and _joins_emoji(value, i)):
            continue
        out.append(ch)
    return "".join(out).strip()


def _clean_short(value: Any) -> Any:
    return _clean(value, keep_newlines=False) if isinstance(value, str) else value


def _clean_text(value: Any) -> Any:
    return _clean(value, keep_newlines=True) if isinstance(value, str) else value


def _split_list(value: Any) -> Any:
    """Accept a list, or a string of items separated by ; ； | or newlines (CSV imports)."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        for sep in ("；", "|", "\n"):
            text = text.replace(sep, ";")
        return [part for part in text.split(";")]
    return value


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _text(min_length: int, max_length: int, *, keep_newlines: bool = False) -> Any:
    """A string type that is cleaned first, then length-checked with a plain message."""

    def check(value: str) -> str:
        value = _clean(value, keep_newlines=keep_newlines)
        if len(value) < min_length:
            raise PydanticCustomError(
                "string_too_short", "must not be empty" if min_length == 1 else f"needs at least {min_length} characters"
            )
        if len(value) > max_length:
            raise PydanticCustomError(
                "string_too_long", "is {length} characters long; at most {max} are allowed",
                {"length": len(value), "max": max_length},
            )
        return value

    schema: dict[str, Any] = {"maxLength": max_length}
    if min_length:
        schema["minLength"] = min_length
    return Annotated[str, AfterValidator(check), Field(json_schema_extra=schema)]


ShortText = _text(0, MAX_TITLE)
Title = _text(1, MAX_TITLE)
LongText = _text(0, MAX_TEXT, keep_newlines=True)
ListItem = _text(0, MAX_LIST_ITEM)
StrList = Annotated[
    list[ListItem],
    BeforeValidator(_split_list),
    Field(max_length=MAX_LIST_ITEMS),
    AfterValidator(_dedupe),
]
RegionCode = Annotated[
    str,
    BeforeValidator(lambda v: str(v).strip() if isinstance(v, int | str) else v),
    StringConstraints(pattern=r"^[1-9]\d{5}$"),
]
ExternalId = Annotated[
    str,
    BeforeValidator(_clean_short),
    StringConstraints(min_length=1, max_length=100, pattern=r"^[^/\\?#%]+$"),
]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Salary = Annotated[int, Field(ge=0, le=10_000_000)]


def _blank_to_none(value: str | None) -> str | None:
    return value or None


#: A short optional text where an empty (or whitespace-only) value means "not given".
OptionalShortText = Annotated[ShortText | None, AfterValidator(_blank_to_none)]
