"""docs/client_example.py runs against the app in process, so the example cannot rot."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from factories import api_key_headers, make_org, make_program, make_school

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "client_example.py"


@pytest.fixture
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("client_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hr_system(mclient: Any, client_as: Any) -> Any:
    """A client with an API key of an enterprise (as the HR system would use), plus a fitting program."""
    org = make_org(mclient)
    make_program(mclient, make_school(mclient)["id"])
    hr = client_as("org_editor", org["id"])
    del hr.headers["Authorization"]
    hr.headers.update(api_key_headers(mclient, org["id"]))
    hr.organization_id = org["id"]
    deadline = time.monotonic() + 30
    while not hr.app.state.match_index.ready:  # in case this client started the app afresh
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return hr


def test_upsert_bulk_and_matches(example: ModuleType, hr_system: Any) -> None:
    assert example.sync_positions(hr_system, example.POSITIONS) == {"created": 2, "updated": 0, "unchanged": 0}
    assert example.sync_positions(hr_system, example.POSITIONS) == {"created": 0, "updated": 0, "unchanged": 2}
    changed = [{**example.POSITIONS[0], "headcount": 9}]
    assert example.sync_positions(hr_system, changed) == {"created": 0, "updated": 1, "unchanged": 0}

    more = [{**p, "external_id": p["external_id"] + "-B"} for p in example.POSITIONS]
    result = example.bulk_import_csv(hr_system, example.positions_csv(more))
    assert (result["total"], result["created"]) == (2, 2)

    demand_id = example.find_demand_id(hr_system, "HR-2026-001")
    demand = hr_system.get(f"/api/v1/demands/{demand_id}").json()
    assert demand["organization_id"] == hr_system.organization_id and demand["headcount"] == 9
    matches = example.read_matches(hr_system, demand_id, limit=5)
    assert matches[0]["kind"] in ("program", "cohort") and matches[0]["title"] == "电气自动化技术"


def test_run_end_to_end(example: ModuleType, hr_system: Any, capsys: Any) -> None:
    assert example.run(hr_system) == 0
    out = capsys.readouterr().out
    assert "upsert one by one: {'created': 2" in out and "bulk CSV: 2 created" in out
    assert "电气自动化技术" in out


def test_main_needs_credentials(example: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TALENTMATCH_API_KEY", "TALENTMATCH_USERNAME", "TALENTMATCH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit):
        example.main()
