"""Operations: JSON logs with request ids, Prometheus metrics, readiness, index shutdown."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from factories import make_demand, make_org, make_program, make_school

from app.core.logging import JsonFormatter, RequestIdFilter, configure_logging, request_id_var
from app.matches.index import BuildStopped, MatchIndex


def _wait_ready(client: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not client.app.state.match_index.ready:
        assert time.monotonic() < deadline, "match index was not built in time"
        time.sleep(0.02)


class TestJsonLogs:
    def test_one_json_object_with_the_documented_fields(self) -> None:
        record = logging.LogRecord("talentmatch.access", logging.INFO, __file__, 1, "GET /x 200", None, None)
        for name, value in {"method": "GET", "path": "/x", "status": 200, "duration_ms": 1.5}.items():
            setattr(record, name, value)
        token = request_id_var.set("req-123")
        try:
            RequestIdFilter().filter(record)
            line = JsonFormatter().format(record)
        finally:
            request_id_var.reset(token)
        assert "\n" not in line
        body = json.loads(line)
        assert body["level"] == "INFO"
        assert body["logger"] == "talentmatch.access"
        assert body["message"] == "GET /x 200"
        assert body["request_id"] == "req-123"
        assert (body["method"], body["path"], body["status"], body["duration_ms"]) == ("GET", "/x", 200, 1.5)
        assert body["ts"].endswith("+00:00")

    def test_arbitrary_extras_are_not_copied(self) -> None:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
        record.password = "hunter2-secret"
        assert "hunter2" not in JsonFormatter().format(record)

    def test_configure_switches_format_and_silences_uvicorn_access(self) -> None:
        configure_logging("WARNING", "json")
        try:
            ours = [h for h in logging.getLogger().handlers if getattr(h, "_talentmatch", False)]
            assert len(ours) == 1
            assert isinstance(ours[0].formatter, JsonFormatter)
            assert logging.getLogger("uvicorn.access").disabled
        finally:
            configure_logging("WARNING", "text")


class TestAccessLog:
    def test_request_id_is_echoed_and_logged_without_query_or_credentials(
        self, client: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="talentmatch.access")
        response = client.get("/api/v1/demands", params={"q": "secret-query-value"},
                              headers={"X-Request-ID": "abc-123"})
        assert response.status_code == 200
        assert response.headers["X-Request-ID"] == "abc-123"
        records = [r for r in caplog.records if r.name == "talentmatch.access" and r.path == "/api/v1/demands"]
        assert len(records) == 1
        record = records[0]
        assert (record.request_id, record.method, record.status, record.route) == (
            "abc-123", "GET", 200, "/api/v1/demands")
        assert record.duration_ms >= 0
        line = JsonFormatter().format(record)
        auth = client.headers["Authorization"].split()[-1]
        assert "secret-query-value" not in line and auth not in line and "abc-123" in line

    def test_a_generated_id_when_none_or_a_bad_one_is_sent(self, anon_client: Any) -> None:
        generated = anon_client.get("/healthz").headers["X-Request-ID"]
        assert len(generated) == 32
        bad = anon_client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"}).headers["X-Request-ID"]
        assert bad != "bad id\twith spaces" and len(bad) == 32


class TestMetrics:
    def test_route_templates_match_latency_and_index_gauges(self, client: Any) -> None:
        _wait_ready(client)
        school = make_school(client)
        make_program(client, school["id"])
        demand = make_demand(client, make_org(client)["id"])
        assert client.get(f"/api/v1/demands/{demand['id']}/matches").status_code == 200
        text = client.get("/metrics").text
        assert 'route="/api/v1/demands/{record_id}/matches"' in text
        assert f"/api/v1/demands/{demand['id']}/matches" not in text  # never the raw path
        assert 'talentmatch_match_duration_seconds_count{kind="demand"}' in text
        assert "talentmatch_match_index_ready 1.0" in text
        assert 'talentmatch_match_index_documents{kind="demand"}' in text
        assert "talentmatch_match_index_age_seconds" in text
        assert "talentmatch_match_index_build_seconds" in text

    def test_metrics_token(self, anon_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        from app.core.config import get_settings

        monkeypatch.setenv("METRICS_TOKEN", "metrics-token-for-tests")
        get_settings.cache_clear()
        try:
            assert anon_client.get("/metrics").status_code == 401
            ok = anon_client.get("/metrics", headers={"Authorization": "Bearer metrics-token-for-tests"})
            assert ok.status_code == 200
            assert ok.headers["content-type"].startswith("text/plain")
        finally:
            monkeypatch.delenv("METRICS_TOKEN")
            get_settings.cache_clear()
        assert anon_client.get("/metrics").status_code == 200

    def test_metrics_are_not_in_the_openapi_schema(self, anon_client: Any) -> None:
        assert "/metrics" not in anon_client.get("/openapi.json").json()["paths"]


class TestReadiness:
    def test_database_and_index_checks(self, client: Any) -> None:
        _wait_ready(client)
        body = client.get("/readyz").json()
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["match_index"] == "ok"
        if "webhooks" in body["checks"]:  # once app/webhooks is installed
            assert body["checks"]["webhooks"] == "ok"
            assert "backlog" in body["webhooks"]


class TestIndexShutdown:
    def test_a_build_gives_up_between_steps_once_stopped(self) -> None:
        from app.db.session import get_sessionmaker

        index = MatchIndex(get_sessionmaker())
        index._stop.set()
        with pytest.raises(BuildStopped):
            index.build()
        assert not index.ready

    def test_stop_joins_the_threads_quickly(self) -> None:
        from app.db.session import get_sessionmaker

        index = MatchIndex(get_sessionmaker())
        index.start(poll_seconds=0.05)
        started = time.monotonic()
        index.stop(timeout=10)
        assert time.monotonic() - started < 10
        assert not any(t.is_alive() for t in index._threads)
