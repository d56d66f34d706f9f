"""Read-only reference catalogs shipped as package data (``app/catalog/data/*.json``)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

CATALOGS = (
    "education_levels",
    "employment_types",
    "cooperation_kinds",
    "regions",
    "industries",
    "majors",
    "major_groups",
)


@lru_cache
def load_catalog(name: str) -> tuple[dict[str, Any], ...]:
    """All entries of one catalog, in file order."""
    if name not in CATALOGS:
        raise KeyError(name)
    path = resources.files("app.catalog") / "data" / f"{name}.json"
    if not path.is_file():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data)


@lru_cache
def _industry_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for entry in load_catalog("industries"):
        for key in (entry.get("code"), entry.get("name"), entry.get("name_en")):
            if key:
                aliases[str(key).casefold()] = entry["code"]
    return aliases


def normalise_industry(value: str | None) -> str | None:
    """Map an industry's catalog name (Chinese or English) to its slug; keep unknown values."""
    if value is None:
        return None
    return _industry_aliases().get(value.strip().casefold(), value.strip()) or None


def normalise_industries(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        slug = normalise_industry(value)
        if slug and slug not in out:
            out.append(slug)
    return out


@lru_cache
def majors_by_code() -> dict[str, dict[str, Any]]:
    return {m["code"]: m for m in load_catalog("majors")}


@lru_cache
def regions_by_code() -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in load_catalog("regions")}


def filter_entries(
    entries: tuple[dict[str, Any], ...], *, q: str | None = None, **equals: str | None
) -> list[dict[str, Any]]:
    """Entries whose fields equal the given values and whose name or code contains ``q``."""
    out = []
    needle = q.casefold() if q else None
    for entry in entries:
        if any(v is not None and str(entry.get(k)) != v for k, v in equals.items()):
            continue
        if needle and not any(
            needle in str(entry.get(k, "")).casefold() for k in ("code", "name", "name_en")
        ):
            continue
        out.append(entry)
    return out
