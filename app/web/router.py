"""The two pages and their static assets (ECharts bundled; no network at run time).

The pages are static HTML; their scripts call the JSON API with the token kept in
sessionStorage (a login form appears when the API answers 401). ``?lang=en`` switches labels.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(str(resources.files("app.web")))
router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(WEB_DIR / "pages" / name, media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.get("/", summary="Portal: search demands and browse their matches")
def portal() -> FileResponse:
    return _page("portal.html")


@router.get("/dashboard", summary="Data cockpit (数据驾驶舱)")
def dashboard() -> FileResponse:
    return _page("dashboard.html")


def mount_web(app: FastAPI) -> None:
    """Add the pages and ``/static`` to the application."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
