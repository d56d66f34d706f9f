"""Document the problem-details error responses in the OpenAPI schema.

FastAPI documents only the success response and a 422 with its own validation shape, but every
error here is an RFC 9457 problem document (``application/problem+json``, see
``app/core/errors.py``). This post-processes the generated schema once so that clients and
contract tests (schemathesis) see the responses the service really sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": ["string", "null"]},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "location": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                    "row": {"type": "integer"},
                },
            },
        },
    },
}

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid credentials",
    403: "Not allowed for this identity or tenant",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input (field errors in `errors`)",
    429: "Rate limit exceeded (see `Retry-After`)",
    503: "Not ready yet (the match index is being built)",
}
_WRITE = {"post", "put", "patch", "delete"}


def _codes(path: str, method: str) -> list[int]:
    if not path.startswith("/api/"):
        return []
    codes = [400, 401, 403, 404, 422, 429]
    if method in _WRITE:
        codes += [409, 413, 415]
    if "match" in path or "search" in path:
        codes.append(503)
    return codes


def add_problem_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the problem responses of every API operation (in place; returns ``schema``)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in _codes(path, method):
                key = str(code)
                existing = responses.get(key)
                if existing and code != 422:
                    existing.setdefault("content", {})["application/problem+json"] = {"schema": ref}
                    continue
                responses[key] = {"description": _DESCRIPTIONS[code],
                                  "content": {"application/problem+json": {"schema": ref}}}
    schemas = schema["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError"):
        if not any(unused in str(v) for k, v in schema.items() if k != "components"):
            schemas.pop(unused, None)
    return schema


def install_problem_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the schema with the problem responses added."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_problem_responses(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
