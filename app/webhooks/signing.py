"""Webhook signatures and target-URL checks (shared by the API and the deliverer)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
from typing import Any
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-Webhook-Signature"
ID_HEADER = "X-Webhook-Id"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
EVENT_HEADER = "X-Webhook-Event"
ATTEMPT_HEADER = "X-Webhook-Attempt"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON with sorted keys, stable across retries."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the raw body with the subscription's secret>``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header)


def url_problem(url: str, *, allow_private: bool, resolve: bool = True) -> str | None:
    """Why ``url`` may not be a webhook target, or ``None`` if it may.

    Only http and https; no user info. Unless private targets are allowed, the host must not
    be (or resolve to) a loopback, private, link-local, multicast or reserved address (SSRF).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("http", "https"):
        return "only http and https URLs are allowed"
    if not parts.hostname:
        return "the URL has no host"
    if parts.username or parts.password:
        return "credentials in the URL are not allowed; authenticate with the signature"
    if allow_private:
        return None
    host = parts.hostname
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        if host.lower() == "localhost" or host.lower().endswith(".localhost"):
            return "the URL points to a loopback address"
        if not resolve:
            return None
        try:
            infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
        except OSError:
            return "the host name does not resolve"
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if not address.is_global or address.is_multicast:
            return "the URL points to a private, loopback or reserved address"
    return None
