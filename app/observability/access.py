"""Access log and HTTP metrics in one pure ASGI middleware.

One log line per request (``talentmatch.access``, INFO): method, path without the query string,
route template, status and duration. Headers, bodies and query strings are never logged, so
credentials and personal data stay out of the logs. Metrics are labelled by route template
(``/api/v1/demands/{record_id}``), never by raw path, so label cardinality stays bounded.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability.metrics import HTTP_LATENCY, HTTP_REQUESTS

logger = logging.getLogger("talentmatch.access")
UNMATCHED = "<unmatched>"


def route_template(scope: Scope) -> str:
    """The matched route's full template, router prefixes included (``<unmatched>`` for 404s).

    FastAPI leaves the innermost route in ``scope["route"]``, whose template lacks the prefixes
    of the routers that include it; the prefix is what the raw path has before that route's part.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not template:
        return UNMATCHED
    path: str = scope.get("path", "")
    params = scope.get("path_params") or {}
    rendered = template
    for name, value in params.items():
        rendered = rendered.replace("{" + name + "}", str(value))
    if path.endswith(rendered):
        return path[: len(path) - len(rendered)] + template
    return template


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            method = scope.get("method", "")
            route = route_template(scope)
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            HTTP_LATENCY.labels(method=method, route=route).observe(elapsed)
            logger.info(
                "%s %s %s", method, scope.get("path", ""), status,
                extra={"method": method, "path": scope.get("path", ""), "route": route, "status": status,
                       "duration_ms": round(elapsed * 1000, 2), "event": "access"},
            )
