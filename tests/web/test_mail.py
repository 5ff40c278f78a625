"""E-mail: sent through a real SMTP server on loopback (aiosmtpd), its settings read from EMAIL_URL."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from smtp import Recorder

from boardkeeper.lib import mail
from boardkeeper.lib.mail import email_settings_from_env, email_settings_from_url, send_templated

EVIL = '<script>alert("x")</script> & "quotes"'


def parts(received: Any) -> dict[str, str]:
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    # lines end CRLF on the wire
    return {
        part.get_content_type(): part.get_content().replace("\r\n", "\n") for part in message.iter_parts()
    }


def test_a_templated_mail_arrives_at_the_smtp_server_with_both_bodies(
    smtp_server: Recorder, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Boardkeeper <noreply@boardkeeper.test>"
    send_templated(
        to=["pete@example.org", "amrita@example.org"],
        subject="A test\ne-mail",
        template="test",
        context={"name": "Pete", "link": "https://boardkeeper.test/sign-in?next=/a&b=1"},
    )

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.mail_from == "noreply@boardkeeper.test"
    assert received.rcpt_tos == ["pete@example.org", "amrita@example.org"]
    message = received.message
    assert message["Subject"] == "A test e-mail"  # one line, whatever the caller gave
    assert message["From"] == "Boardkeeper <noreply@boardkeeper.test>"
    assert message["To"] == "pete@example.org, amrita@example.org"

    bodies = parts(received)
    assert set(bodies) == {"text/plain", "text/html"}
    text, html = bodies["text/plain"], bodies["text/html"]
    assert text.startswith("A test e-mail\n")
    assert "Dear Pete," in text
    assert (
        "Sign in to Boardkeeper: https://boardkeeper.test/sign-in?next=/a&b=1" in text
    )  # plain: not escaped
    assert "Boardkeeper holds special category data. Do not forward this e-mail." in text
    assert "<" not in text

    assert "background-color: #1d70b8" in html  # the blue header bar
    assert ">\n            Boardkeeper\n" in html
    assert "font-size: 19px" in html and "Arial, Helvetica, sans-serif" in html and "#0b0c0c" in html
    assert '<a href="https://boardkeeper.test/sign-in?next=/a&amp;b=1" style="color: #1d70b8;' in html
    assert "<h1 " in html and ">A test e-mail</h1>" in html
    assert "E-mail from Boardkeeper reaches you." in html  # the preheader
    assert "Boardkeeper holds special category data. Do not forward this e-mail." in html
    assert "<img" not in html


def test_one_address_as_a_string(smtp_server: Recorder) -> None:
    send_templated(
        to="victor@example.org", subject="Hello", template="test", context={"name": "V", "link": "/"}
    )
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["victor@example.org"]
    assert received.mail_from == "boardkeeper@localhost"  # the default sender (DEFAULT_FROM_EMAIL unset)


def test_the_html_body_escapes_what_the_context_holds(smtp_server: Recorder) -> None:
    send_templated(
        to=["pete@example.org"],
        subject="Escaping",
        template="test",
        context={"name": EVIL, "link": 'javascript:alert(1)" onclick="x'},
    )
    [received] = smtp_server.messages
    html = parts(received)["text/html"]
    assert "<script>" not in html
    assert "Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;," in html
    assert 'href="javascript:alert(1)&quot; onclick=&quot;x"' in html
    assert 'onclick="x' not in html
    assert f"Dear {EVIL}," in parts(received)["text/plain"]  # the text body is text: nothing to escape


# EMAIL_URL


def test_plain_smtp() -> None:
    assert email_settings_from_url("smtp://mail.example.org") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }
    assert email_settings_from_url("smtp://user:pw@127.0.0.1:2525")["EMAIL_PORT"] == 2525


def test_starttls_with_percent_encoded_user_and_password() -> None:
    got = email_settings_from_url("smtp+starttls://apikey%40example.org:p%40ss%3Aw%2Fo%23rd@smtp.example.org")
    assert got["EMAIL_HOST"] == "smtp.example.org"
    assert got["EMAIL_PORT"] == 587
    assert got["EMAIL_HOST_USER"] == "apikey@example.org"
    assert got["EMAIL_HOST_PASSWORD"] == "p@ss:w/o#rd"
    assert (got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"]) == (True, False)


def test_implicit_tls() -> None:
    got = email_settings_from_url("smtps://u:p@smtp.example.org")
    assert got["EMAIL_PORT"] == 465
    assert (got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"]) == (False, True)
    assert email_settings_from_url("SMTPS://u:p@smtp.example.org:1465/")["EMAIL_PORT"] == 1465


def test_console_and_from() -> None:
    assert email_settings_from_url("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    got = email_settings_from_url(
        "smtp://smtp.example.org?from=Safeguarding%20Board%20%3Cboard%40example.org%3E"
    )
    assert got["DEFAULT_FROM_EMAIL"] == "Safeguarding Board <board@example.org>"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://mail.example.org", "EMAIL_URL must start smtp://, smtp+starttls://, smtps:// or console://"),
        ("mail.example.org", "not (none)://"),
        ("smtp://", "needs a host"),
        ("smtp://user:secret@:25", "needs a host"),
        ("smtp://host:port", "not a valid URL"),
        ("smtp://host:99999", "not a valid URL"),
        ("smtp://host/inbox", "no path"),
        ("smtp://:secret@host", "password without a user"),
        ("smtp://host?tls=1", "unknown parameters: tls"),
        ("smtp://host?from=nobody", "must be an e-mail address"),
        ("smtp://host?from=a@b&from=c@d", "more than once"),
        ("console://host", "takes no host"),
    ],
)
def test_a_bad_email_url_is_refused_in_one_line_without_its_password(url: str, says: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        email_settings_from_url(url)
    message = str(refused.value)
    assert says in message
    assert "\n" not in message
    assert "secret" not in message


# The environment


def test_the_console_backend_by_default() -> None:
    assert email_settings_from_env({}) == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "DEFAULT_FROM_EMAIL": "Boardkeeper <boardkeeper@localhost>",
        "SERVER_EMAIL": "Boardkeeper <boardkeeper@localhost>",
        "EMAIL_TIMEOUT": 10,
    }


def test_djangos_own_settings_without_email_url() -> None:
    got = email_settings_from_env(
        {
            "EMAIL_HOST": "relay.example.org",
            "EMAIL_PORT": "587",
            "EMAIL_HOST_USER": "u",
            "EMAIL_HOST_PASSWORD": "p",
            "EMAIL_USE_TLS": "true",
            "DEFAULT_FROM_EMAIL": "board@example.org",
            "EMAIL_TIMEOUT": "30",
        }
    )
    assert got["EMAIL_BACKEND"] == mail.SMTP_BACKEND
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_HOST_USER"], got["EMAIL_HOST_PASSWORD"]) == (
        "relay.example.org",
        587,
        "u",
        "p",
    )
    assert (got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"]) == (True, False)
    assert got["DEFAULT_FROM_EMAIL"] == got["SERVER_EMAIL"] == "board@example.org"
    assert got["EMAIL_TIMEOUT"] == 30
    with pytest.raises(ImproperlyConfigured, match="cannot both be on"):
        email_settings_from_env({"EMAIL_HOST": "h", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"})
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        email_settings_from_env({"EMAIL_HOST": "h", "EMAIL_PORT": "twenty-five"})


def test_email_url_wins_over_djangos_settings_and_agrees_with_default_from_email() -> None:
    got = email_settings_from_env({"EMAIL_URL": "smtps://a:b@smtp.example.org", "EMAIL_HOST": "ignored"})
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_USE_SSL"]) == ("smtp.example.org", 465, True)
    same = {"EMAIL_URL": "console://?from=a@example.org", "DEFAULT_FROM_EMAIL": "a@example.org"}
    assert email_settings_from_env(same)["DEFAULT_FROM_EMAIL"] == "a@example.org"
    with pytest.raises(ImproperlyConfigured, match="differ"):
        email_settings_from_env(
            {"EMAIL_URL": "console://?from=a@example.org", "DEFAULT_FROM_EMAIL": "b@example.org"}
        )


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    """boardkeeper/settings.py evaluated afresh, under another module name, with these variables."""
    for name in ("EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "DEFAULT_FROM_EMAIL", "EMAIL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "boardkeeper_settings_again", mail.__file__.replace("lib/mail.py", "settings.py")
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "boardkeeper_settings_again", module)
    spec.loader.exec_module(module)
    return module


def test_the_settings_module_prints_mail_by_default_and_reads_email_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo = load_settings(monkeypatch)
    assert demo.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert demo.DEFAULT_FROM_EMAIL == "Boardkeeper <boardkeeper@localhost>"
    assert demo.EMAIL_TIMEOUT == 10

    real = load_settings(
        monkeypatch, EMAIL_URL="smtp+starttls://u%3A1:p%2F2@smtp.example.org:2587?from=b@example.org"
    )
    assert real.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (real.EMAIL_HOST, real.EMAIL_PORT, real.EMAIL_USE_TLS, real.EMAIL_USE_SSL) == (
        "smtp.example.org",
        2587,
        True,
        False,
    )
    assert (real.EMAIL_HOST_USER, real.EMAIL_HOST_PASSWORD) == ("u:1", "p/2")
    assert real.DEFAULT_FROM_EMAIL == real.SERVER_EMAIL == "b@example.org"

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start"):
        load_settings(monkeypatch, EMAIL_URL="imap://mail.example.org")


def test_the_console_backend_prints_the_mail(settings: Any, capsys: pytest.CaptureFixture[str]) -> None:
    settings.EMAIL_BACKEND = email_settings_from_env({})["EMAIL_BACKEND"]
    send_templated(
        to="pete@example.org", subject="Printed", template="test", context={"name": "Pete", "link": "/"}
    )
    printed = capsys.readouterr().out
    assert "Subject: Printed" in printed
    assert "To: pete@example.org" in printed
    assert "Content-Type: multipart/alternative" in printed
    assert "Dear Pete," in printed
