"""Fixtures of the case review tests (the cast is tests/web/conftest.py's): the business manager signed in,
and Child Q, a serious incident notification."""

from __future__ import annotations

import pytest
from cast import Cast
from review_steps import AWARE

from boardkeeper.reviews import services
from boardkeeper.reviews.models import Review


@pytest.fixture
def child_q(cast: Cast) -> Review:
    return services.notification_record(
        partnership=cast.partnership, user=cast.manager, pseudonym="Child Q", aware_on=AWARE
    )
