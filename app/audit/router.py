from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.api.deps import PageDep, SessionDep
from app.audit import service
from app.audit.schemas import AuditFilters, AuditRead
from app.auth.deps import PrincipalDep
from app.core.pagination import Page

router = APIRouter(prefix="/audit-log", tags=["audit"])


@router.get(
    "", response_model=Page[AuditRead], summary="Query the audit log (admins and planners)",
    description="Newest first. Organization admins see their organization's entries only. Read-only: "
    "there is no way to change or delete an entry through the API.",
)
def list_audit(
    filters: Annotated[AuditFilters, Query()], page: PageDep, session: SessionDep, principal: PrincipalDep
) -> Any:
    rows, total = service.list_audit(session, principal, filters, page)
    return {"items": [AuditRead.model_validate(r) for r in rows], "total": total, "limit": page.limit,
            "offset": page.offset}
