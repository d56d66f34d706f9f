"""Mount every domain router under ``/api/v1``."""

from fastapi import APIRouter

from app.analytics.router import router as analytics_router
from app.catalog.router import router as catalog_router
from app.cohorts.router import router as cohorts_router
from app.demands.router import router as demands_router
from app.offers.router import router as offers_router
from app.organizations.router import router as organizations_router
from app.placements.router import router as placements_router
from app.programs.router import router as programs_router

api_router = APIRouter(prefix="/api/v1")
for _router in (
    organizations_router,
    demands_router,
    programs_router,
    cohorts_router,
    offers_router,
    catalog_router,
    placements_router,
    analytics_router,
):
    api_router.include_router(_router)
