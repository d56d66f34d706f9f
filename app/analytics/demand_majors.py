"""Keep the derived ``demand_major`` table in step with the demands (incremental or full)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.analytics.mapping import MajorMatcher, map_demand_to_majors
from app.analytics.models import DemandMajor
from app.db.base import utcnow
from app.demands.models import Demand

BATCH = 500


def _stale_ids(session: Session, limit: int) -> list[int]:
    """Demands without a mapping newer than their last change (an indexed anti-join)."""
    fresh = exists().where(DemandMajor.demand_id == Demand.id, DemandMajor.mapped_at >= Demand.updated_at)
    return list(session.scalars(select(Demand.id).where(~fresh).order_by(Demand.id).limit(limit)))


def _write(session: Session, demands: list[Demand], matcher: MajorMatcher | None) -> None:
    ids = [d.id for d in demands]
    session.execute(delete(DemandMajor).where(DemandMajor.demand_id.in_(ids)))
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for demand in demands:
        mapping = map_demand_to_majors(demand, matcher=matcher)
        rows.extend(
            {"demand_id": demand.id, "major_code": link.major_code, "category_code": link.category_code,
             "source": mapping.source, "weight": link.weight, "mapped_at": now}
            for link in mapping.links
        )
    if rows:
        session.execute(insert(DemandMajor), rows)


def refresh_demand_majors(session: Session, *, matcher: MajorMatcher | None = None, limit: int | None = None) -> int:
    """Map every demand created or changed since it was last mapped; commit per batch.

    Returns how many demands were (re)mapped. Safe to run concurrently: a batch that
    collides with another writer is rolled back and left for the next call.
    """
    done = 0
    while limit is None or done < limit:
        ids = _stale_ids(session, BATCH if limit is None else min(BATCH, limit - done))
        if not ids:
            break
        demands = list(session.scalars(select(Demand).where(Demand.id.in_(ids))))
        try:
            _write(session, demands, matcher)
            session.commit()
        except IntegrityError:
            session.rollback()
            break
        done += len(ids)
    return done


def rebuild_demand_majors(session: Session, *, matcher: MajorMatcher | None = None) -> int:
    """Drop and recompute every mapping (e.g. after the catalog or the matcher changed)."""
    session.execute(delete(DemandMajor))
    session.commit()
    return refresh_demand_majors(session, matcher=matcher)

