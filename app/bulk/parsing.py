"""Parse a bulk-import body (JSON array, JSON Lines or CSV) into numbered rows."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from app.core.errors import InvalidInput, UnsupportedMediaType, field_error

JSON_TYPES = {"application/json"}
JSONL_TYPES = {"application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json-lines"}
CSV_TYPES = {"text/csv", "application/csv"}
SUPPORTED = sorted(JSON_TYPES | JSONL_TYPES | CSV_TYPES)


@dataclass(frozen=True)
class Row:
    number: int  # 1-based record number in the batch
    data: dict[str, Any]


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def parse_rows(body: bytes, content_type: str | None, *, max_records: int) -> list[Row]:
    """Decode and split the body; raise 415 for unknown types and 422 for undecodable input."""
    kind = media_type(content_type)
    if kind not in JSON_TYPES | JSONL_TYPES | CSV_TYPES:
        raise UnsupportedMediaType(
            f"Content-Type {kind or '(none)'} is not supported; use one of: {', '.join(SUPPORTED)}"
        )
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput.field("body", f"body is not valid UTF-8 (byte {exc.start})") from None
    if kind in JSON_TYPES:
        rows = _json_array(text)
    elif kind in JSONL_TYPES:
        rows = _json_lines(text)
    else:
        rows = _csv(text)
    if not rows:
        raise InvalidInput.field("body", "the batch is empty")
    if len(rows) > max_records:
        raise InvalidInput.field("body", f"the batch has {len(rows)} records; at most {max_records} are allowed")
    bad = [r.number for r in rows if not isinstance(r.data, dict)]
    if bad:
        raise InvalidInput(
            "every record must be a JSON object",
            errors=[{"row": n, **field_error("", "expected a JSON object")} for n in bad[:100]],
        )
    return rows


def _json_array(text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput.field("body", f"invalid JSON: {exc}") from None
    if not isinstance(data, list):
        raise InvalidInput.field("body", "expected a JSON array of records")
    return [Row(i + 1, item) for i, item in enumerate(data)]


def _json_lines(text: str) -> list[Row]:
    rows: list[Row] = []
    errors = []
    number = 0
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        number += 1
        try:
            rows.append(Row(number, json.loads(line)))
        except (json.JSONDecodeError, RecursionError) as exc:
            errors.append({"row": number, "line": line_no, **field_error("", f"invalid JSON: {exc}")})
    if errors:
        raise InvalidInput(f"{len(errors)} line(s) are not valid JSON", errors=errors[:1000])
    return rows


def _csv(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        return []
    headers = [h.strip() for h in reader.fieldnames]
    if len(set(headers)) != len(headers):
        raise InvalidInput.field("body", "the CSV header repeats a column name")
    rows: list[Row] = []
    for number, raw in enumerate(reader, start=1):
        if None in raw:
            raise InvalidInput(
                f"CSV record {number} has more cells than the header",
                errors=[{"row": number, **field_error("", "more cells than header columns")}],
            )
        record = {}
        for header, value in zip(headers, raw.values(), strict=True):
            if value is None or value.strip() == "":
                continue  # empty cell = field not given (default applies)
            record[header] = value
        rows.append(Row(number, record))
    return rows
