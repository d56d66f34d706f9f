"""Render the fit report as CSV or as a printable HTML page."""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

CSV_COLUMNS = (
    "region_code", "region_name", "region_fit_index", "industry", "industry_name", "demand", "graduates",
    "available", "enrollment", "demand_share", "graduates_share", "enrollment_share", "share_gap", "coverage",
)

TEXT = {
    "zh": {"years": "年份", "region": "地区", "fit": "结构匹配指数", "efit": "招生结构匹配指数",
           "best": "供给较充分的产业", "worst": "供给最不足的产业", "industry": "产业", "demand": "岗位需求（人）",
           "graduates": "毕业生", "available": "待就业", "enrollment": "年招生", "dshare": "需求占比",
           "gshare": "毕业生占比", "eshare": "招生占比", "gap": "占比差", "coverage": "毕业生/需求",
           "none": "无", "generated": "数据口径", "print": "打印"},
    "en": {"years": "Years", "region": "Region", "fit": "Structure fit index", "efit": "Enrollment fit index",
           "best": "Best-served industries", "worst": "Worst-served industries", "industry": "Industry",
           "demand": "Demand (positions)", "graduates": "Graduates", "available": "Available",
           "enrollment": "Annual enrollment", "dshare": "Demand share", "gshare": "Graduate share",
           "eshare": "Enrollment share", "gap": "Share gap", "coverage": "Graduates per position",
           "none": "none", "generated": "Definitions", "print": "Print"},
}


def to_csv(report: dict[str, Any]) -> str:
    """One row per region and industry (the overall section first), UTF-8 with BOM for Excel."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for section in [report["overall"], *report["regions"]]:
        for row in section["industries"]:
            values = {**row, "region_code": section["region_code"], "region_name": section["region_name"],
                      "region_fit_index": section["fit_index"]}
            writer.writerow(["" if values[c] is None else values[c] for c in CSV_COLUMNS])
    return "\ufeff" + buf.getvalue()


@lru_cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("app.analytics", "templates"), autoescape=select_autoescape(["html"]))


def to_html(report: dict[str, Any]) -> str:
    names = {}
    for section in [report["overall"], *report["regions"]]:
        for row in section["industries"]:
            names[row["industry"]] = row["industry_name"]
    return _env().get_template("fit_report.html").render(r=report, t=TEXT[report["lang"]], names=names)
