"""Webhook subscription endpoints (tenant-scoped: an organization sees and edits only its own)."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from app.api.deps import PageDep, SessionDep
from app.auth.deps import PrincipalDep
from app.core.pagination import Page
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryFilters,
    DeliveryRead,
    PingQueued,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionUpdate,
)

router = APIRouter(prefix="/webhooks/subscriptions", tags=["webhooks"])
SubscriptionId = Annotated[int, Path(ge=1)]


def _created(sub: Any, secret: str) -> SubscriptionCreated:
    return SubscriptionCreated.model_validate(
        SubscriptionRead.model_validate(sub).model_dump() | {"secret": secret}
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SubscriptionCreated,
             summary="Subscribe to matches or a saved search (the signing secret is shown once)")
def create(body: SubscriptionCreate, session: SessionDep, principal: PrincipalDep) -> Any:
    return _created(*service.create_subscription(session, body, actor=principal))


@router.get("", response_model=Page[SubscriptionRead], summary="Your organization's subscriptions")
def list_(
    page: PageDep, session: SessionDep, principal: PrincipalDep,
    organization_id: Annotated[int | None, Query(ge=1, description="Platform admins: one organization")] = None,
) -> Any:
    rows, total = service.list_subscriptions(session, page, actor=principal, organization_id=organization_id)
    return {"items": rows, "total": total, "limit": page.limit, "offset": page.offset}


@router.get("/{subscription_id}", response_model=SubscriptionRead, summary="Read a subscription")
def read(subscription_id: SubscriptionId, session: SessionDep, principal: PrincipalDep) -> Any:
    return service.get_subscription(session, subscription_id, actor=principal)


@router.patch("/{subscription_id}", response_model=SubscriptionRead, summary="Change a subscription (partial)")
def update(subscription_id: SubscriptionId, body: SubscriptionUpdate, session: SessionDep,
           principal: PrincipalDep) -> Any:
    patch = body.model_dump(exclude_unset=True)
    return service.update_subscription(session, subscription_id, patch, actor=principal)


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a subscription and its delivery log")
def delete(subscription_id: SubscriptionId, session: SessionDep, principal: PrincipalDep) -> Response:
    service.delete_subscription(session, subscription_id, actor=principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{subscription_id}/secret", response_model=SubscriptionCreated,
             summary="Rotate the signing secret (the new one is shown once)")
def rotate(subscription_id: SubscriptionId, session: SessionDep, principal: PrincipalDep) -> Any:
    return _created(*service.rotate_secret(session, subscription_id, actor=principal))


@router.post("/{subscription_id}/test", status_code=status.HTTP_202_ACCEPTED, response_model=PingQueued,
             summary="Queue a signed ping delivery (see the delivery log for the outcome)")
def test(subscription_id: SubscriptionId, session: SessionDep, principal: PrincipalDep) -> Any:
    return {"delivery_id": service.queue_ping(session, subscription_id, actor=principal), "status": "pending"}


@router.get("/{subscription_id}/deliveries", response_model=Page[DeliveryRead],
            summary="Delivery log: every event, its status, attempts and last error (newest first)")
def deliveries(
    subscription_id: SubscriptionId, filters: Annotated[DeliveryFilters, Query()], page: PageDep,
    session: SessionDep, principal: PrincipalDep,
) -> Any:
    rows, total = service.list_deliveries(session, subscription_id, filters, page, actor=principal)
    return {"items": rows, "total": total, "limit": page.limit, "offset": page.offset}
