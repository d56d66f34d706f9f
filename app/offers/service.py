"""Cooperation offer (校企合作) use cases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.core import records
from app.core.enums import OWNER_KINDS
from app.core.listing import apply_sort, json_list_contains, region_filter, text_contains
from app.core.pagination import PageParams, paginate
from app.offers.models import CooperationOffer
from app.offers.schemas import OfferBody, OfferCreate, OfferFilters

SPEC = records.RecordSpec(
    entity="cooperation_offer",
    model=CooperationOffer,
    body_schema=OfferBody,
    owner_kinds=OWNER_KINDS["cooperation_offer"],
    sortable=("created_at", "updated_at", "title", "kind", "capacity", "valid_from", "valid_until", "status"),
)


def create_offer(session: Session, body: OfferCreate, *, actor: Principal | None = None) -> CooperationOffer:
    return records.create_record(session, SPEC, body.model_dump(), actor=actor)


def get_offer(session: Session, offer_id: int, *, actor: Principal | None = None) -> CooperationOffer:
    return records.get_record(session, SPEC, offer_id, actor=actor)


def update_offer(
    session: Session, offer_id: int, patch: dict[str, Any], *, actor: Principal | None = None
) -> CooperationOffer:
    return records.update_record(session, SPEC, offer_id, patch, actor=actor)


def delete_offer(
    session: Session, offer_id: int, *, cascade: bool = False, actor: Principal | None = None
) -> None:
    records.delete_record(session, SPEC, offer_id, actor=actor)


def list_offers(
    session: Session, filters: OfferFilters, page: PageParams, *, actor: Principal | None = None
) -> tuple[Sequence[CooperationOffer], int]:
    stmt = records.tenancy.restrict_visible(select(CooperationOffer), SPEC, actor)
    f = filters
    m = CooperationOffer
    if f.organization_id is not None:
        stmt = stmt.where(m.organization_id == f.organization_id)
    if f.direction:
        stmt = stmt.where(m.direction == f.direction.value)
    if f.kind:
        stmt = stmt.where(m.kind == f.kind.value)
    if f.status:
        stmt = stmt.where(m.status == f.status.value)
    if f.region_code:
        stmt = stmt.where(region_filter(m.region_code, f.region_code))
    if f.skill:
        stmt = stmt.where(json_list_contains(m.skills, f.skill))
    if f.q:
        stmt = stmt.where(text_contains(m.title, m.description, needle=f.q))
    if f.active_on:
        stmt = stmt.where(
            or_(m.valid_from.is_(None), m.valid_from <= f.active_on),
            or_(m.valid_until.is_(None), m.valid_until >= f.active_on),
        )
    if f.updated_since:
        stmt = stmt.where(m.updated_at >= f.updated_since)
    stmt = apply_sort(stmt, m, f.sort, SPEC.sortable)
    return paginate(session, stmt, page)
