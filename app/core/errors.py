"""Error tree and the one JSON error shape (RFC 9457 problem details).

::

    AppError                 500
     ├── InvalidInput        422  (field errors in ``errors``)
     ├── Unauthorized        401  (``WWW-Authenticate: Bearer``)
     ├── Forbidden           403
     ├── NotFound            404
     ├── Conflict            409
     ├── PayloadTooLarge     413
     ├── UnsupportedMediaType 415
     └── TooManyRequests     429  (``Retry-After``)

Every error response, ours or the framework's, is ``application/problem+json`` with
``type``, ``title``, ``status``, ``detail``, ``instance`` and ``errors`` (a list of
``{"field", "location", "message", "code"}``; bulk imports add ``row``).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://talentmatch.example/problems/"


class AppError(Exception):
    status_code = 500
    title = "Internal server error"
    type_slug = "internal"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors or []
        self.headers = headers


class InvalidInput(AppError):
    status_code = 422
    title = "Invalid input"
    type_slug = "invalid-input"

    @classmethod
    def field(cls, field: str, message: str, *, code: str = "invalid", location: str = "body") -> InvalidInput:
        """An error about one field."""
        return cls(message, errors=[field_error(field, message, code=code, location=location)])


class Unauthorized(AppError):
    """Missing or invalid credentials; the response asks for a bearer token."""

    status_code = 401
    title = "Unauthorized"
    type_slug = "unauthorized"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail or "Authentication required", **kwargs)


class Forbidden(AppError):
    status_code = 403
    title = "Forbidden"
    type_slug = "forbidden"


class NotFound(AppError):
    status_code = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(AppError):
    status_code = 409
    title = "Conflict"
    type_slug = "conflict"


class IndexNotReady(AppError):
    status_code = 503
    title = "Service unavailable"
    type_slug = "index-not-ready"


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Payload too large"
    type_slug = "payload-too-large"


class UnsupportedMediaType(AppError):
    status_code = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


class TooManyRequests(AppError):
    status_code = 429
    title = "Too many requests"
    type_slug = "too-many-requests"

    def __init__(self, detail: str | None = None, *, retry_after: int = 1) -> None:
        super().__init__(detail or "Rate limit exceeded; retry later", headers={"Retry-After": str(retry_after)})


def field_error(field: str, message: str, *, code: str = "invalid", location: str = "body") -> dict[str, Any]:
    return {"field": field, "location": location, "message": message, "code": code}


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_slug: str,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "errors": errors or [],
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def pydantic_errors(raw: list[Any], *, default_location: str = "body") -> list[dict[str, Any]]:
    """Turn pydantic/FastAPI error dicts into our ``errors`` entries with dotted field paths."""
    out: list[dict[str, Any]] = []
    for err in raw:
        loc = list(err.get("loc", ()))
        location = default_location
        if loc and loc[0] in _LOCATIONS:
            location = str(loc.pop(0))
        field = ""
        for part in loc:
            if isinstance(part, int):
                field += f"[{part}]"
            else:
                field += ("." if field else "") + str(part)
        ctx = err.get("ctx") or {}
        if not field and isinstance(ctx.get("field"), str):
            field = ctx["field"]  # a model-level check about one field (core.schemas.field_value_error)
        message = str(err.get("msg", "invalid value"))
        message = message.removeprefix("Value error, ")
        out.append(field_error(field or location, message, code=str(err.get("type", "invalid")), location=location))
    return out


_STATUS_TITLES = {
    400: ("Bad request", "bad-request"),
    401: ("Unauthorized", "unauthorized"),
    403: ("Forbidden", "forbidden"),
    404: ("Not found", "not-found"),
    405: ("Method not allowed", "method-not-allowed"),
    406: ("Not acceptable", "not-acceptable"),
    409: ("Conflict", "conflict"),
    413: ("Payload too large", "payload-too-large"),
    415: ("Unsupported media type", "unsupported-media-type"),
    422: ("Invalid input", "invalid-input"),
    429: ("Too many requests", "too-many-requests"),
    503: ("Service unavailable", "unavailable"),
}


def _instance(request: Request) -> str:
    """The request path as received (``request.url`` re-parses it and cuts it at an encoded '?')."""
    return str(request.scope.get("path") or request.url.path)


def register_exception_handlers(app: FastAPI) -> None:
    """Map every error to the one problem-details shape."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem(
            exc.status_code, exc.title, exc.detail, type_slug=exc.type_slug,
            instance=_instance(request), errors=exc.errors, headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = pydantic_errors(list(exc.errors()))
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]) or "Invalid request"
        return problem(422, "Invalid input", detail, type_slug="invalid-input", instance=_instance(request), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title, slug = _STATUS_TITLES.get(exc.status_code, ("Error", "error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        return problem(
            exc.status_code, title, detail, type_slug=slug, instance=_instance(request),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
        # A number or string the database cannot store (e.g. an id beyond 64 bits): the request's fault.
        logger.info("value rejected by the database on %s %s: %s", request.method, request.url.path,
                    type(getattr(exc, "orig", exc)).__name__)
        return problem(422, "Invalid input", "A value is out of the range the service can store.",
                       type_slug="invalid-input", instance=_instance(request))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal server error", "An unexpected error occurred.", type_slug="internal",
                       instance=_instance(request))
