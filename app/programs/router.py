from fastapi import APIRouter

from app.api.crud import CrudService, add_crud_routes
from app.api.sync import add_sync_routes
from app.programs import service
from app.programs.schemas import ProgramCreate, ProgramFilters, ProgramRead, ProgramUpdate, ProgramUpsert

router = APIRouter(prefix="/programs", tags=["programs"])

add_sync_routes(
    router, name="program", spec=service.SPEC, upsert_schema=ProgramUpsert, read_schema=ProgramRead,
    upsert=service.upsert_program,
)
add_crud_routes(
    router,
    name="program",
    service=CrudService(
        create=service.create_program,
        get=service.get_program,
        update=service.update_program,
        delete=service.delete_program,
        list=service.list_programs,
    ),
    create_schema=ProgramCreate,
    update_schema=ProgramUpdate,
    read_schema=ProgramRead,
    filters_schema=ProgramFilters,
    cascade_note="Refused with 409 while the program has cohorts, unless cascade=true.",
)
