"""Fixtures for the auth tests: a two-tenant world and settings overrides."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from factories import make_cohort, make_demand, make_offer, make_org, make_program, make_school


@pytest.fixture
def override_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """``override_settings(NAME=value, ...)``: environment overrides picked up by ``get_settings()``."""
    from app.core.config import get_settings

    def apply(**values: Any) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, str(value))
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def world(client: Any) -> SimpleNamespace:
    """Two enterprises and two schools, each owning one record of every kind."""
    ent_a, ent_b = make_org(client, code="ENT-A"), make_org(client, code="ENT-B")
    school_a, school_b = make_school(client, code="SCH-A"), make_school(client, code="SCH-B")
    program_a = make_program(client, school_a["id"], external_id="P-1")
    return SimpleNamespace(
        ent_a=ent_a, ent_b=ent_b, school_a=school_a, school_b=school_b,
        demand_a=make_demand(client, ent_a["id"], external_id="D-1"),
        program_a=program_a,
        cohort_a=make_cohort(client, program_a["id"]),
        offer_a=make_offer(client, ent_a["id"]),
    )
