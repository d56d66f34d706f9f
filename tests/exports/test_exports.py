"""CSV and XLSX exports: same filters and visibility as the lists, Chinese intact, formulas neutralised."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
from factories import assert_problem, make_demand, make_org, make_program, make_school
from openpyxl import load_workbook

from app.exports.tabular import cell_value, neutralise


def wait_until_ready(client: Any, timeout: float = 30.0) -> None:
    """The app's match index is built (a client may have started the app afresh)."""
    deadline = time.monotonic() + timeout
    while not client.app.state.match_index.ready:
        assert time.monotonic() < deadline, "match index was not built in time"
        time.sleep(0.02)

HOSTILE = {
    "title": '=HYPERLINK("http://evil.example","点我")',
    "description": "+1+2 危险公式",
    "skills": ["@SUM(A1:A9)", "-2+3", "PLC"],
}


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # BOM: Excel opens UTF-8 Chinese correctly
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    assert all(cell.data_type != "f" for row in rows for cell in row)  # no formulas at all
    header = [c.value for c in rows[0]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in rows[1:]]


@pytest.fixture
def world(client: Any) -> dict[str, Any]:
    a, b = make_org(client), make_org(client)
    return {
        "a": a,
        "b": b,
        "open": make_demand(client, a["id"], title="数控车工（五轴）", external_id="HR-001"),
        "hostile": make_demand(client, a["id"], **HOSTILE),
        "own_draft": make_demand(client, a["id"], title="草稿岗位A", status="draft"),
        "their_draft": make_demand(client, b["id"], title="草稿岗位B", status="draft"),
        "theirs": make_demand(client, b["id"], title="焊工", external_id="B-SECRET"),
    }


class TestListExports:
    def test_csv_of_a_filtered_list(self, client_as: Any, world: dict) -> None:
        reader = client_as("org_editor", world["a"]["id"])
        rows = read_csv(reader.get("/api/v1/exports/demands.csv", params={"organization_id": world["a"]["id"]}))
        by_title = {r["title"]: r for r in rows}
        assert set(by_title) == {"数控车工（五轴）", "'" + HOSTILE["title"], "草稿岗位A"}
        assert by_title["数控车工（五轴）"]["external_id"] == "HR-001"
        assert by_title["数控车工（五轴）"]["skills"] == "PLC;电气调试"
        hostile = by_title["'" + HOSTILE["title"]]
        assert hostile["description"] == "'+1+2 危险公式"
        assert hostile["skills"] == "'@SUM(A1:A9);-2+3;PLC"
        assert hostile["headcount"] == "5"

    def test_other_tenants_drafts_and_private_fields_stay_hidden(self, client_as: Any, world: dict) -> None:
        reader = client_as("viewer", world["a"]["id"])
        rows = read_csv(reader.get("/api/v1/exports/demands.csv"))
        titles = {r["title"] for r in rows}
        assert "草稿岗位B" not in titles and "草稿岗位A" in titles and "焊工" in titles
        assert {r["external_id"] for r in rows if r["title"] == "焊工"} == {""}
        xlsx_titles = {r["title"] for r in read_xlsx(reader.get("/api/v1/exports/demands.xlsx"))}
        assert xlsx_titles == titles

    def test_xlsx_of_a_filtered_list(self, client_as: Any, world: dict) -> None:
        reader = client_as("org_editor", world["a"]["id"])
        response = reader.get("/api/v1/exports/demands.xlsx",
                              params={"organization_id": world["a"]["id"], "status": "open", "sort": "title"})
        assert 'filename="demands-' in response.headers["content-disposition"]
        rows = read_xlsx(response)
        by_title = {r["title"]: r for r in rows}
        assert set(by_title) == {"数控车工（五轴）", "'" + HOSTILE["title"]}  # the draft is filtered out
        hostile = by_title["'" + HOSTILE["title"]]
        assert hostile["description"] == "'+1+2 危险公式" and hostile["skills"] == "'@SUM(A1:A9);-2+3;PLC"
        assert hostile["headcount"] == 5  # numbers stay numbers
        assert by_title["数控车工（五轴）"]["organization_id"] == world["a"]["id"]

    @pytest.mark.parametrize("resource", ["demands", "programs", "cohorts", "cooperation-offers", "organizations"])
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_every_list_exports(self, client: Any, resource: str, fmt: str) -> None:
        school = make_school(client, name="重庆电子工程职业学院")
        make_program(client, school["id"])
        response = client.get(f"/api/v1/exports/{resource}.{fmt}")
        rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
        expected = {"organizations": 1, "programs": 1}.get(resource, 0)
        assert len(rows) == expected
        if resource == "organizations":
            assert rows[0]["name"] == "重庆电子工程职业学院"

    def test_long_exports_are_paged_through(self, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        from app.exports import service

        monkeypatch.setattr(service, "PAGE_SIZE", 2)
        org = make_org(client)
        made = [make_demand(client, org["id"], title=f"岗位{i}")["id"] for i in range(5)]
        rows = read_csv(client.get("/api/v1/exports/demands.csv", params={"sort": "title"}))
        assert [int(r["id"]) for r in rows] == made
        assert [r["title"] for r in read_xlsx(client.get("/api/v1/exports/demands.xlsx"))] == [
            f"岗位{i}" for i in reversed(range(5))]  # default sort: newest first

    def test_bad_filters_are_422_before_streaming(self, client: Any) -> None:
        assert_problem(client.get("/api/v1/exports/demands.csv", params={"sort": "nope"}), 422)
        assert_problem(client.get("/api/v1/exports/demands.pdf"), 422)

    def test_without_credentials_401(self, anon_client: Any) -> None:
        assert_problem(anon_client.get("/api/v1/exports/demands.csv"), 401)
        assert_problem(anon_client.get("/api/v1/exports/organizations.xlsx"), 401)
        assert_problem(anon_client.get("/api/v1/exports/demands/1/matches.csv"), 401)


class TestMatchExports:
    def test_matches_of_a_demand(self, mclient: Any) -> None:
        ent, school = make_org(mclient), make_school(mclient)
        demand = make_demand(mclient, ent["id"])
        program = make_program(mclient, school["id"], external_id="SCH-7")
        rows = read_csv(mclient.get(f"/api/v1/exports/demands/{demand['id']}/matches.csv"))
        assert rows[0]["kind"] == "program" and int(rows[0]["id"]) == program["id"]
        assert rows[0]["rank"] == "1" and 0 < float(rows[0]["score"]) <= 1
        assert rows[0]["title"] == "电气自动化技术"
        xrows = read_xlsx(mclient.get(f"/api/v1/programs/{program['id']}/matches".replace(
            "/api/v1/programs", "/api/v1/exports/programs") + ".xlsx"))
        assert xrows[0]["kind"] == "demand" and xrows[0]["id"] == demand["id"]
        assert isinstance(xrows[0]["score"], float)

    def test_other_tenants_external_ids_are_blank(self, mclient: Any, client_as: Any) -> None:
        ent, school = make_org(mclient), make_school(mclient)
        demand = make_demand(mclient, ent["id"])
        make_program(mclient, school["id"], external_id="SCH-SECRET")
        reader = client_as("viewer", ent["id"])
        wait_until_ready(reader)
        rows = read_csv(reader.get(f"/api/v1/exports/demands/{demand['id']}/matches.csv"))
        assert rows and all(r["external_id"] == "" for r in rows)

    def test_search_results(self, mclient: Any) -> None:
        make_program(mclient, make_school(mclient)["id"], name="护理", major_code="520201",
                     description="培养护理人才", skills=["基础护理"], courses=[], industries=["care"])
        rows = read_xlsx(mclient.get("/api/v1/exports/search.xlsx", params={"q": "护理", "type": "program"}))
        assert [(r["rank"], r["kind"], r["title"]) for r in rows][:1] == [(1, "program", "护理")]
        assert_problem(mclient.get("/api/v1/exports/search.csv"), 422)  # q is required

    def test_unknown_record_is_404(self, mclient: Any) -> None:
        assert_problem(mclient.get("/api/v1/exports/demands/999999/matches.csv"), 404)


class TestNeutralise:
    @pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tcmd", "\rcmd"])
    def test_formula_starts_are_prefixed(self, text: str) -> None:
        assert neutralise(text) == "'" + text

    @pytest.mark.parametrize("text", ["PLC", "数控", "", "1=1", "a-b"])
    def test_other_text_is_unchanged(self, text: str) -> None:
        assert neutralise(text) == text

    def test_numbers_are_not_text(self) -> None:
        assert cell_value(-5) == -5 and cell_value(["=x", "y"]) == "'=x;y" and cell_value(None) == ""
