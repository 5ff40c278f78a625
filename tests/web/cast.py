"""The cast of the web tests: who they are, and the seed minutes they import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
from django.contrib.auth.models import User
from django.test import Client
from shared import SEED_DOCX  # noqa: F401  (the demo's sample, kept in the package)

from boardkeeper.directory.models import Board, Partnership

FIXTURES = Path(__file__).parent.parent / "fixtures"
PASSWORD = "correct-horse-battery-staple"


@dataclass
class Cast:
    partnership: Partnership
    board: Board
    manager: User  # business team: imports and edits
    member: User  # board member
    viewer: User
    outsider: User  # business team of another partnership
    other_partnership: Partnership
    other_board: Board


def signed_in(user: User) -> Client:
    """A test client signed in as `user` (the second factor given: see conftest.py)."""
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    """A page's text as a reader sees it, whitespace collapsed."""
    return " ".join(lxml.html.fromstring(response.content).text_content().split())
