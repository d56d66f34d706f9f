"""Human labels for analytics keys (Chinese by default, English with ``lang=en``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from app.catalog.service import load_catalog, majors_by_code, regions_by_code


@lru_cache
def _by_code(name: str) -> dict[str, dict[str, Any]]:
    return {str(e["code"]): e for e in load_catalog(name)}


UNCLASSIFIED = {"zh": "未分类", "en": "Unclassified"}


def _named(entry: dict[str, Any] | None, lang: str) -> str | None:
    if entry is None:
        return None
    if lang == "en" and entry.get("name_en"):
        return str(entry["name_en"])
    return str(entry["name"])


def label(dimension: str, key: str | None, lang: str = "zh") -> str:
    """The display name of one key of a dimension."""
    if key is None or key == "":
        return UNCLASSIFIED["en" if lang == "en" else "zh"]
    entry: dict[str, Any] | None = None
    if dimension == "industry":
        entry = _by_code("industries").get(key)
    elif dimension == "major":
        entry = majors_by_code().get(key)
    elif dimension == "major_category":
        entry = _category(key)
    elif dimension == "region":
        entry = regions_by_code().get(key)
    elif dimension == "education_level":
        entry = _by_code("education_levels").get(key)
    return _named(entry, lang) or key


def _category(code: str) -> dict[str, Any] | None:
    groups = _by_code("major_groups")
    if code in groups:
        return groups[code]
    parent = groups.get(code[:2])
    if parent is None:
        return None
    return {"name": f"{parent['name']} · {code}", "name_en": f"{parent.get('name_en', '')} · {code}"}
