"""School-enterprise cooperation offers: /api/v1/cooperation-offers."""

from __future__ import annotations

from datetime import datetime

from factories import assert_problem, error_fields, list_ids, make_offer, make_org, make_school
from sqlalchemy import select

from app.changes.models import ChangeLogEntry

URL = "/api/v1/cooperation-offers"
CONTRACT = {"id", "organization_id", "direction", "kind", "title", "description", "skills", "region_code",
            "capacity", "valid_from", "valid_until", "status", "created_at", "updated_at"}


def _ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed


def _body(org_id: int, **overrides):
    return {"organization_id": org_id, "kind": "internship", "title": "暑期实习", **overrides}


class TestCreateOffer:
    def test_creates_with_every_field(self, client) -> None:
        org = make_org(client)
        body = _body(org["id"], direction="seek", kind="training_base", description="共建实训基地",
                     skills=["数控"], region_code="500117", capacity=40, valid_from="2026-03-01",
                     valid_until="2026-09-01", status="draft")
        response = client.post(URL, json=body)
        assert response.status_code == 201, response.text
        got = response.json()
        assert set(got) == CONTRACT
        assert got == {**body, "id": got["id"], "created_at": got["created_at"], "updated_at": got["updated_at"]}

    def test_defaults(self, client) -> None:
        school = make_school(client)
        response = client.post(URL, json=_body(school["id"]))
        assert response.status_code == 201, response.text
        got = response.json()
        assert {k: v for k, v in got.items() if k not in {"id", "created_at", "updated_at"}} == {
            "organization_id": school["id"], "direction": "offer", "kind": "internship", "title": "暑期实习",
            "description": "", "skills": [], "region_code": None, "capacity": None, "valid_from": None,
            "valid_until": None, "status": "open",
        }

    def test_any_organization_kind_may_own_an_offer(self, client) -> None:
        government = make_org(client, kind="government")
        assert make_offer(client, government["id"])["organization_id"] == government["id"]

    def test_missing_kind_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json={"organization_id": org["id"], "title": "x"}), 422)
        assert error_fields(body) == [("kind", "body")]

    def test_unknown_enums_are_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=_body(org["id"], kind="donation", direction="both")), 422)
        assert sorted(error_fields(body)) == [("direction", "body"), ("kind", "body")]

    def test_unknown_owner_is_422_on_organization_id(self, client) -> None:
        body = assert_problem(client.post(URL, json=_body(777)), 422)
        assert error_fields(body) == [("organization_id", "body")]

    def test_title_over_200_characters_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=_body(org["id"], title="合" * 201)), 422)
        assert error_fields(body) == [("title", "body")]

    def test_negative_capacity_is_422(self, client) -> None:
        org = make_org(client)
        body = assert_problem(client.post(URL, json=_body(org["id"], capacity=-3)), 422)
        assert error_fields(body) == [("capacity", "body")]

    def test_valid_from_after_valid_until_is_422(self, client) -> None:
        org = make_org(client)
        response = client.post(URL, json=_body(org["id"], valid_from="2026-10-01", valid_until="2026-09-30"))
        body = assert_problem(response, 422)
        assert error_fields(body) == [("valid_from", "body")]

    def test_title_is_trimmed(self, client) -> None:
        org = make_org(client)
        assert make_offer(client, org["id"], title="\ufeff 订单班 \u200b")["title"] == "订单班"


class TestReadOffer:
    def test_reads_created_record(self, client) -> None:
        offer = make_offer(client, make_org(client)["id"])
        response = client.get(f"{URL}/{offer['id']}")
        assert response.status_code == 200
        assert response.json() == offer

    def test_unknown_id_is_404(self, client) -> None:
        body = assert_problem(client.get(f"{URL}/606"), 404)
        assert body["detail"] == "cooperation_offer 606 does not exist"


class TestListOffers:
    def test_filter_organization_id(self, client) -> None:
        a, b = make_org(client), make_school(client)
        wanted = make_offer(client, a["id"])
        make_offer(client, b["id"])
        assert list_ids(client, URL, organization_id=a["id"]) == [wanted["id"]]

    def test_filter_direction(self, client) -> None:
        org = make_org(client)
        make_offer(client, org["id"], direction="seek")
        offer = make_offer(client, org["id"], direction="offer")
        assert list_ids(client, URL, direction="offer") == [offer["id"]]

    def test_filter_kind(self, client) -> None:
        org = make_org(client)
        make_offer(client, org["id"], kind="order_class")
        rd = make_offer(client, org["id"], kind="rd_project")
        assert list_ids(client, URL, kind="rd_project") == [rd["id"]]

    def test_filter_status(self, client) -> None:
        org = make_org(client)
        make_offer(client, org["id"])
        closed = make_offer(client, org["id"], status="closed")
        assert list_ids(client, URL, status="closed") == [closed["id"]]

    def test_filter_region_code_province_prefix_and_exact(self, client) -> None:
        org = make_org(client)
        cq = make_offer(client, org["id"], region_code="500103")
        make_offer(client, org["id"], region_code="510104")
        assert list_ids(client, URL, region_code="500000") == [cq["id"]]
        assert list_ids(client, URL, region_code="500103") == [cq["id"]]

    def test_filter_skill(self, client) -> None:
        org = make_org(client)
        wanted = make_offer(client, org["id"], skills=["电池装配", "BMS"])
        make_offer(client, org["id"], skills=["焊接"])
        assert list_ids(client, URL, skill="BMS") == [wanted["id"]]

    def test_filter_q_matches_title_or_description(self, client) -> None:
        org = make_org(client)
        by_title = make_offer(client, org["id"], title="现代学徒制试点", description="")
        by_text = make_offer(client, org["id"], title="合作", description="开展现代学徒制")
        make_offer(client, org["id"], title="订单班", description="订单培养")
        assert list_ids(client, URL, q="现代学徒制", sort="created_at") == [by_title["id"], by_text["id"]]

    def test_filter_active_on(self, client) -> None:
        org = make_org(client)
        always = make_offer(client, org["id"])
        summer = make_offer(client, org["id"], valid_from="2026-07-01", valid_until="2026-08-31")
        spring = make_offer(client, org["id"], valid_until="2026-06-30")
        assert list_ids(client, URL, active_on="2026-07-15", sort="created_at") == [always["id"], summer["id"]]
        assert list_ids(client, URL, active_on="2026-06-30", sort="created_at") == [always["id"], spring["id"]]

    def test_sort_by_capacity(self, client) -> None:
        org = make_org(client)
        small = make_offer(client, org["id"], capacity=5)
        big = make_offer(client, org["id"], capacity=50)
        assert list_ids(client, URL, sort="-capacity") == [big["id"], small["id"]]
        assert list_ids(client, URL, sort="capacity,title") == [small["id"], big["id"]]

    def test_unknown_sort_key_is_422(self, client) -> None:
        body = assert_problem(client.get(URL, params={"sort": "direction"}), 422)
        assert error_fields(body) == [("sort", "query")]


class TestUpdateOffer:
    def test_changes_only_given_fields(self, client) -> None:
        offer = make_offer(client, make_org(client)["id"])
        response = client.patch(f"{URL}/{offer['id']}", json={"capacity": 60, "status": "closed"})
        assert response.status_code == 200, response.text
        got = response.json()
        assert got == {**offer, "capacity": 60, "status": "closed", "updated_at": got["updated_at"]}
        assert _ts(got["updated_at"]) > _ts(offer["updated_at"])

    def test_null_kind_is_422(self, client) -> None:
        offer = make_offer(client, make_org(client)["id"])
        body = assert_problem(client.patch(f"{URL}/{offer['id']}", json={"kind": None}), 422)
        assert error_fields(body) == [("kind", "body")]
        assert client.get(f"{URL}/{offer['id']}").json() == offer

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.patch(f"{URL}/999", json={"capacity": 1}), 404)


class TestDeleteOffer:
    def test_deletes_then_404(self, client) -> None:
        offer = make_offer(client, make_org(client)["id"])
        assert client.delete(f"{URL}/{offer['id']}").status_code == 204
        assert_problem(client.get(f"{URL}/{offer['id']}"), 404)

    def test_unknown_id_is_404(self, client) -> None:
        assert_problem(client.delete(f"{URL}/999"), 404)


class TestOfferChangeLog:
    def test_create_update_delete_are_logged(self, client, db_session) -> None:
        offer = make_offer(client, make_org(client)["id"])
        client.patch(f"{URL}/{offer['id']}", json={"capacity": 1})
        client.patch(f"{URL}/{offer['id']}", json={"capacity": 1})
        client.delete(f"{URL}/{offer['id']}")
        rows = db_session.execute(
            select(ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.op).order_by(ChangeLogEntry.id)
        ).all()
        assert [tuple(r) for r in rows] == [("cooperation_offer", offer["id"], "upsert"),
                                            ("cooperation_offer", offer["id"], "upsert"),
                                            ("cooperation_offer", offer["id"], "delete")]
