"""Logging set-up: one JSON object per line (or plain text), level and format from settings.

Every record carries the id of the request being served (``request_id``), taken from a context
variable that :class:`app.core.middleware.RequestIdMiddleware` sets. The access log is written by
:class:`app.observability.access.AccessLogMiddleware`; uvicorn's own access log is switched off
so each request is logged once, without its query string. Never log bodies, credentials or
personal data: the JSON formatter only copies the whitelisted ``extra`` fields below.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
#: Fields a log call may add through ``extra=`` (anything else is dropped from JSON output).
EXTRA_FIELDS = ("method", "path", "route", "status", "duration_ms", "event")

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Put the current request id (or ``-``) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", ...}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id and request_id != "-":
            out["request_id"] = request_id
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: str, fmt: str = "text") -> None:
    """Install one handler on the root logger (idempotent) and route uvicorn's loggers through it."""
    root = logging.getLogger()
    formatter: logging.Formatter = JsonFormatter() if fmt == "json" else logging.Formatter(_TEXT_FORMAT)
    ours = [h for h in root.handlers if getattr(h, "_talentmatch", False)]
    if ours:
        handler = ours[0]
    else:
        handler = logging.StreamHandler()
        handler._talentmatch = True  # type: ignore[attr-defined]
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(formatter)
    root.setLevel(level)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    # uvicorn's error log goes through our handler; its access log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
    access.disabled = True
