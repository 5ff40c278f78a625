"""GOV.UK Frontend's form components written in Python, for the forms of list pages that are drawn on every
request (the action log's filters): as template markup, with a condition for each error state and a loop for
each option, they were a tenth of an action log page's own time (docs/benchmarks.md).

Each gives the component's markup as GOV.UK Frontend's own macros do (a form group, its label or legend, its
error messages, the control), with every value escaped here.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe


def _errors(name: str, errors: Iterable[str]) -> str:
    return "".join(
        f'<p class="govuk-error-message" id="{name}-error"><span class="govuk-visually-hidden">Error:</span>'
        f" {escape(str(e))}</p>"
        for e in errors
    )


def select(name: str, label: str, options: str, errors: list[str], *, classes: str = "") -> SafeString:
    """A select in its form group. `options` is its <option>s, escaped already (forms.Options)."""
    group = " govuk-form-group--error" if errors else ""
    error = " govuk-select--error" if errors else ""
    described = f' aria-describedby="{name}-error"' if errors else ""
    extra = f" {escape(classes)}" if classes else ""
    return mark_safe(
        f'<div class="govuk-form-group{group}"><label class="govuk-label" for="{escape(name)}">{escape(label)}'
        f"</label>{_errors(escape(name), errors)}"
        f'<select class="govuk-select{extra}{error}" id="{escape(name)}" name="{escape(name)}"{described}>'
        f"{options}</select></div>"
    )


def checkboxes(
    name: str, legend: str, choices: Iterable[tuple[str, str]], chosen: Iterable[str], errors: list[str]
) -> SafeString:
    """Small checkboxes in a fieldset, in their form group: the first box's id is the field's name, the
    others' name-2, name-3 (as GOV.UK's macro gives them, so that an error links to the first)."""
    picked = set(chosen)
    boxes = []
    for n, (value, label) in enumerate(choices, start=1):
        box = escape(name) if n == 1 else f"{escape(name)}-{n}"
        boxes.append(
            f'<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="{box}"'
            f' name="{escape(name)}" type="checkbox" value="{escape(value)}"{" checked" if value in picked else ""}>'
            f'<label class="govuk-label govuk-checkboxes__label" for="{box}">{escape(label)}</label></div>'
        )
    group = " govuk-form-group--error" if errors else ""
    described = f' aria-describedby="{escape(name)}-error"' if errors else ""
    return mark_safe(
        f'<div class="govuk-form-group{group}"><fieldset class="govuk-fieldset"{described}>'
        f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{escape(legend)}</legend>'
        f"{_errors(escape(name), errors)}"
        f'<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">{"".join(boxes)}'
        "</div></fieldset></div>"
    )
