"""A small fixed world with hand-computed expected numbers (see each test's comments).

Year 2025 (and 2024 for history), Chongqing: 合川 500117 and 渝北 500112.

Demands (headcount, majors → mapping):
  D1 E1 2025 30  电气自动化技术            → 460306 (wanted)
  D2 E1 2025 10  460306, 机电一体化技术     → 460306 5 + 460301 5 (wanted)
  D3 E2 2025  9  (none), industry nev      → 4607 3 + 5002 3 + 510107 3 (classified)
  D4 E2 2025 100 draft                     → not counted
  D5 E2 2024 12  新能源汽车技术             → 460702 (wanted)
Cohorts (graduates / available):
  P1 S1 460306 smart_mfg 合川 enr 120: 2024 90/10, 2025 100/20
  P2 S2 460702 nev,smart_mfg 渝北 enr 80: 2024 30/5, 2025 40/30
  P3 S2 460301 smart_mfg 渝北 enr 50 closed: 2025 10/6
"""

from __future__ import annotations

from typing import Any

import pytest
from factories import make_cohort, make_demand, make_org, make_program, make_school


@pytest.fixture(autouse=True)
def _keyword_mapping_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact numbers here assume the keyword classifier: keep the match index (built in the
    background, so ready at a random moment) out of it, except in the engine-mapping tests."""
    if not request.module.__name__.endswith("test_engine_mapping"):
        monkeypatch.setattr("app.analytics.router.engine_matcher", lambda session, index, **kw: None)


@pytest.fixture
def world(client: Any) -> dict[str, Any]:
    e1 = make_org(client, region_code="500117", industry="smart_mfg")
    e2 = make_org(client, region_code="500112", industry="nev")
    s1 = make_school(client, region_code="500117")
    s2 = make_school(client, region_code="500112")
    common = {"education_level": "higher_vocational"}
    d = {
        "d1": make_demand(client, e1["id"], majors=["电气自动化技术"], headcount=30, region_code="500117",
                          industry="smart_mfg", valid_from="2025-03-01", **common),
        "d2": make_demand(client, e1["id"], majors=["460306", "机电一体化技术"], headcount=10,
                          region_code="500117", industry="smart_mfg", valid_from="2025-06-01", **common),
        "d3": make_demand(client, e2["id"], title="电池装配工", majors=[], headcount=9, region_code="500112",
                          industry="nev", valid_from="2025-01-15", **common),
        "d4": make_demand(client, e2["id"], majors=["新能源汽车技术"], headcount=100, region_code="500112",
                          industry="nev", valid_from="2025-02-01", status="draft", **common),
        "d5": make_demand(client, e2["id"], majors=["新能源汽车技术"], headcount=12, region_code="500112",
                          industry="nev", valid_from="2024-05-01", **common),
    }
    p1 = make_program(client, s1["id"], major_code="460306", name="电气自动化技术", annual_enrollment=120,
                      region_code="500117", industries=["smart_mfg"])
    p2 = make_program(client, s2["id"], major_code="460702", name="新能源汽车技术", annual_enrollment=80,
                      region_code="500112", industries=["nev", "smart_mfg"])
    p3 = make_program(client, s2["id"], major_code="460301", name="机电一体化技术", annual_enrollment=50,
                      region_code="500112", industries=["smart_mfg"], status="closed")
    cohorts = {
        "p1_2024": make_cohort(client, p1["id"], graduation_year=2024, graduates=90, available=10),
        "p1_2025": make_cohort(client, p1["id"], graduation_year=2025, graduates=100, available=20),
        "p2_2024": make_cohort(client, p2["id"], graduation_year=2024, graduates=30, available=5),
        "p2_2025": make_cohort(client, p2["id"], graduation_year=2025, graduates=40, available=30),
        "p3_2025": make_cohort(client, p3["id"], graduation_year=2025, graduates=10, available=6),
    }
    return {"e1": e1, "e2": e2, "s1": s1, "s2": s2, "p1": p1, "p2": p2, "p3": p3, **d, **cohorts}
