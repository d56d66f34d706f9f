"""Helpers shared by the analytics tests."""

from __future__ import annotations

from typing import Any


def by_key(body: dict[str, Any], field: str = "items") -> dict[Any, dict[str, Any]]:
    return {item["key"]: item for item in body[field]}
