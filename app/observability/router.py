"""``GET /metrics``: Prometheus exposition (outside the OpenAPI schema)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response

from app.core.config import get_settings
from app.core.errors import Unauthorized
from app.db.session import get_sessionmaker
from app.observability.metrics import render

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Open unless ``METRICS_TOKEN`` is set; then ``Authorization: Bearer <METRICS_TOKEN>`` is required."""
    token = get_settings().metrics_token.get_secret_value()
    if token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise Unauthorized("A metrics token is required")
    state = request.app.state
    body, content_type = render(
        getattr(state, "match_index", None), get_sessionmaker(), getattr(state, "webhook_worker", None)
    )
    return Response(body, media_type=content_type)
