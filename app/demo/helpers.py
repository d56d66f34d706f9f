"""Shared helpers for the demo generator: catalog lookups, codes, dates, salaries and posting texts."""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path

from app.demo import jobs, orgs

CATALOG = Path(__file__).resolve().parent.parent / "catalog" / "data"

# Industries whose postings grow / shrink over the last three years (drives trend charts).
GROWING = {"nev", "smart_mfg", "care", "electronics", "software", "energy"}
SHRINKING = {"construction", "modern_services", "food"}

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@cache
def catalog(name: str) -> dict[str, dict]:
    rows = json.loads((CATALOG / name).read_text(encoding="utf-8"))
    return {r["code"]: r for r in rows}


def uscc(rng: random.Random, dept: str, kind: str, region: str, used: set[str]) -> str:
    """A syntactically valid 18-char unified social credit code (GB 32100 check digits)."""
    while True:
        body = "".join(rng.choice("0123456789") for _ in range(8))
        w = [3, 7, 9, 10, 5, 8, 4, 2]
        c9 = 11 - sum(int(ch, 36) * wi for ch, wi in zip(body, w, strict=True)) % 11
        org = body + {10: "X", 11: "0"}.get(c9, str(c9))
        code17 = dept + kind + region + org
        check = (31 - sum(USCC_CHARS.index(ch) * wi for ch, wi in zip(code17, USCC_WEIGHTS, strict=True)) % 31) % 31
        code = code17 + USCC_CHARS[check]
        if code not in used:
            used.add(code)
            return code


def district(code: str) -> str:
    return catalog("regions.json")[code]["name"]


def age_days(rng: random.Random, industry: str, span: int = 1090) -> int:
    r = rng.random()
    power = 1.7 if industry in GROWING else 0.6 if industry in SHRINKING else 1.0
    return int(span * r**power)


def salary(rng: random.Random, band: tuple[int, int], age: int, etype: str) -> tuple[int | None, int | None]:
    if rng.random() < 0.05:
        return None, None  # 薪资面议
    if etype == "internship":
        lo, hi = rng.choice([(2500, 3500), (3000, 4000), (2800, 3800)])
    elif etype == "apprenticeship":
        lo, hi = band[0] - 1000, band[0] + 500
    else:
        lo, hi = band
    factor = 1 - 0.04 * age / 365  # wages grow ~4 % a year
    lo = int(lo * factor / 100 + rng.randint(-3, 3)) * 100
    hi = int(hi * factor / 100 + rng.randint(-3, 5)) * 100
    if etype == "part_time":
        lo, hi = lo // 2, hi // 2
    return lo, max(lo, hi)


def describe_zh(org: dict, job: jobs.Job, title: str, region: str, n: int, sal, rng: random.Random) -> str:
    duties = job.duties[:3] + rng.sample(job.duties[3:], k=min(1, len(job.duties[3:])))
    pay = f"{sal[0]}-{sal[1]}元/月" if sal[0] is not None else "面议"
    perks = rng.choice(
        [
            "五险一金、带薪年休假、节日福利",
            "五险一金、免费工作餐、员工宿舍",
            "五险一金、年终奖、通勤班车",
            "五险一金、技能津贴、完善的晋升通道",
        ]
    )
    place = f"重庆市{district(region)}" if region.startswith("50") and region != "500000" else district(region)
    return (
        f"{org['name']}招聘{title}{n}名，工作地点：{place}。"
        f"岗位职责：{'；'.join(f'{i + 1}.{d}' for i, d in enumerate(duties))}。"
        f"任职要求：{'；'.join(f'{i + 1}.{r}' for i, r in enumerate(job.reqs))}。薪资待遇：{pay}，{perks}。"
    )


def describe_en(org: dict, job: jobs.Job, region: str, n: int, sal) -> str:
    pay = f"CNY {sal[0]:,}-{sal[1]:,} per month" if sal[0] is not None else "negotiable"
    place = catalog("regions.json")[region]["name_en"]
    return (
        f"{orgs.EN_NAMES.get(org['ref'], org['name'])} is hiring {n} {'person' if n == 1 else 'people'} for this role in {place}, Chongqing. "
        f"Responsibilities: {' '.join(d + '.' for d in job.duties)} "
        f"Requirements: {' '.join(r + '.' for r in job.reqs)} Salary: {pay}; social insurance and housing fund, "
        f"annual leave and training provided."
    )
