"""`boardkeeper serve`, the production server, run as a user runs it: gunicorn on loopback with the static
files collected, hashed, compressed and served by WhiteNoise; `/healthz` answers a load balancer without a
sign-in, and everything else still needs one.

The server runs on an SQLite database of its own in a temporary folder (never the suite's database)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR_CSS = ROOT / "boardkeeper" / "static" / "vendor" / "govuk-frontend.min.css"

pytestmark = pytest.mark.skipif(not VENDOR_CSS.exists(), reason="the static files need `make setup` (npm)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("serve")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(BOARDKEEPER_DATA=str(data), PYTHONUNBUFFERED="1")
    cli = [sys.executable, "-m", "boardkeeper.cli"]
    subprocess.run([*cli, "migrate", "--verbosity", "0"], env=env, check=True, cwd=data, timeout=300)
    port = free_port()
    log = (data / "serve.log").open("wb")
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "2"],  # the default: sync workers
        env=env,
        cwd=data,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                break
            try:
                if fetch(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer in 30 s")
        assert process.poll() is None, (data / "serve.log").read_text()
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_healthz_answers_without_a_sign_in_and_says_the_database_is_reached(server: str) -> None:
    status, headers, body = fetch(f"{server}/healthz")
    assert (status, body) == (200, b'{"status": "ok"}')
    assert "no-store" in headers["Cache-Control"]
    assert "Set-Cookie" not in headers


def test_pages_still_need_a_sign_in(server: str) -> None:
    status, headers, _ = fetch(f"{server}/")
    assert status == 302 and headers["Location"].startswith("/accounts/login/")
    assert headers["Server"] == "gunicorn"


def test_each_answer_closes_its_connection_so_waiting_requests_go_to_whichever_worker_is_free(
    server: str,
) -> None:
    """Sync workers, the default: a client asking to keep its connection alive is still answered with
    `Connection: close`, so its next request is queued for any free worker instead of being held by the
    worker that took the connection (threaded workers keep it, and under load left clients behind)."""
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", "/healthz", headers={"Connection": "keep-alive"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert response.headers["Connection"] == "close"
    finally:
        connection.close()


def test_static_files_are_hashed_compressed_cached_for_a_year_and_carry_the_security_headers(
    server: str,
) -> None:
    status, _, page = fetch(f"{server}/accounts/login/")
    assert status == 200
    ours = re.findall(rb'href="(/static/boardkeeper\.[0-9a-f]{12}\.css)"', page)
    assert ours, "the sign-in page links the hashed stylesheet"
    _, _, stylesheet = fetch(f"{server}{ours[0].decode()}")
    govuk = re.findall(rb"vendor/govuk-frontend\.min\.[0-9a-f]{12}\.css", stylesheet)
    assert govuk, "which imports GOV.UK Frontend's, hashed too"
    status, headers, body = fetch(f"{server}/static/{govuk[0].decode()}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip" and len(body) < VENDOR_CSS.stat().st_size / 3
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "Access-Control-Allow-Origin" not in headers
