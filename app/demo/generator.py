"""Deterministic demo-data generator.

``generate_demo(today)`` returns a :class:`DemoData` of plain dicts whose keys are the API field names.
Records link by ``ref`` strings: organizations have ``ref``; demands, programs and offers carry
``organization_ref``; programs additionally carry ``ref`` (``"<organization_ref>/<external_id>"``) and
cohorts point at it with ``program_ref``.  The same ``today`` and ``seed`` always give the same output.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from app.demo import jobs, offers, orgs
from app.demo.helpers import GROWING, age_days, catalog, describe_en, describe_zh, district, salary, uscc
from app.demo.profiles import courses, profile

# Demand volume per enterprise, by industry (shortage sectors post more and larger requisitions).
DEMANDS_PER_ENTERPRISE = {"nev": 11, "smart_mfg": 10, "care": 10, "healthcare": 11, "electronics": 8}
# Major-code prefixes with deliberately large / modest enrollment (surplus / shortage in analytics).
SURPLUS = ("5303", "3303", "7303", "5307", "7307", "5701", "7102", "5306", "5302", "5401", "7401")
SHORTAGE = tuple("4607 2607 6607 7002 5002 4603 2603 6603 5202 3202 7202 5208 7208 7903 5903".split())  # noqa: SIM905
ID_STYLES = ["HR-{y}-{n:05d}", "ZP{y}{n:04d}", "REQ-{n:06d}", "JD-CQ-{y}{n:04d}", "RC{y}-{n:03d}"]
DIRECTIONS = {
    "510203": "鸿蒙应用开发方向",
    "460702": "动力电池方向",
    "520201": "老年护理方向",
    "460305": "焊装机器人方向",
    "530701": "直播电商方向",
    "510209": "数据标注与训练方向",
}


@dataclass
class DemoData:
    organizations: list[dict] = field(default_factory=list)
    demands: list[dict] = field(default_factory=list)
    programs: list[dict] = field(default_factory=list)
    cohorts: list[dict] = field(default_factory=list)
    offers: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[dict]]:
        return asdict(self)


def _organizations(rng: random.Random) -> list[dict]:
    used: set[str] = set()
    out = []
    for key, name, region, industry, _en, desc, site in orgs.ENTERPRISES:
        out.append(
            {
                "ref": key,
                "kind": "enterprise",
                "name": name,
                "code": uscc(rng, "9", "1", region, used),
                "region_code": region,
                "industry": industry,
                "consortia": orgs.INDUSTRY_CONSORTIA[industry],
                "description": f"{desc}公司位于重庆市{district(region)}。",
                "website": site,
                "verified": True,
            }
        )
    school_codes: set[str] = set()
    for key, name, _level, region, _majors, desc in orgs.SCHOOLS:
        code = f"41500{rng.randint(10000, 19999)}"
        while code in school_codes:
            code = f"41500{rng.randint(10000, 19999)}"
        school_codes.add(code)
        industry = orgs.SCHOOL_INDUSTRY[key]
        cons = sorted({c for m in _majors for ind in profile(m)[2] for c in orgs.INDUSTRY_CONSORTIA[ind][:1]})
        out.append(
            {
                "ref": key,
                "kind": "school",
                "name": name,
                "code": code,
                "region_code": region,
                "industry": industry,
                "consortia": cons,
                "description": f"{desc}学校位于重庆市{district(region)}。",
                "website": f"https://www.{key.removeprefix('sch-')}.example.edu.cn",
                "verified": True,
            }
        )
    for key, kind, name, region, industry, desc, site in orgs.OTHERS:
        dept = "11" if kind == "government" else "52"
        out.append(
            {
                "ref": key,
                "kind": kind,
                "name": name,
                "code": uscc(rng, dept[0], dept[1], region, used),
                "region_code": region,
                "industry": industry,
                "consortia": sorted({c for v in orgs.INDUSTRY_CONSORTIA.values() for c in v})
                if kind == "government"
                else [orgs.C_NEV],
                "description": desc,
                "website": site,
                "verified": True,
            }
        )
    return out


def _demands(rng: random.Random, organizations: list[dict], today: date) -> list[dict]:
    out = []
    english = {e[0] for e in orgs.ENTERPRISES if e[4]}
    regions = [c for c, r in catalog("regions.json").items() if r["level"] == "county"]
    for org in (o for o in organizations if o["kind"] == "enterprise"):
        ind = org["industry"]
        count = 14 if org["ref"] in english else DEMANDS_PER_ENTERPRISE.get(ind, 6) + rng.randint(0, 2)
        style, seq = rng.choice(ID_STYLES), rng.randint(12, 900)
        for _ in range(count):
            en = ind in jobs.EN and rng.random() < (0.85 if org["ref"] in english else 0.08)
            job = rng.choice(jobs.EN[ind] if en else jobs.ZH[ind])
            current = rng.random() < 0.62  # most postings are recent and still running
            age = rng.randint(0, 100) if current else 100 + age_days(rng, ind, span=990)
            valid_from = today - timedelta(days=age)
            etype = "internship" if "实习" in job.title or "Intern" in job.title else "full_time"
            title = job.title
            roll = rng.random()
            if etype == "full_time" and job.edu in ("secondary_vocational", "higher_vocational") and roll < 0.1:
                etype, title = "apprenticeship", f"{title}（新型学徒制）" if not en else f"{title} - Apprenticeship"
            elif etype == "full_time" and roll < 0.16 and not en:
                etype, title = "internship", f"{title}（实习生）"
            elif etype == "full_time" and roll < 0.19 and ind in ("care", "software", "modern_services") and not en:
                etype, title = "part_time", f"{title}（兼职）"
            elif roll > 0.8:
                grad = valid_from.year + (1 if valid_from.month >= 9 else 0)
                title += f" - Campus Hire {grad}" if en else f"（{grad}届校园招聘）"
            region = org["region_code"]
            if rng.random() < 0.12:
                region = rng.choice(regions if rng.random() < 0.8 else ["510100", "510600", "500000"])
            lo, hi = job.headcount
            scale = 1.0 - 0.4 * age / 1095 if ind in GROWING else 1.0
            n = max(1, round(rng.randint(lo, hi) * scale))
            sal = salary(rng, job.salary, age, etype)
            days = rng.choice([90, 120, 150, 180] if current else [30, 45, 60, 90, 120, 180])
            until = None if rng.random() < 0.05 else valid_from + timedelta(days=days)
            if until is None:
                status = "open"
            elif until < today:
                status = rng.choices(["filled", "closed", "open"], [6, 3, 1])[0]
            else:
                status = rng.choices(["open", "draft", "filled", "closed"], [80, 8, 8, 4])[0]
            seq += rng.randint(1, 37)
            edu = "any" if job.edu == "secondary_vocational" and rng.random() < 0.15 else job.edu
            skills = job.skills[:3] + rng.sample(job.skills[3:], k=rng.randint(0, len(job.skills[3:])))
            out.append(
                {
                    "organization_ref": org["ref"],
                    "external_id": style.format(y=valid_from.year, n=seq),
                    "title": title[:200],
                    "description": describe_en(org, job, region, n, sal)
                    if en
                    else describe_zh(org, job, title, region, n, sal, rng),
                    "skills": skills,
                    "majors": job.majors[: rng.randint(1, len(job.majors))],
                    "education_level": edu,
                    "headcount": n,
                    "region_code": region,
                    "industry": ind,
                    "employment_type": etype,
                    "salary_min": sal[0],
                    "salary_max": sal[1],
                    "valid_from": valid_from.isoformat(),
                    "valid_until": until.isoformat() if until else None,
                    "status": status,
                }
            )
    return out


def _enrollment(rng: random.Random, code: str, level: str) -> int:
    lo, hi = {"secondary_vocational": (50, 150), "vocational_bachelor": (60, 160)}.get(level, (80, 220))
    if code.startswith(SURPLUS):
        lo, hi = int(lo * 2.2), int(hi * 2.2)
    elif code.startswith(SHORTAGE):
        lo, hi = int(lo * 0.8), int(hi * 0.9)
    return rng.randint(lo, hi) // 5 * 5


def _programs(rng: random.Random, organizations: list[dict], today: date) -> tuple[list[dict], list[dict]]:
    majors = catalog("majors.json")
    industries = catalog("industries.json")
    by_industry: dict[str, list[str]] = {}
    for o in organizations:
        if o["kind"] == "enterprise":
            by_industry.setdefault(o["industry"], []).append(o["name"])
    programs, cohorts = [], []
    latest = today.year
    school_codes = {o["ref"]: o["code"] for o in organizations if o["kind"] == "school"}
    for key, _school, level, region, codes, _desc in orgs.SCHOOLS:
        style = rng.choice(["ZY{code}", "{sc}-{code}", "P{sc}{code}"])
        for code in codes:
            skills, certs, inds = profile(code)
            course = courses()[code]
            name = majors[code]["name"]
            if code in DIRECTIONS and rng.random() < 0.5:
                name += f"（{DIRECTIONS[code]}）"
            enrollment = _enrollment(rng, code, level)
            years = {"secondary_vocational": "三年", "vocational_bachelor": "四年"}.get(level, "三年")
            partners = [p for i in inds for p in by_industry.get(i, [])]
            partner = f"与{rng.choice(partners)}等企业合作开展订单培养和岗位实习。" if partners else ""
            ext = style.format(code=code, sc=school_codes[key][-4:])
            ref = f"{key}/{ext}"
            programs.append(
                {
                    "ref": ref,
                    "organization_ref": key,
                    "external_id": ext,
                    "major_code": code,
                    "name": name,
                    "education_level": level,
                    "description": f"{name}专业（代码{code}），基本修业年限{years}，每年招生约{enrollment}人。"
                    f"专业主要面向{'、'.join(industries[i]['name'] for i in inds)}领域，核心课程包括"
                    f"{'、'.join(course['core'][:5])}等，学生可考取{certs[0]}。{partner}",
                    "skills": skills,
                    "courses": course["core"][:8] or course["basic"][:8],
                    "certificates": certs,
                    "annual_enrollment": enrollment,
                    "region_code": region,
                    "industries": inds,
                    "status": "closed" if rng.random() < 0.03 else "open",
                }
            )
            growth = 0.12 if code.startswith(SHORTAGE) else 0.0
            # shortage majors are snapped up before graduation; surplus majors stay on the market
            latest_share = (0.12, 0.3) if growth else (0.45, 0.75) if code.startswith(SURPLUS) else (0.3, 0.55)
            for back in (2, 1, 0):
                grads = round(enrollment * (1 - growth * back) * rng.uniform(0.86, 0.97))
                share = latest_share if back == 0 else (0.03, 0.12) if back == 1 else (0.0, 0.04)
                extra = rng.sample(course["core"], k=min(len(course["core"]), rng.randint(0, 2)))
                cohorts.append(
                    {
                        "program_ref": ref,
                        "graduation_year": latest - back,
                        "graduates": grads,
                        "available": int(grads * rng.uniform(*share)),
                        "skills": extra,
                        "region_code": region,
                    }
                )
    return programs, cohorts


def _offers(rng: random.Random, organizations: list[dict], programs: list[dict], today: date) -> list[dict]:
    out = []
    by_school: dict[str, list[dict]] = {}
    for p in programs:
        by_school.setdefault(p["organization_ref"], []).append(p)
    for org in organizations:
        if org["kind"] == "enterprise":
            if rng.random() > 0.75:
                continue
            job = rng.choice(jobs.ZH[org["industry"]])
            tpls, major, skills = offers.ENTERPRISE_OFFERS, rng.choice(job.majors), job.skills[:4]
            count = 1
        elif org["kind"] == "school":
            tpls, count = offers.SCHOOL_OFFERS, rng.randint(1, 2)
        else:
            tpls, count = [offers.OTHER_OFFERS[org["kind"]]], 1
            major, skills = "", rng.sample(["工业机器人操作与运维", "养老护理", "新能源汽车维修", "电子商务直播"], k=4)
        for tpl in rng.sample(tpls, k=count):
            if org["kind"] == "school":
                prog = rng.choice(by_school[org["ref"]])
                major, skills = prog["name"], prog["skills"][:4]
            start = today - timedelta(days=rng.randint(0, 420))
            end = start + timedelta(days=rng.choice([180, 365, 540, 730]))
            cap = rng.randint(*tpl.capacity) // 5 * 5 if tpl.capacity else None
            ctx = {
                "org": org["name"],
                "major": major,
                "skill": skills[0],
                "n": cap or "",
                "district": district(org["region_code"]),
                "year": start.year + (1 if start.month >= 7 else 0),
            }
            status = "closed" if end < today else rng.choices(["open", "draft"], [92, 8])[0]
            out.append(
                {
                    "organization_ref": org["ref"],
                    "direction": tpl.direction,
                    "kind": tpl.kind,
                    "title": tpl.title.format(**ctx)[:200],
                    "description": tpl.description.format(**ctx),
                    "skills": skills,
                    "region_code": org["region_code"],
                    "capacity": cap,
                    "valid_from": start.isoformat(),
                    "valid_until": end.isoformat(),
                    "status": status,
                }
            )
    return out


def generate_demo(today: date, seed: int = 20240601) -> DemoData:
    """Build the full demo data set; pure and deterministic in (today, seed)."""
    rng = random.Random(seed)
    organizations = _organizations(random.Random(seed))
    demands = _demands(random.Random(rng.getrandbits(64)), organizations, today)
    programs, cohorts = _programs(random.Random(rng.getrandbits(64)), organizations, today)
    offer_rows = _offers(random.Random(rng.getrandbits(64)), organizations, programs, today)
    return DemoData(organizations, demands, programs, cohorts, offer_rows)
