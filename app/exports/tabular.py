"""Streamed CSV and XLSX writers with spreadsheet formula injection neutralised.

A cell whose text starts with ``= + - @``, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (CSV injection). Such cells are prefixed with an apostrophe,
which spreadsheets show as text; numbers are written as numbers and never prefixed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ROWS_PER_CHUNK = 500
_FILE_CHUNK = 64 * 1024


def neutralise(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with ``'``."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell_value(value: Any) -> str | int | float:
    """One value as a cell: lists joined with ``;`` (as the bulk CSV import reads them), text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return neutralise(str(value))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel reads Chinese correctly), yielded every few hundred rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, 1):
        writer.writerow([cell_value(v) for v in row])
        if n % _ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    v = cell_value(value)
    return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v


def xlsx_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "export") -> Iterator[bytes]:
    """An XLSX workbook written row by row (openpyxl write-only mode) to a temp file, then streamed."""
    fd, path = tempfile.mkstemp(suffix=".xlsx", prefix="talentmatch-export-")
    os.close(fd)
    try:
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title=sheet[:31])
        worksheet.append([_xlsx_cell(h) for h in header])
        for row in rows:
            worksheet.append([_xlsx_cell(v) for v in row])
        workbook.save(path)
        with open(path, "rb") as fh:
            while chunk := fh.read(_FILE_CHUNK):
                yield chunk
    finally:
        os.unlink(path)
