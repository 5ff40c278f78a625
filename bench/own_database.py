"""A PostgreSQL database of the benchmark's own making: a fresh name (never one given or fixed), created
with CREATE DATABASE (which fails, and stops the run, if the name is taken), and dropped after the run:
that database and no other."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse


def _admin(url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(db=sql.Identifier(name)))


@contextmanager
def own_database(url: str, purpose: str) -> Iterator[str]:
    """The URL of a new database on the server of `url` (same user and password), for the `with` block."""
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"bench: --database-url must be postgres://..., not {parts.scheme}://")
    name = f"boardkeeper_bench_{purpose}_{secrets.token_hex(6)}"
    _admin(url, "CREATE DATABASE {db}", name)
    try:
        yield urlunparse(parts._replace(path="/" + name))
    finally:
        _admin(url, "DROP DATABASE IF EXISTS {db} WITH (FORCE)", name)  # the one made above, no other
