"""The demo loader writes the generated data through the services, and a second run changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.cohorts.models import Cohort
from app.demands.models import Demand
from app.demo.generator import generate_demo
from app.demo.loader import database_is_empty, load_demo
from app.offers.models import CooperationOffer
from app.organizations.models import Organization
from app.programs.models import Program

TODAY = date(2026, 11, 22)


def _count(session: Any, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_load_twice(db_session: Any) -> None:
    data = generate_demo(TODAY)
    assert database_is_empty(db_session)
    first = load_demo(db_session, TODAY)
    expected = {
        Organization: len(data.organizations),
        Demand: len(data.demands),
        Program: len(data.programs),
        Cohort: len(data.cohorts),
        CooperationOffer: len(data.offers),
    }
    assert {m: _count(db_session, m) for m in expected} == expected
    assert first.changed == sum(expected.values())
    assert not database_is_empty(db_session)

    second = load_demo(db_session, TODAY)
    assert second.changed == 0
    assert {m: _count(db_session, m) for m in expected} == expected
