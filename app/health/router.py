from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.db.session import get_engine, get_sessionmaker
from app.observability.hooks import webhook_status

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: the database is reachable, the match index is built, webhooks run")
def readyz(request: Request) -> Any:
    checks: dict[str, str] = {}
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    index = getattr(request.app.state, "match_index", None)
    details: dict[str, Any] = {}
    if index is not None:
        state = index.status()
        checks["match_index"] = "ok" if state["ready"] else (f"error: {state['error']}" if state["error"] else "building")
        details["match_index"] = state
    worker = getattr(request.app.state, "webhook_worker", None)
    webhooks = webhook_status(get_sessionmaker(), worker) if checks["database"] == "ok" else None
    if webhooks is not None:
        state = webhooks["worker_state"]
        if state == "error":
            checks["webhooks"] = f"error: {webhooks['error']}"
        elif state == "stopped":
            checks["webhooks"] = "error: worker stopped"
        else:  # delivering, or switched off in this process (another process delivers)
            checks["webhooks"] = "ok"
        details["webhooks"] = webhooks
    ready = all(v == "ok" for v in checks.values())
    body = {"status": "ready" if ready else "not_ready", "checks": checks, **details}
    return JSONResponse(body, status_code=200 if ready else 503)
