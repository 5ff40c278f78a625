"""Hardening: the deployment check under production settings, the Content Security Policy and the
headers every response carries, and templates without inline scripts or styles."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from cast import Cast
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "boardkeeper" / "templates"


def test_the_deployment_check_is_clean_under_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "boardkeeper.example.org",
        "BOARDKEEPER_HTTPS": "1",
        "BOARDKEEPER_DATA": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "boardkeeper.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "boardkeeper.example.org",
        "BOARDKEEPER_DATA": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "boardkeeper.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_every_response_carries_a_strict_content_security_policy(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.manager)
    for url in [
        reverse("login"),
        reverse("partnership", args=[cast.partnership.slug]),
        reverse("my_actions"),
    ]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert (
            "script-src 'self'" in policy and "style-src 'self'" in policy and "'unsafe-inline'" not in policy
        )
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    signed_in = client.get(reverse("partnership", args=[cast.partnership.slug]))
    assert "no-store" in signed_in["Cache-Control"]
    assert not re.search(rb"<script(?![^>]*\bsrc=)", signed_in.content)


def test_no_template_has_an_inline_script_style_or_event_handler() -> None:
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parent.name == "mail":
            continue  # e-mails, not pages: no Content Security Policy there, and mail readers take inline styles only
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)", r"<style\b", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            if re.search(pattern, text, re.I):
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []


def test_cookies_are_http_only_same_site_and_secure_behind_https(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "boardkeeper.example.org",
        "BOARDKEEPER_HTTPS": "1",
        "BOARDKEEPER_DATA": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "boardkeeper.settings",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert out.stdout.split() == ["True", "True", "True", "Lax", "True", "True", "False"], out.stderr
