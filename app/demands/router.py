from fastapi import APIRouter

from app.api.crud import CrudService, add_crud_routes
from app.api.sync import add_sync_routes
from app.demands import service
from app.demands.schemas import DemandCreate, DemandFilters, DemandRead, DemandUpdate, DemandUpsert

router = APIRouter(prefix="/demands", tags=["demands"])

# The sync routes first: "/external/..." and "/bulk" must not be read as "/{record_id}".
add_sync_routes(
    router, name="demand", spec=service.SPEC, upsert_schema=DemandUpsert, read_schema=DemandRead,
    upsert=service.upsert_demand,
)
add_crud_routes(
    router,
    name="demand",
    service=CrudService(
        create=service.create_demand,
        get=service.get_demand,
        update=service.update_demand,
        delete=service.delete_demand,
        list=service.list_demands,
    ),
    create_schema=DemandCreate,
    update_schema=DemandUpdate,
    read_schema=DemandRead,
    filters_schema=DemandFilters,
)
