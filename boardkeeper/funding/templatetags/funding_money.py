"""Money as the partnership's papers write it: £1,234.56, and −£1,234.56 below nothing."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


def gbp(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    amount = Decimal(value)
    text = f"£{abs(amount):,.2f}"
    return f"−{text}" if amount < 0 else text


register.filter("gbp", gbp)
