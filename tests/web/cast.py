"""The cast of the web tests: who they are, and the seed minutes they import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User

from boardkeeper.directory.models import Board, Partnership

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEED_DOCX = FIXTURES / "warwickshire-executive-board-2022-02-23.docx"
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
