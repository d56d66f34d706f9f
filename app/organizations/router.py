from fastapi import APIRouter

from app.api.crud import CrudService, add_crud_routes
from app.organizations import service
from app.organizations.schemas import (
    OrganizationCreate,
    OrganizationFilters,
    OrganizationRead,
    OrganizationUpdate,
)

router = APIRouter(prefix="/organizations", tags=["organizations"])

add_crud_routes(
    router,
    name="organization",
    service=CrudService(
        create=service.create_organization,
        get=service.get_organization,
        update=service.update_organization,
        delete=service.delete_organization,
        list=service.list_organizations,
    ),
    create_schema=OrganizationCreate,
    update_schema=OrganizationUpdate,
    read_schema=OrganizationRead,
    filters_schema=OrganizationFilters,
    cascade_note="Refused with 409 while the organization owns records, unless cascade=true.",
)
