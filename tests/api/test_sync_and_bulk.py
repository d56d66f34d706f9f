"""HR-system sync: idempotent PUT by external id, and all-or-nothing bulk import (JSON, JSON Lines, CSV)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from factories import (
    assert_problem,
    demand_body,
    error_fields,
    make_demand,
    make_org,
    make_program,
    make_school,
    program_body,
    row_errors,
)
from sqlalchemy import func, select

from app.changes.models import ChangeLogEntry

DEMANDS = "/api/v1/demands"
PROGRAMS = "/api/v1/programs"
JSON = {"content-type": "application/json"}
NDJSON = {"content-type": "application/x-ndjson"}
CSV = {"content-type": "text/csv; charset=utf-8"}


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _total(client, path: str, **params) -> int:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["total"]


def _change_count(db_session, entity: str) -> int:
    return db_session.scalar(select(func.count()).select_from(ChangeLogEntry).where(ChangeLogEntry.entity == entity))


def _upsert_body(org_id: int, **overrides):
    body = demand_body(org_id, **overrides)
    body.pop("organization_id")
    return {"organization_id": org_id, **body}


def _counts(result: dict) -> tuple[int, int, int, int]:
    return result["total"], result["created"], result["updated"], result["unchanged"]


def _jsonl(rows: list[dict]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


class TestPutDemandByExternalId:
    def test_first_put_creates(self, client) -> None:
        org = make_org(client)
        body = _upsert_body(org["id"])
        response = client.put(f"{DEMANDS}/external/HR-100", json=body)
        assert response.status_code == 201, response.text
        assert response.headers["X-Upsert-Outcome"] == "created"
        got = response.json()
        assert got == {**body, "external_id": "HR-100", "industry": None, "employment_type": "full_time",
                       "valid_from": None, "valid_until": None, "status": "open", "id": got["id"],
                       "created_at": got["created_at"], "updated_at": got["updated_at"]}
        assert client.get(f"{DEMANDS}/{got['id']}").json() == got

    def test_same_body_again_is_unchanged(self, client, db_session) -> None:
        org = make_org(client)
        body = _upsert_body(org["id"])
        first = client.put(f"{DEMANDS}/external/HR-100", json=body).json()
        response = client.put(f"{DEMANDS}/external/HR-100", json=body)
        assert response.status_code == 200, response.text
        assert response.headers["X-Upsert-Outcome"] == "unchanged"
        assert response.json() == first
        assert response.json()["updated_at"] == first["updated_at"]
        assert _total(client, DEMANDS) == 1
        assert _change_count(db_session, "demand") == 1

    def test_changed_body_replaces_every_field(self, client, db_session) -> None:
        org = make_org(client)
        first = client.put(
            f"{DEMANDS}/external/HR-100",
            json=_upsert_body(org["id"], industry="nev", valid_until="2026-12-31", status="draft"),
        ).json()
        response = client.put(
            f"{DEMANDS}/external/HR-100",
            json={"organization_id": org["id"], "title": "装配工", "skills": ["装配"]},
        )
        assert response.status_code == 200, response.text
        assert response.headers["X-Upsert-Outcome"] == "updated"
        got = response.json()
        assert got == {
            **first,
            "title": "装配工", "description": "", "skills": ["装配"], "majors": [], "education_level": "any",
            "headcount": 1, "region_code": None, "industry": None, "employment_type": "full_time",
            "salary_min": None, "salary_max": None, "valid_from": None, "valid_until": None, "status": "open",
            "updated_at": got["updated_at"],
        }
        assert _ts(got["updated_at"]) > _ts(first["updated_at"])
        assert got["created_at"] == first["created_at"]
        assert _total(client, DEMANDS) == 1
        assert _change_count(db_session, "demand") == 2

    def test_same_external_id_under_two_organizations_gives_two_records(self, client) -> None:
        a, b = make_org(client), make_org(client)
        first = client.put(f"{DEMANDS}/external/SHARED", json=_upsert_body(a["id"]))
        second = client.put(f"{DEMANDS}/external/SHARED", json=_upsert_body(b["id"]))
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json()["id"] != second.json()["id"]
        assert _total(client, DEMANDS, external_id="SHARED") == 2

    def test_finds_a_record_created_by_post(self, client) -> None:
        org = make_org(client)
        posted = make_demand(client, org["id"], external_id="HR-5")
        response = client.put(f"{DEMANDS}/external/HR-5", json=_upsert_body(org["id"], headcount=2))
        assert response.status_code == 200
        assert (response.json()["id"], response.json()["headcount"]) == (posted["id"], 2)

    def test_body_external_id_equal_to_path_is_accepted(self, client) -> None:
        org = make_org(client)
        response = client.put(f"{DEMANDS}/external/HR-1", json=_upsert_body(org["id"], external_id="HR-1"))
        assert response.status_code == 201, response.text

    def test_body_external_id_differing_from_path_is_422(self, client) -> None:
        org = make_org(client)
        response = client.put(f"{DEMANDS}/external/HR-1", json=_upsert_body(org["id"], external_id="HR-2"))
        body = assert_problem(response, 422)
        assert error_fields(body) == [("external_id", "body")]
        assert _total(client, DEMANDS) == 0

    def test_path_external_id_is_trimmed(self, client) -> None:
        org = make_org(client)
        response = client.put(f"{DEMANDS}/external/%20HR-7%E2%80%8B%20", json=_upsert_body(org["id"], external_id="HR-7"))
        assert response.status_code == 201, response.text
        assert response.json()["external_id"] == "HR-7"

    @pytest.mark.parametrize("raw", ["%20", "%E2%80%8B", "50%25", "x" * 101],
                             ids=["blank", "zero-width", "percent", "too-long"])
    def test_invalid_path_external_id_is_422(self, client, raw) -> None:
        org = make_org(client)
        body = assert_problem(client.put(f"{DEMANDS}/external/{raw}", json=_upsert_body(org["id"])), 422)
        assert error_fields(body) == [("external_id", "path")]
        assert _total(client, DEMANDS) == 0

    def test_school_owner_is_422(self, client) -> None:
        school = make_school(client)
        body = assert_problem(client.put(f"{DEMANDS}/external/HR-1", json=_upsert_body(school["id"])), 422)
        assert error_fields(body) == [("organization_id", "body")]

    def test_unknown_owner_is_422(self, client) -> None:
        body = assert_problem(client.put(f"{DEMANDS}/external/HR-1", json=_upsert_body(999)), 422)
        assert error_fields(body) == [("organization_id", "body")]

    def test_missing_organization_id_is_422(self, client) -> None:
        body = assert_problem(client.put(f"{DEMANDS}/external/HR-1", json={"title": "x", "skills": ["y"]}), 422)
        assert error_fields(body) == [("organization_id", "body")]

    def test_invalid_body_is_422_and_writes_nothing(self, client) -> None:
        org = make_org(client)
        response = client.put(f"{DEMANDS}/external/HR-1", json=_upsert_body(org["id"], salary_min=10, salary_max=1))
        body = assert_problem(response, 422)
        assert error_fields(body) == [("salary_min", "body")]
        assert _total(client, DEMANDS) == 0


class TestPutProgramByExternalId:
    def _body(self, school_id: int, **overrides):
        body = program_body(school_id, **overrides)
        return body

    def test_created_unchanged_updated(self, client, db_session) -> None:
        school = make_school(client)
        created = client.put(f"{PROGRAMS}/external/ZY-1", json=self._body(school["id"]))
        assert created.status_code == 201, created.text
        assert created.headers["X-Upsert-Outcome"] == "created"
        assert created.json()["external_id"] == "ZY-1"

        again = client.put(f"{PROGRAMS}/external/ZY-1", json=self._body(school["id"]))
        assert again.status_code == 200
        assert again.headers["X-Upsert-Outcome"] == "unchanged"
        assert again.json() == created.json()

        changed = client.put(f"{PROGRAMS}/external/ZY-1", json={"organization_id": school["id"], "name": "护理"})
        assert changed.status_code == 200
        assert changed.headers["X-Upsert-Outcome"] == "updated"
        got = changed.json()
        assert got == {
            **created.json(),
            "name": "护理", "major_code": None, "education_level": "higher_vocational", "description": "",
            "skills": [], "courses": [], "certificates": [], "annual_enrollment": None, "region_code": None,
            "industries": [], "status": "open", "updated_at": got["updated_at"],
        }
        assert _ts(got["updated_at"]) > _ts(created.json()["updated_at"])
        assert _total(client, PROGRAMS) == 1
        assert _change_count(db_session, "program") == 2

    def test_industry_names_do_not_make_a_replay_look_changed(self, client) -> None:
        school = make_school(client)
        body = self._body(school["id"], industries=["智能装备及智能制造"])
        assert client.put(f"{PROGRAMS}/external/ZY-1", json=body).status_code == 201
        again = client.put(f"{PROGRAMS}/external/ZY-1", json=body)
        assert again.headers["X-Upsert-Outcome"] == "unchanged"
        assert again.json()["industries"] == ["smart_mfg"]

    def test_same_external_id_under_two_schools_gives_two_records(self, client) -> None:
        a, b = make_school(client), make_school(client)
        assert client.put(f"{PROGRAMS}/external/ZY-1", json=self._body(a["id"])).status_code == 201
        assert client.put(f"{PROGRAMS}/external/ZY-1", json=self._body(b["id"])).status_code == 201
        assert _total(client, PROGRAMS, external_id="ZY-1") == 2

    def test_body_external_id_differing_from_path_is_422(self, client) -> None:
        school = make_school(client)
        response = client.put(f"{PROGRAMS}/external/ZY-1", json=self._body(school["id"], external_id="ZY-9"))
        body = assert_problem(response, 422)
        assert error_fields(body) == [("external_id", "body")]
        assert _total(client, PROGRAMS) == 0

    def test_enterprise_owner_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.put(f"{PROGRAMS}/external/ZY-1", json=self._body(org["id"])), 422)
        assert error_fields(body) == [("organization_id", "body")]


def _rows(n: int, **overrides) -> list[dict]:
    return [{"external_id": f"HR-{i}", "title": f"岗位{i}", "skills": ["PLC", f"技能{i}"], **overrides}
            for i in range(1, n + 1)]


class TestBulkDemandsJson:
    def test_first_import_creates_every_row(self, client, db_session) -> None:
        org = make_org(client)
        rows = _rows(3, organization_id=org["id"])
        response = client.post(f"{DEMANDS}/bulk", content=json.dumps(rows), headers=JSON)
        assert response.status_code == 200, response.text
        result = response.json()
        assert _counts(result) == (3, 3, 0, 0)
        assert [(i["row"], i["external_id"], i["outcome"]) for i in result["items"]] == [
            (1, "HR-1", "created"), (2, "HR-2", "created"), (3, "HR-3", "created")]
        listed = client.get(DEMANDS, params={"sort": "title"}).json()
        assert [(d["id"], d["external_id"], d["skills"]) for d in listed["items"]] == [
            (i["id"], i["external_id"], ["PLC", f"技能{n}"]) for n, i in enumerate(result["items"], start=1)]
        assert _change_count(db_session, "demand") == 3

    def test_reimport_of_the_same_batch_is_all_unchanged(self, client, db_session) -> None:
        org = make_org(client)
        payload = json.dumps(_rows(3, organization_id=org["id"]))
        client.post(f"{DEMANDS}/bulk", content=payload, headers=JSON)
        before = client.get(DEMANDS).json()
        response = client.post(f"{DEMANDS}/bulk", content=payload, headers=JSON)
        assert response.status_code == 200, response.text
        assert _counts(response.json()) == (3, 0, 0, 3)
        assert client.get(DEMANDS).json() == before
        assert _change_count(db_session, "demand") == 3

    def test_reimport_of_a_modified_batch(self, client, db_session) -> None:
        org = make_org(client)
        rows = _rows(3, organization_id=org["id"])
        client.post(f"{DEMANDS}/bulk", content=json.dumps(rows), headers=JSON)
        rows[1]["headcount"] = 7
        rows.append({"organization_id": org["id"], "external_id": "HR-4", "title": "新岗位", "description": "d"})
        response = client.post(f"{DEMANDS}/bulk", content=json.dumps(rows), headers=JSON)
        assert response.status_code == 200, response.text
        result = response.json()
        assert _counts(result) == (4, 1, 1, 2)
        assert [i["outcome"] for i in result["items"]] == ["unchanged", "updated", "unchanged", "created"]
        assert client.get(DEMANDS, params={"external_id": "HR-2"}).json()["items"][0]["headcount"] == 7
        assert _total(client, DEMANDS) == 4
        assert _change_count(db_session, "demand") == 5

    def test_organization_id_query_parameter_is_the_default_owner(self, client) -> None:
        default, other = make_org(client), make_org(client)
        rows = [{"external_id": "A", "title": "a", "skills": ["x"]},
                {"external_id": "B", "title": "b", "skills": ["x"], "organization_id": other["id"]}]
        response = client.post(f"{DEMANDS}/bulk", params={"organization_id": default["id"]},
                               content=json.dumps(rows), headers=JSON)
        assert response.status_code == 200, response.text
        assert _total(client, DEMANDS, organization_id=default["id"]) == 1
        assert _total(client, DEMANDS, organization_id=other["id"]) == 1

    def test_row_without_external_id_is_422(self, client) -> None:
        org = make_org(client)
        rows = [{"title": "a", "skills": ["x"]}]
        body = assert_problem(client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]},
                                          content=json.dumps(rows), headers=JSON), 422)
        assert row_errors(body) == [(1, "external_id")]

    def test_row_without_owner_and_no_default_is_422(self, client) -> None:
        body = assert_problem(client.post(f"{DEMANDS}/bulk", content=json.dumps(_rows(1)), headers=JSON), 422)
        assert row_errors(body) == [(1, "organization_id")]


#: One bad row of each kind: (how to spoil row 2, given it and a school's id; the field reported).
BAD_ROWS = {
    "bad enum": (lambda row, school: {**row, "education_level": "phd"}, "education_level"),
    "missing title": (lambda row, school: {k: v for k, v in row.items() if k != "title"}, "title"),
    "school owner": (lambda row, school: {**row, "organization_id": school}, "organization_id"),
    "unknown owner": (lambda row, school: {**row, "organization_id": 99999}, "organization_id"),
    "duplicate external_id": (lambda row, school: {**row, "external_id": "HR-1"}, "external_id"),
    "salary order": (lambda row, school: {**row, "salary_min": 9, "salary_max": 1}, "salary_min"),
    "unknown field": (lambda row, school: {**row, "wage": 1}, "wage"),
}


class TestBulkDemandsRejected:
    @pytest.mark.parametrize("spoil, field", list(BAD_ROWS.values()), ids=list(BAD_ROWS))
    def test_one_bad_row_rejects_the_batch_and_writes_nothing(self, client, db_session, spoil, field) -> None:
        org, school = make_org(client), make_school(client)
        existing = make_demand(client, org["id"], external_id="HR-1", headcount=99)
        rows = _rows(3, organization_id=org["id"])
        rows[1] = spoil(rows[1], school["id"])
        response = client.post(f"{DEMANDS}/bulk", content=json.dumps(rows), headers=JSON)
        body = assert_problem(response, 422)
        assert row_errors(body) == [(2, field)]
        assert body["detail"] == "1 of 3 record(s) are invalid; nothing was imported"
        assert client.get(DEMANDS).json()["items"] == [existing]
        assert _change_count(db_session, "demand") == 1

    def test_every_bad_row_is_listed(self, client) -> None:
        org, school = make_org(client), make_school(client)
        rows = _rows(6, organization_id=org["id"])
        rows[1]["education_level"] = "phd"
        del rows[2]["title"]
        rows[3]["organization_id"] = school["id"]
        rows[5]["external_id"] = "HR-1"
        response = client.post(f"{DEMANDS}/bulk", content=json.dumps(rows), headers=JSON)
        body = assert_problem(response, 422)
        assert row_errors(body) == [(2, "education_level"), (3, "title"), (4, "organization_id"),
                                    (6, "external_id")]
        assert body["detail"] == "4 of 6 record(s) are invalid; nothing was imported"
        assert _total(client, DEMANDS) == 0


class TestBulkDemandsJsonLines:
    def test_import_and_reimport(self, client) -> None:
        org = make_org(client)
        rows = _rows(4)
        first = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=_jsonl(rows) + b"\n\n",
                            headers=NDJSON)
        assert first.status_code == 200, first.text
        assert _counts(first.json()) == (4, 4, 0, 0)
        rows[0]["title"] = "改名"
        second = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=_jsonl(rows),
                             headers=NDJSON)
        assert _counts(second.json()) == (4, 0, 1, 3)
        assert client.get(DEMANDS, params={"external_id": "HR-1"}).json()["items"][0]["title"] == "改名"

    def test_invalid_line_is_422_with_its_row(self, client) -> None:
        org = make_org(client)
        payload = _jsonl(_rows(1)) + b"\n{not json}\n" + _jsonl(_rows(1))
        response = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=payload,
                               headers=NDJSON)
        body = assert_problem(response, 422)
        assert [(e["row"], e["line"]) for e in body["errors"]] == [(2, 2)]
        assert _total(client, DEMANDS) == 0

    def test_bad_row_is_reported_by_number(self, client) -> None:
        org = make_org(client)
        rows = _rows(3)
        rows[2]["headcount"] = -1
        response = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=_jsonl(rows),
                               headers=NDJSON)
        body = assert_problem(response, 422)
        assert row_errors(body) == [(3, "headcount")]
        assert _total(client, DEMANDS) == 0


class TestBulkDemandsCsv:
    HEADER = "external_id,title,description,skills,majors,headcount,salary_min,salary_max,education_level\n"

    def test_import_with_list_fields_separated_by_semicolons(self, client) -> None:
        org = make_org(client)
        payload = self.HEADER + (
            "C-1,PLC工程师,调试产线,PLC;电气调试;PLC,电气自动化技术;460306,3,6000,9000,higher_vocational\n"
            'C-2,"焊工, 二级",,焊接,,,,,\n'
        )
        response = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]},
                               content=payload.encode(), headers=CSV)
        assert response.status_code == 200, response.text
        assert _counts(response.json()) == (2, 2, 0, 0)
        items = client.get(DEMANDS, params={"sort": "title"}).json()["items"]
        assert [(d["external_id"], d["title"], d["description"], d["skills"], d["majors"], d["headcount"],
                 d["salary_min"], d["salary_max"], d["education_level"]) for d in items] == [
            ("C-1", "PLC工程师", "调试产线", ["PLC", "电气调试"], ["电气自动化技术", "460306"], 3, 6000, 9000,
             "higher_vocational"),
            ("C-2", "焊工, 二级", "", ["焊接"], [], 1, None, None, "any"),
        ]

    def test_reimport_same_then_modified(self, client) -> None:
        org = make_org(client)
        payload = self.HEADER + "C-1,a,d,x;y,,1,,,\nC-2,b,d,z,,2,,,\n"
        first = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=payload.encode(),
                            headers=CSV)
        assert _counts(first.json()) == (2, 2, 0, 0)
        same = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=payload.encode(),
                           headers=CSV)
        assert _counts(same.json()) == (2, 0, 0, 2)
        modified = payload.replace("C-2,b,d,z,,2", "C-2,b,d,z;w,,2") + "C-3,c,d,q,,1,,,\n"
        third = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=modified.encode(),
                            headers=CSV)
        assert _counts(third.json()) == (3, 1, 1, 1)

    def test_bad_cell_is_reported_by_row_and_field(self, client) -> None:
        org = make_org(client)
        payload = self.HEADER + "C-1,a,d,x,,1,,,\nC-2,b,d,x,,many,,,\nC-3,c,d,x,,1,,,master's\n"
        response = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]},
                               content=payload.encode(), headers=CSV)
        body = assert_problem(response, 422)
        assert row_errors(body) == [(2, "headcount"), (3, "education_level")]
        assert _total(client, DEMANDS) == 0

    def test_row_with_more_cells_than_header_is_422(self, client) -> None:
        org = make_org(client)
        payload = "external_id,title\nC-1,a,extra\n"
        body = assert_problem(client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]},
                                          content=payload.encode(), headers=CSV), 422)
        assert [e["row"] for e in body["errors"]] == [1]


class TestBulkBodyErrors:
    def test_unsupported_content_type_is_415(self, client) -> None:
        body = assert_problem(client.post(f"{DEMANDS}/bulk", content=b"a,b", headers={"content-type": "text/plain"}),
                              415)
        assert body["title"] == "Unsupported media type"

    def test_missing_content_type_is_415(self, client) -> None:
        assert_problem(client.post(f"{DEMANDS}/bulk", content=b"[]", headers={"content-type": ""}), 415)

    def test_invalid_json_is_422(self, client) -> None:
        body = assert_problem(client.post(f"{DEMANDS}/bulk", content=b'[{"title": ', headers=JSON), 422)
        assert error_fields(body) == [("body", "body")]
        assert body["detail"].startswith("invalid JSON")

    def test_json_object_instead_of_array_is_422(self, client) -> None:
        body = assert_problem(client.post(f"{DEMANDS}/bulk", content=b'{"title": "x"}', headers=JSON), 422)
        assert body["detail"] == "expected a JSON array of records"

    def test_array_element_that_is_not_an_object_is_422(self, client) -> None:
        body = assert_problem(client.post(f"{DEMANDS}/bulk", content=b'[{"title": "x"}, 5]', headers=JSON), 422)
        assert [e["row"] for e in body["errors"]] == [2]

    @pytest.mark.parametrize(
        "payload, headers",
        [(b"[]", JSON), (b"", NDJSON), (b"\n\n", NDJSON), (b"external_id,title\n", CSV), (b"", CSV)],
        ids=["json", "ndjson-empty", "ndjson-blank-lines", "csv-header-only", "csv-empty"],
    )
    def test_empty_batch_is_422(self, client, payload, headers) -> None:
        body = assert_problem(client.post(f"{DEMANDS}/bulk", content=payload, headers=headers), 422)
        assert body["detail"] == "the batch is empty"

    def test_invalid_utf8_is_422(self, client) -> None:
        body = assert_problem(client.post(f"{DEMANDS}/bulk", content=b"\xff\xfe[", headers=JSON), 422)
        assert error_fields(body) == [("body", "body")]

    def test_non_positive_default_owner_is_422(self, client) -> None:
        body = assert_problem(client.post(f"{DEMANDS}/bulk", params={"organization_id": 0}, content=b"[]",
                                          headers=JSON), 422)
        assert error_fields(body) == [("organization_id", "query")]


class TestBulkSize:
    def test_10000_rows_are_imported(self, client, db_session) -> None:
        org = make_org(client)
        rows = [{"external_id": f"E{i:05d}", "title": f"岗位{i}", "skills": ["PLC"]} for i in range(10_000)]
        response = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=_jsonl(rows),
                               headers=NDJSON)
        assert response.status_code == 200, response.text[:500]
        result = response.json()
        assert _counts(result) == (10_000, 10_000, 0, 0)
        assert len(result["items"]) == 10_000
        assert _total(client, DEMANDS) == 10_000
        assert _change_count(db_session, "demand") == 10_000

    def test_10001_rows_are_422(self, client) -> None:
        org = make_org(client)
        rows = [{"external_id": f"E{i}", "title": "t", "skills": ["s"]} for i in range(10_001)]
        response = client.post(f"{DEMANDS}/bulk", params={"organization_id": org["id"]}, content=_jsonl(rows),
                               headers=NDJSON)
        body = assert_problem(response, 422)
        assert body["detail"] == "the batch has 10001 records; at most 10000 are allowed"
        assert _total(client, DEMANDS) == 0


class TestBulkPrograms:
    def test_json_import_reimport_and_modified(self, client, db_session) -> None:
        school = make_school(client)
        rows = [{**program_body(school["id"]), "external_id": f"ZY-{i}", "name": f"专业{i}"} for i in range(3)]
        first = client.post(f"{PROGRAMS}/bulk", content=json.dumps(rows), headers=JSON)
        assert first.status_code == 200, first.text
        assert _counts(first.json()) == (3, 3, 0, 0)
        assert _counts(client.post(f"{PROGRAMS}/bulk", content=json.dumps(rows), headers=JSON).json()) == (3, 0, 0, 3)
        rows[2]["annual_enrollment"] = 10
        assert _counts(client.post(f"{PROGRAMS}/bulk", content=json.dumps(rows), headers=JSON).json()) == (3, 0, 1, 2)
        assert _change_count(db_session, "program") == 4

    def test_csv_with_list_fields_and_industry_names(self, client) -> None:
        school = make_school(client)
        payload = (
            "external_id,name,major_code,skills,courses,industries,annual_enrollment\n"
            "ZY-1,电气自动化技术,460306,PLC;电气控制,电机与电气控制;PLC应用技术,智能装备及智能制造;nev,120\n"
        )
        response = client.post(f"{PROGRAMS}/bulk", params={"organization_id": school["id"]},
                               content=payload.encode(), headers=CSV)
        assert response.status_code == 200, response.text
        program = client.get(PROGRAMS).json()["items"][0]
        assert (program["external_id"], program["major_code"], program["skills"], program["courses"],
                program["industries"], program["annual_enrollment"], program["education_level"]) == (
            "ZY-1", "460306", ["PLC", "电气控制"], ["电机与电气控制", "PLC应用技术"], ["smart_mfg", "nev"], 120,
            "higher_vocational")

    def test_jsonl_import(self, client) -> None:
        school = make_school(client)
        rows = [{"external_id": f"ZY-{i}", "name": f"专业{i}"} for i in range(2)]
        response = client.post(f"{PROGRAMS}/bulk", params={"organization_id": school["id"]}, content=_jsonl(rows),
                               headers=NDJSON)
        assert _counts(response.json()) == (2, 2, 0, 0)

    def test_enterprise_owner_and_level_any_rows_are_422(self, client) -> None:
        school, org = make_school(client), make_org(client)
        existing = make_program(client, school["id"], external_id="ZY-0")
        rows = [{"external_id": "ZY-1", "name": "a"},
                {"external_id": "ZY-2", "name": "b", "organization_id": org["id"]},
                {"external_id": "ZY-3", "name": "c", "education_level": "any"}]
        response = client.post(f"{PROGRAMS}/bulk", params={"organization_id": school["id"]},
                               content=json.dumps(rows), headers=JSON)
        body = assert_problem(response, 422)
        assert row_errors(body) == [(2, "organization_id"), (3, "education_level")]
        assert client.get(PROGRAMS).json()["items"] == [existing]
