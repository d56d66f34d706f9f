"""ASGI application: ``app.main:app``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api.router import api_router
from app.core.body_limit import BodySizeLimitMiddleware
from app.core.config import get_settings
from app.core.errors import register_exception_handlers
from app.core.logging import configure_logging
from app.core.middleware import RequestIdMiddleware, SecurityHeadersMiddleware
from app.core.openapi import install_problem_openapi
from app.core.ratelimit import RateLimiter
from app.db.session import get_sessionmaker
from app.health.router import router as health_router
from app.matches.index import MatchIndex
from app.observability.access import AccessLogMiddleware
from app.observability.router import router as metrics_router
from app.web.router import mount_web
from app.webhooks.worker import WebhookWorker

DESCRIPTION = """
人才供需对接平台 — talent supply-demand matching for industry-education consortia.

Enterprises publish job demands (岗位需求); schools publish programs (专业), graduate cohorts
and cooperation offers (校企合作). Every error is an RFC 9457 problem document.

**Authentication.** Send `Authorization: Bearer <token>` (an access token from
`POST /api/v1/auth/token`, an API key, or an access token of the configured OpenID Connect
provider) or `X-API-Key: <key>`. Click *Authorize* to try it here. Catalogs and health checks
are public. See docs/SECURITY.md for roles and tenant rules.
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    index = MatchIndex(get_sessionmaker())
    app.state.match_index = index
    index.start(poll_seconds=settings.match_index_poll_seconds, warm_semantic=settings.match_semantic_warm)
    # Webhooks: evaluate committed writes against subscriptions and deliver the outbox.
    worker = WebhookWorker(get_sessionmaker(), index, settings) if settings.webhook_workers_enabled else None
    app.state.webhook_worker = worker
    if worker is not None:
        worker.start()
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()
        index.stop()


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level, settings.effective_log_format)
    app = FastAPI(
        title="TalentMatch 人才供需对接平台",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    register_exception_handlers(app)
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "X-Upsert-Outcome"],
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Outermost: every response, errors included, carries the request id and security headers.
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.behind_https)
    # Inside the request id (so the access log line carries it), outside everything else.
    app.add_middleware(AccessLogMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(api_router)
    mount_web(app)
    install_problem_openapi(app)
    return app


app = create_app()
