"""E-mail: where it goes (EMAIL_URL, read by the settings) and how it is written (send_templated).

Every e-mail has a plain-text and an HTML body, rendered from templates/mail/<name>.txt and .html, which
extend mail/base.txt and mail/base.html (GOV.UK's e-mail style). No case details go in an e-mail: only
pseudonyms and links back to the service, where the reader signs in to see more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_FROM = "Boardkeeper <boardkeeper@localhost>"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

# scheme: (default port, STARTTLS, implicit TLS)
_SMTP_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, True, False),
    "smtps": (465, False, True),
}


def email_settings_from_url(url: str) -> dict[str, Any]:
    """Django's EMAIL_* settings from one URL.

    smtp://user:password@host:port (plain, port 25), smtp+starttls://... (587), smtps://... (implicit TLS,
    465) or console:// (printed, the demo's). User and password are percent-decoded; `?from=` gives
    DEFAULT_FROM_EMAIL. A URL that cannot be read raises ImproperlyConfigured, without its password.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL is not a valid URL (check its port)") from None
    scheme = parts.scheme.lower()
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a query that cannot be read") from None
    unknown = sorted(set(query) - {"from"})
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL has unknown parameters: {', '.join(unknown)} (only ?from=)")
    if len(query.get("from", [])) > 1:
        raise ImproperlyConfigured("EMAIL_URL gives ?from= more than once")
    result: dict[str, Any] = {}
    if "from" in query:
        sender = query["from"][0].strip()
        if "@" not in sender or "\n" in sender or "\r" in sender:
            raise ImproperlyConfigured("EMAIL_URL's ?from= must be an e-mail address")
        result["DEFAULT_FROM_EMAIL"] = sender

    if scheme == "console":
        if parts.netloc or parts.path.strip("/"):
            raise ImproperlyConfigured("EMAIL_URL console:// takes no host, user or path")
        return {"EMAIL_BACKEND": CONSOLE_BACKEND, **result}
    if scheme not in _SMTP_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start smtp://, smtp+starttls://, smtps:// or console://, not {scheme or '(none)'}://"
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"EMAIL_URL {scheme}:// needs a host")
    if parts.path.strip("/"):
        raise ImproperlyConfigured("EMAIL_URL takes no path after the host")
    if parts.password is not None and not parts.username:
        raise ImproperlyConfigured("EMAIL_URL gives a password without a user")
    default_port, use_tls, use_ssl = _SMTP_SCHEMES[scheme]
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        **result,
    }


def email_settings_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every e-mail setting from the environment: EMAIL_URL; else Django's own EMAIL_HOST, EMAIL_PORT,
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL; else the console backend.
    DEFAULT_FROM_EMAIL may be set on its own (not as well as EMAIL_URL's ?from=); EMAIL_TIMEOUT is seconds.
    """

    def flag(name: str) -> bool:
        value = environ.get(name, "").strip().lower()
        if value in ("", "0", "false", "no", "off"):
            return False
        if value in ("1", "true", "yes", "on"):
            return True
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")

    def number(name: str, default: int) -> int:
        value = environ.get(name, "").strip()
        if not value:
            return default
        if not value.isdigit() or int(value) < 1:
            raise ImproperlyConfigured(f"{name} must be a whole number above 0, not {value!r}")
        return int(value)

    url = environ.get("EMAIL_URL", "").strip()
    if url:
        settings = email_settings_from_url(url)
    elif environ.get("EMAIL_HOST", "").strip():
        settings = {
            "EMAIL_BACKEND": SMTP_BACKEND,
            "EMAIL_HOST": environ["EMAIL_HOST"].strip(),
            "EMAIL_PORT": number("EMAIL_PORT", 25),
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": flag("EMAIL_USE_TLS"),
            "EMAIL_USE_SSL": flag("EMAIL_USE_SSL"),
        }
        if settings["EMAIL_USE_TLS"] and settings["EMAIL_USE_SSL"]:
            raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
    else:
        settings = {"EMAIL_BACKEND": CONSOLE_BACKEND}

    sender = environ.get("DEFAULT_FROM_EMAIL", "").strip()
    if sender and "DEFAULT_FROM_EMAIL" in settings and settings["DEFAULT_FROM_EMAIL"] != sender:
        raise ImproperlyConfigured("DEFAULT_FROM_EMAIL and EMAIL_URL's ?from= differ: give one")
    settings.setdefault("DEFAULT_FROM_EMAIL", sender or DEFAULT_FROM)
    settings["SERVER_EMAIL"] = settings["DEFAULT_FROM_EMAIL"]
    settings["EMAIL_TIMEOUT"] = number("EMAIL_TIMEOUT", 10)
    return settings


def send_templated(*, to: list[str] | str, subject: str, template: str, context: dict[str, Any]) -> None:
    """Send one e-mail, its plain text from mail/<template>.txt and its HTML from mail/<template>.html,
    from DEFAULT_FROM_EMAIL. The context holds pseudonyms and links only: never a case's details."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    recipients = [to] if isinstance(to, str) else list(to)
    subject = " ".join(subject.split())  # one line: a header never carries a line break
    context = {"subject": subject, "service_name": "Boardkeeper", **context}
    text = render_to_string(f"mail/{template}.txt", context)
    html = render_to_string(f"mail/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients
    )
    message.attach_alternative(html, "text/html")
    message.send()
