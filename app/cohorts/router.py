from fastapi import APIRouter

from app.api.crud import CrudService, add_crud_routes
from app.cohorts import service
from app.cohorts.schemas import CohortCreate, CohortFilters, CohortRead, CohortUpdate

router = APIRouter(prefix="/cohorts", tags=["cohorts"])

add_crud_routes(
    router,
    name="cohort",
    service=CrudService(
        create=service.create_cohort,
        get=service.get_cohort,
        update=service.update_cohort,
        delete=service.delete_cohort,
        list=service.list_cohorts,
    ),
    create_schema=CohortCreate,
    update_schema=CohortUpdate,
    read_schema=CohortRead,
    filters_schema=CohortFilters,
)
