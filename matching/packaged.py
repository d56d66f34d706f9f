"""Reading data files shipped inside the package (``matching/data/``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from importlib import resources
from typing import TypeVar

__all__ = ["load_packaged"]

T = TypeVar("T")


def load_packaged(name: str, load: Callable[[io.BytesIO], T]) -> T | None:
    """``load`` applied to ``matching/data/<name>``, or None when the file is not shipped."""
    res = resources.files("matching").joinpath(f"data/{name}")
    return load(io.BytesIO(res.read_bytes())) if res.is_file() else None
