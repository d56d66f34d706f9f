"""Webhooks end to end: a write that makes a match above the threshold is delivered, signed, once."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from factories import make_demand, make_org, make_program, make_school
from sqlalchemy import select, update

from app.webhooks.signing import verify

NURSING = {
    "name": "护理",
    "major_code": "520201",
    "description": "培养掌握基础护理、老年护理、急救技术的护理人才，面向医院和养老机构。",
    "skills": ["基础护理", "老年护理"],
    "courses": ["基础护理学", "老年护理"],
    "certificates": ["护士执业资格证"],
    "industries": ["care"],
}


def subscribe(client: Any, url: str, **body: Any) -> dict[str, Any]:
    payload = {"name": "新匹配推送", "target_url": url, "kind": "matches", "scope": "demands", "min_score": 0.3, **body}
    r = client.post("/api/v1/webhooks/subscriptions", json=payload)
    assert r.status_code == 201, r.text
    return r.json()


def deliveries(client: Any, sub_id: int, **params: Any) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/webhooks/subscriptions/{sub_id}/deliveries", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def wait_for_log(client: Any, sub_id: int, status: str, count: int = 1, timeout: float = 15) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = deliveries(client, sub_id, status=status)
        if len(items) >= count:
            return items
        time.sleep(0.05)
    raise AssertionError(f"no {count} {status} deliveries: {deliveries(client, sub_id)}")


def quiet(seconds: float = 1.0) -> None:
    """Give the workers (polling every 0.05 s) time to do anything they would do."""
    time.sleep(seconds)


class TestMatchDelivery:
    def test_a_new_match_above_the_threshold_is_delivered_once_and_signed(
        self, wclient: Any, client_as: Any, receiver: Any
    ) -> None:
        ent, school = make_org(wclient), make_school(wclient)
        demand = make_demand(wclient, ent["id"])
        admin = client_as("org_admin", ent["id"])
        sub = subscribe(admin, receiver.url)
        assert sub["secret"].startswith("whsec_") and sub["secret_hint"].endswith(sub["secret"][-4:])

        program = make_program(wclient, school["id"])

        (req,) = receiver.wait_for(1)
        quiet()
        assert len(receiver.requests) == 1
        assert verify(sub["secret"], req.body, req.headers["x-webhook-signature"])
        assert req.headers["x-webhook-signature"].startswith("sha256=")
        assert int(req.headers["x-webhook-timestamp"]) > 0
        body = req.json
        assert req.headers["x-webhook-id"] == body["id"]
        assert body["type"] == "match.new" and req.headers["x-webhook-event"] == "match.new"
        assert body["record"]["kind"] == "demand" and body["record"]["id"] == demand["id"]
        assert body["match"]["kind"] == "program" and body["match"]["id"] == program["id"]
        assert body["score"] >= 0.3 and body["match"]["score"] == body["score"]
        assert body["record"]["title"] == "PLC电气调试工程师"  # UTF-8 intact
        assert body["subscription"]["id"] == sub["id"]

        (logged,) = wait_for_log(admin, sub["id"], "delivered")
        assert logged["delivery_id"] == body["id"]
        assert logged["attempts"] == 1 and logged["last_status_code"] == 200 and logged["last_error"] is None
        assert logged["payload"] == body

    def test_changes_that_make_no_new_match_above_the_threshold_send_nothing(
        self, wclient: Any, client_as: Any, receiver: Any
    ) -> None:
        ent, school = make_org(wclient), make_school(wclient)
        make_demand(wclient, ent["id"])
        admin = client_as("org_admin", ent["id"])
        sub = subscribe(admin, receiver.url)
        program = make_program(wclient, school["id"])
        receiver.wait_for(1)

        make_program(wclient, school["id"], **NURSING)  # scores far below 0.3 for the PLC demand
        r = wclient.patch(f"/api/v1/programs/{program['id']}", json={"annual_enrollment": 150})  # same text
        assert r.status_code == 200
        other = make_org(wclient)
        make_demand(wclient, other["id"])  # another organization's demand: not in this scope
        quiet(1.5)
        assert len(receiver.requests) == 1
        assert [d["event_type"] for d in deliveries(admin, sub["id"])] == ["match.new"]

    def test_supply_scope_hears_about_a_new_fitting_demand(
        self, wclient: Any, client_as: Any, receiver: Any
    ) -> None:
        ent, school = make_org(wclient), make_school(wclient)
        program = make_program(wclient, school["id"])
        sub = subscribe(client_as("org_admin", school["id"]), receiver.url, scope="supplies")
        demand = make_demand(wclient, ent["id"])
        (req,) = receiver.wait_for(1)
        body = req.json
        assert (body["record"]["kind"], body["record"]["id"]) == ("program", program["id"])
        assert (body["match"]["kind"], body["match"]["id"]) == ("demand", demand["id"])
        assert body["match"]["external_id"] is None  # another tenant's private field stays blank
        assert verify(sub["secret"], req.body, req.headers["x-webhook-signature"])

    def test_records_scope_watches_only_the_listed_records(
        self, wclient: Any, client_as: Any, receiver: Any
    ) -> None:
        ent, school = make_org(wclient), make_school(wclient)
        watched = make_demand(wclient, ent["id"], external_id="HR-W")
        make_demand(wclient, ent["id"], title="PLC电气工程师（二）")  # fits too, but is not listed
        sub = subscribe(client_as("org_admin", ent["id"]), receiver.url, scope="records",
                        record_refs=[f"demand:{watched['id']}"])
        make_program(wclient, school["id"])
        (req,) = receiver.wait_for(1)
        quiet()
        assert len(receiver.requests) == 1
        assert req.json["record"] == {
            "kind": "demand", "id": watched["id"], "title": watched["title"], "organization_id": ent["id"],
            "external_id": "HR-W", "url": f"/api/v1/demands/{watched['id']}"}
        assert req.json["subscription"]["id"] == sub["id"]

    def test_drafts_never_produce_events(self, wclient: Any, client_as: Any, receiver: Any) -> None:
        ent, school = make_org(wclient), make_school(wclient)
        make_demand(wclient, ent["id"])
        subscribe(client_as("org_admin", ent["id"]), receiver.url)
        make_program(wclient, school["id"], status="draft")
        quiet(1.5)
        assert receiver.requests == []

    def test_saved_search_announces_records_it_finds(self, wclient: Any, client_as: Any, receiver: Any) -> None:
        ent, school = make_org(wclient), make_school(wclient)
        sub = subscribe(client_as("org_admin", ent["id"]), receiver.url, kind="saved_search", scope=None,
                        query={"q": "护理", "type": "program"}, min_score=0.3)
        make_program(wclient, school["id"])  # PLC: not found by the search
        nursing = make_program(wclient, school["id"], **NURSING)
        (req,) = receiver.wait_for(1)
        quiet(0.5)
        assert len(receiver.requests) == 1
        body = req.json
        assert body["type"] == "saved_search.new"
        assert (body["record"]["kind"], body["record"]["id"]) == ("program", nursing["id"])
        assert body["search"] == {"q": "护理", "type": "program"}
        assert verify(sub["secret"], req.body, req.headers["x-webhook-signature"])


class TestRetries:
    def test_failing_twice_then_ok_is_delivered_on_the_third_attempt_with_the_same_id(
        self, wclient: Any, client_as: Any, receiver: Any
    ) -> None:
        receiver.statuses = [500, 503]
        ent = make_org(wclient)
        admin = client_as("org_admin", ent["id"])
        sub = subscribe(admin, receiver.url)
        r = admin.post(f"/api/v1/webhooks/subscriptions/{sub['id']}/test")
        assert r.status_code == 202
        delivery_id = r.json()["delivery_id"]

        requests = receiver.wait_for(3)
        quiet(0.5)
        assert len(receiver.requests) == 3
        assert {q.headers["x-webhook-id"] for q in requests} == {delivery_id}
        assert [q.headers["x-webhook-attempt"] for q in requests] == ["1", "2", "3"]
        assert all(verify(sub["secret"], q.body, q.headers["x-webhook-signature"]) for q in requests)
        assert len({q.body for q in requests}) == 1
        (logged,) = wait_for_log(admin, sub["id"], "delivered")
        assert logged["attempts"] == 3 and logged["event_type"] == "ping" and logged["last_error"] is None

    def test_gives_up_after_max_attempts_and_logs_the_last_error(
        self, two_attempts: None, wclient: Any, client_as: Any, receiver: Any
    ) -> None:
        receiver.statuses = [500, 500, 500]
        ent = make_org(wclient)
        admin = client_as("org_admin", ent["id"])
        sub = subscribe(admin, receiver.url)
        admin.post(f"/api/v1/webhooks/subscriptions/{sub['id']}/test")
        (logged,) = wait_for_log(admin, sub["id"], "failed")
        quiet(0.5)
        assert logged["attempts"] == 2 and logged["last_status_code"] == 500
        assert logged["last_error"].startswith("HTTP 500")
        assert len(receiver.requests) == 2


class TestLeaseExpiry:
    def test_a_delivery_whose_worker_died_is_sent_again_with_its_id(
        self, wclient: Any, client_as: Any, receiver: Any, db_session: Any
    ) -> None:
        from app.db.base import utcnow
        from app.webhooks.models import WebhookEvent

        ent = make_org(wclient)
        admin = client_as("org_admin", ent["id"])
        sub = subscribe(admin, receiver.url, active=False)  # paused: the workers leave its events alone
        dead = admin.post(f"/api/v1/webhooks/subscriptions/{sub['id']}/test").json()["delivery_id"]
        busy = admin.post(f"/api/v1/webhooks/subscriptions/{sub['id']}/test").json()["delivery_id"]
        now = utcnow()
        # One claimed by a worker that died (lease over), one by a worker still at it (lease running).
        for delivery_id, until in ((dead, now - timedelta(seconds=1)), (busy, now + timedelta(minutes=5))):
            db_session.execute(
                update(WebhookEvent).where(WebhookEvent.delivery_id == delivery_id)
                .values(status="delivering", attempts=1, locked_until=until, lease_token="gone")
            )
        db_session.commit()
        assert admin.patch(f"/api/v1/webhooks/subscriptions/{sub['id']}", json={"active": True}).status_code == 200

        (req,) = receiver.wait_for(1)
        quiet(0.5)
        assert len(receiver.requests) == 1
        assert req.headers["x-webhook-id"] == dead and req.headers["x-webhook-attempt"] == "2"
        db_session.expire_all()
        rows = {e.delivery_id: e for e in db_session.scalars(select(WebhookEvent))}
        assert rows[dead].status == "delivered" and rows[dead].attempts == 2
        assert rows[busy].status == "delivering"
