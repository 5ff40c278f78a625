"""Refusing an edit made from a stale page, one way everywhere.

A row two people can edit carries a version. A change is a conditional UPDATE on the version the page
showed; if no row matched, someone else saved first: nothing is written and `StaleEdit` carries the row as it
now is, so the page can show theirs beside what this person typed (`rebound`), ready to submit again."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db.models import F, Model, QuerySet
from django.dispatch import Signal
from django.http import QueryDict

M = TypeVar("M", bound=Model)
FormT = TypeVar("FormT", bound=forms.BaseForm)
row_updated = Signal()  # sent with the model and the pk after a versioned UPDATE (no post_save is sent)


class StaleEdit(Exception):
    """Nothing was saved: the row moved on since the page was drawn. `current` is the row as it now is
    (None when it has since been removed)."""

    def __init__(self, current: Any):
        super().__init__("This record was changed by someone else since the page was opened.")
        self.current = current


def update_versioned(
    queryset: QuerySet[M], *, pk: Any, version: int, field: str = "version", **fields: Any
) -> None:
    """UPDATE the row `pk` with `fields` and the next version, if it is still at `version`.

    The row count says whether it was: 0 raises StaleEdit with the row as `queryset` reads it now (so a
    queryset with `select_related`/`prefetch_related` gives the page what it shows)."""
    if not queryset.filter(pk=pk, **{field: version}).update(**{field: F(field) + 1}, **fields):
        raise StaleEdit(queryset.filter(pk=pk).first())
    row_updated.send(sender=queryset.model, pk=pk)  # an UPDATE sends no post_save: the search index listens


def version_field(what: str) -> forms.IntegerField:
    """The hidden version a form started from, so that a save from a stale page is refused."""
    message = f"This page is out of date: open the {what} again."
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": message, "invalid": message, "min_value": message},
    )


def rebound(form: FormT, version: int, *, field: str = "version", **kwargs: Any) -> FormT:
    """The same form, as the person typed it, on the row's new `version`: submitting it again is not stale.

    `kwargs` build the new form (the row as it now is, for its initial values and choices). A field shown
    with `show_hidden_initial` that the person left alone takes the row's new value: they did not mean to
    put the old one back."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[form.add_prefix(field)] = str(version)
    fresh = type(form)(data, files=form.files or None, prefix=form.prefix, **kwargs)
    for name, bound in fresh.fields.items():
        if bound.show_hidden_initial and name not in form.changed_data:
            value = fresh.get_initial_for_field(bound, name)
            text = "" if value is None else str(bound.widget.format_value(value) or "")
            data[fresh.add_prefix(name)] = data[fresh.add_initial_prefix(name)] = text
    fresh.is_valid()  # errors of what they typed show at once, as on the first submission
    return fresh
