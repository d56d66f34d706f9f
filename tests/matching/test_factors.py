"""Skill coverage: one query's list against many candidates gives what each pair gives alone."""

from __future__ import annotations

import pytest

from matching.factors import skill_coverage, skill_coverage_many

DEMAND = ["PLC编程", "数控车床", "Python", "ＣＡＤ制图"]
CANDIDATES = [
    ["PLC 编程", "数控车床操作", "CAD制图"],
    ["python", "数据分析"],
    [],
    ["焊接"],
    ["PLC 编程", "数控车床操作", "CAD制图"],  # repeats the first
    ["cad制图", "CAD制图"],  # two names equal after normalisation
]


@pytest.mark.parametrize("fixed_is_demand", [True, False])
@pytest.mark.parametrize("fixed", [DEMAND, [], ["Python"]])
def test_many_equals_each_pair(fixed: list[str], fixed_is_demand: bool) -> None:
    got = skill_coverage_many(fixed, CANDIDATES, fixed_is_demand=fixed_is_demand, threshold=85.0)
    for other, result in zip(CANDIDATES, got, strict=True):
        pair = (fixed, other) if fixed_is_demand else (other, fixed)
        assert result == skill_coverage(*pair, threshold=85.0)


def test_coverage_values() -> None:
    value, fired, missing = skill_coverage(DEMAND, CANDIDATES[0], threshold=85.0)
    assert missing == ["Python"]
    assert [(d, s) for d, s, _ in fired] == [
        ("PLC编程", "PLC 编程"),
        ("数控车床", "数控车床操作"),
        ("ＣＡＤ制图", "CAD制图"),
    ]
    assert fired[2][2] == 1.0  # full-width and case fold to the same name
    assert value == pytest.approx(sum(x for _, _, x in fired) / 4, abs=1e-4)
    assert skill_coverage(DEMAND, [], threshold=85.0) == (None, [], DEMAND)
    assert skill_coverage([], CANDIDATES[0], threshold=85.0) == (None, [], [])
