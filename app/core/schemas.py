"""Base classes for request and response schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

#: Fields a client may echo back from a GET response; ignored on input.
READ_ONLY_FIELDS = frozenset({"id", "created_at", "updated_at"})


class InputModel(BaseModel):
    """Request body: unknown fields are errors (they are usually typos), read-only ones are ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in READ_ONLY_FIELDS}
        return data


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime
    updated_at: datetime


def field_value_error(field: str, message: str) -> PydanticCustomError:
    """A cross-field ``value_error`` that names ``field`` (see ``errors.pydantic_errors``)."""
    return PydanticCustomError("value_error", "{message}", {"field": field, "message": message})


def check_order(low: Any, high: Any, low_name: str, high_name: str) -> None:
    """Raise an error on ``low_name`` when both bounds are set and ``low > high``."""
    if low is not None and high is not None and low > high:
        raise field_value_error(low_name, f"{low_name} must not be greater than {high_name}")


def check_dates(valid_from: date | None, valid_until: date | None) -> None:
    check_order(valid_from, valid_until, "valid_from", "valid_until")
