"""Passwords and keys never leak; bootstrap scripts; production refuses placeholder secrets."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import Any

import pytest
from factories import bearer, login, make_org
from pydantic import ValidationError

from app.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_passwords_and_keys_never_reach_logs_or_later_responses(
    client: Any, anon_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    org = make_org(client)
    password = "Very-Secret-Pass-123"
    user = client.post(f"/api/v1/organizations/{org['id']}/users",
                       json={"email": "hr@corp.example", "password": password, "role": "org_admin"})
    assert password not in user.text
    tokens = login(anon_client, "hr@corp.example", password).json()
    login(anon_client, "hr@corp.example", "Wrong-Guess-456")
    admin = bearer(tokens["access_token"])
    created = anon_client.post(f"/api/v1/organizations/{org['id']}/api-keys", json={"name": "HR"}, headers=admin)
    key = created.json()["key"]
    anon_client.get("/api/v1/auth/me", headers={"X-API-Key": key})
    anon_client.get("/api/v1/auth/me", headers={"X-API-Key": key[:-2] + "zz"})
    anon_client.delete(f"/api/v1/organizations/{org['id']}/api-keys/{created.json()['id']}", headers=admin)

    later = [
        client.get(f"/api/v1/organizations/{org['id']}/users"),
        client.get(f"/api/v1/organizations/{org['id']}/api-keys"),
        client.get("/api/v1/audit-log", params={"limit": 100}),
    ]
    # the key is tm_<prefix>_<secret>; the secret (urlsafe base64) may itself contain "_"
    secrets = [password, "Wrong-Guess-456", key, key.split("_", 2)[2], tokens["refresh_token"]]
    for secret in secrets:
        assert secret not in caplog.text
        for response in later:
            assert secret not in response.text


class TestCreateAdminScript:
    def test_creates_then_resets(self, anon_client: Any, capsys: pytest.CaptureFixture[str]) -> None:
        script = _script("create_admin")
        assert script.main(["--email", "Root@Example.org", "--password", "First-password-1"]) == 0
        assert "created" in capsys.readouterr().out
        token = login(anon_client, "root@example.org", "First-password-1").json()["access_token"]
        assert anon_client.get("/api/v1/auth/me", headers=bearer(token)).json()["role"] == "platform_admin"
        assert script.main(["--email", "root@example.org", "--password", "Second-password-2"]) == 0
        assert "reset" in capsys.readouterr().out
        assert login(anon_client, "root@example.org", "First-password-1").status_code == 401
        assert login(anon_client, "root@example.org", "Second-password-2").status_code == 200

    def test_weak_password_is_refused(self, capsys: pytest.CaptureFixture[str]) -> None:
        script = _script("create_admin")
        assert script.main(["--email", "root@example.org", "--password", "short"]) == 2
        captured = capsys.readouterr()
        assert "short" not in captured.out and "characters" in captured.err


class TestDemoAdmin:
    def test_returns_working_random_credentials(self, anon_client: Any) -> None:
        from app.auth.service import ensure_demo_admin
        from app.db.session import get_sessionmaker

        with get_sessionmaker().begin() as session:
            email, first = ensure_demo_admin(session)
        with get_sessionmaker().begin() as session:
            _, second = ensure_demo_admin(session)
        assert first != second  # no fixed default password
        assert login(anon_client, email, first).status_code == 401
        assert login(anon_client, email, second).status_code == 200

    def test_refused_in_production(self, monkeypatch: pytest.MonkeyPatch, db_session: Any) -> None:
        from app.auth import service
        from app.core.config import get_settings

        monkeypatch.setenv("ENVIRONMENT", "production")
        monkeypatch.setenv("SECRET_KEY", "x" * 40)
        monkeypatch.setenv("PASSWORD_HASH_TIME_COST", "2")
        monkeypatch.setenv("PASSWORD_HASH_MEMORY_KIB", "19456")
        get_settings.cache_clear()
        try:
            with pytest.raises(RuntimeError):
                service.ensure_demo_admin(db_session)
        finally:
            monkeypatch.undo()
            get_settings.cache_clear()


class TestProductionSettings:
    @pytest.mark.parametrize("secret", ["", "changeme", "secret", "too-short"])
    def test_placeholder_secret_refuses_to_start(self, secret: str) -> None:
        with pytest.raises(ValidationError, match="SECRET_KEY"):
            Settings(environment="production", secret_key=secret)

    def test_a_real_secret_is_accepted(self) -> None:
        settings = Settings(environment="production", secret_key="k" * 48, password_hash_time_cost=3,
                            password_hash_memory_kib=65536)
        assert settings.secret_key.get_secret_value() == "k" * 48

    def test_local_gets_a_stable_per_process_secret(self) -> None:
        first, second = Settings(environment="local", secret_key=""), Settings(environment="local", secret_key="")
        assert len(first.secret_key.get_secret_value()) >= 32
        assert first.secret_key.get_secret_value() == second.secret_key.get_secret_value()
        assert "secret_key" not in repr(first) or "**" in repr(first)
