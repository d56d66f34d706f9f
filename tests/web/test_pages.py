"""The data cockpit and the portal in headless Chromium against a running server with demo data."""

from __future__ import annotations

from typing import Any

from web_helpers import DOCS, YEAR, Console, Server, login

OPTION = "(id) => echarts.getInstanceByDom(document.getElementById(id)).getOption()"


def _int(text: str) -> int:
    return int(text.replace(",", "").strip())


def _option(page: Any, chart_id: str) -> dict[str, Any]:
    return page.evaluate(OPTION, chart_id)


def _canvas_size(page: Any, chart_id: str) -> tuple[int, int]:
    return page.evaluate(
        "(id) => { const c = document.querySelector('#' + id + ' canvas'); return [c.width, c.height]; }", chart_id)


class TestDashboard:
    def test_charts_show_the_api_numbers(self, server: Server, page: Any, console: Console) -> None:
        page.goto(f"{server.url}/dashboard?year={YEAR}")
        login(page)
        page.wait_for_selector("body[data-ready='1']")
        overview = server.api("/api/v1/analytics/overview", year=YEAR)
        industry = server.api("/api/v1/analytics/supply-demand", year=YEAR, dimension="industry")
        region = server.api("/api/v1/analytics/supply-demand", year=YEAR, dimension="region")
        warnings = server.api("/api/v1/analytics/warnings", year=YEAR)
        assert overview["open_demands"] > 0 and industry["items"], "the demo data should not be empty"

        assert _int(page.inner_text("#kpi-open-demands")) == overview["open_demands"]
        assert _int(page.inner_text("#kpi-open-headcount")) == overview["open_headcount"]
        assert _int(page.inner_text("#kpi-available")) == overview["available_graduates"]
        assert page.inner_text("#kpi-reported-rate") == f"{overview['reported_rate'] * 100:.1f}%"
        assert _int(page.inner_text("#kpi-red")) == overview["warnings"]["red"]

        bars = _option(page, "chart-industry")
        assert bars["xAxis"][0]["data"] == [i["label"] for i in industry["items"]]
        assert bars["series"][0]["data"] == [i["demand"] for i in industry["items"]]
        assert bars["series"][1]["data"] == [i["supply"] for i in industry["items"]]
        assert [s["name"] for s in bars["series"]] == ["需求", "可供毕业生"]
        ranking = _option(page, "chart-region")
        assert ranking["yAxis"][0]["data"] == [i["label"] for i in region["items"][:15]]
        assert ranking["series"][0]["data"] == [i["demand"] for i in region["items"][:15]]
        trend = _option(page, "chart-trend")
        assert trend["xAxis"][0]["data"] == [str(y) for y in overview["trend"]["years"]]
        assert trend["series"][0]["data"] == overview["trend"]["demand"]
        assert trend["series"][1]["data"] == overview["trend"]["supply"]
        pie = _option(page, "chart-warnings")
        assert [d["value"] for d in pie["series"][0]["data"]] == [
            warnings["summary"][lv] for lv in ("red", "amber", "green", "low_confidence")]
        rows = page.locator("#warnings-table tbody tr[data-major]")
        flagged = [i for i in warnings["items"] if i["level"] in ("red", "amber")]
        assert rows.count() == min(10, len(flagged))
        assert rows.first.get_attribute("data-major") == flagged[0]["major_code"]
        for chart_id in ("chart-industry", "chart-region", "chart-trend", "chart-warnings"):
            width, height = _canvas_size(page, chart_id)
            assert width > 100 and height > 100, chart_id

        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / "dashboard.png"), full_page=True)
        assert console.errors == []

    def test_english_labels(self, server: Server, page: Any, console: Console) -> None:
        page.goto(f"{server.url}/dashboard?year={YEAR}&lang=en")
        login(page)
        page.wait_for_selector("body[data-ready='1']")
        industry = server.api("/api/v1/analytics/supply-demand", year=YEAR, dimension="industry", lang="en")
        assert page.inner_text("h1") == "Talent supply-demand cockpit"
        bars = _option(page, "chart-industry")
        assert bars["xAxis"][0]["data"] == [i["label"] for i in industry["items"]]
        assert [s["name"] for s in bars["series"]] == ["Demand", "Available graduates"]
        assert console.errors == []

    def test_fit_report_page(self, server: Server, page: Any, console: Console) -> None:
        page.context.set_extra_http_headers({"Authorization": f"Bearer {server.token}"})
        page.goto(f"{server.url}/api/v1/analytics/fit-report?year={YEAR}&format=html&region_level=province")
        assert page.title() == f"专业结构与产业结构匹配状况报告 {YEAR}"
        assert page.locator("section").count() >= 2
        # the report's own stylesheet applies (its CSP allows it): headings are underlined in blue
        border = page.evaluate("() => getComputedStyle(document.querySelector('h2')).borderBottomColor")
        assert border == "rgb(47, 111, 222)"
        assert console.errors == []


class TestPortal:
    def test_search_and_matches_with_explanations(self, server: Server, page: Any, console: Console) -> None:
        page.goto(f"{server.url}/")
        login(page)
        page.wait_for_selector("body[data-ready='1']")
        latest = server.api("/api/v1/demands", status="open", sort="-updated_at", limit=20)
        items = page.locator("#results li[data-id]")
        assert items.count() == len(latest["items"])
        assert [int(i) for i in items.evaluate_all("(ns) => ns.map((n) => n.dataset.id)")] == [
            d["id"] for d in latest["items"]]

        first = latest["items"][0]
        items.first.click()
        page.wait_for_selector(f"body[data-detail='demand:{first['id']}']")
        matches = server.api(f"/api/v1/demands/{first['id']}/matches", limit=10)
        shown = page.locator("#matches .match")
        assert shown.count() == len(matches["items"]) > 0
        assert shown.first.locator(".title").inner_text() == matches["items"][0]["title"]
        mapping = server.api(f"/api/v1/analytics/demands/{first['id']}/majors")
        assert page.inner_text("#detail-mapping").startswith("专业映射")
        assert all(link["name"] in page.inner_text("#detail-mapping") for link in mapping["links"] if link["name"])
        if matches["items"][0]["explanation"].get("matched_terms"):
            assert shown.first.locator(".terms span").count() > 1

        page.fill("#q", first["title"])
        page.click("#search button[type=submit]")
        page.wait_for_selector("body[data-results]")
        found = server.api("/api/v1/search", q=first["title"], limit=20)
        assert page.locator("#results li[data-id]").count() == len(found["items"])

        target = page.locator("#results li[data-id]").first
        key = f"{target.get_attribute('data-kind')}:{target.get_attribute('data-id')}"
        target.click()
        page.wait_for_selector(f"body[data-detail='{key}']")
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / "portal.png"), full_page=True)
        assert console.errors == []
