from fastapi import APIRouter

from app.api.crud import CrudService, add_crud_routes
from app.offers import service
from app.offers.schemas import OfferCreate, OfferFilters, OfferRead, OfferUpdate

router = APIRouter(prefix="/cooperation-offers", tags=["cooperation offers"])

add_crud_routes(
    router,
    name="cooperation offer",
    service=CrudService(
        create=service.create_offer,
        get=service.get_offer,
        update=service.update_offer,
        delete=service.delete_offer,
        list=service.list_offers,
    ),
    create_schema=OfferCreate,
    update_schema=OfferUpdate,
    read_schema=OfferRead,
    filters_schema=OfferFilters,
)
