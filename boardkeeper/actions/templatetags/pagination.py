"""GOV.UK's pagination for every paginated list: `{% pagination page label="Pages of the register" %}`.

Written in Python, not as an included template: the include's forty-odd nodes (a link per page, each with
its query string) were a tenth of an action log page's own time (docs/benchmarks.md). The markup is GOV.UK
Frontend's pagination component; every value in it is escaped here.

The tags of every app are loaded everywhere: this one lives in the actions app only because
`boardkeeper.lib` is not an installed app.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.core.paginator import Page
from django.template.context import Context
from django.template.defaulttags import querystring
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ARROW_PREV = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg"'
    ' height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m6.5938-0.0078125'
    '-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"></path>'
    "</svg>"
)
_ARROW_NEXT = (
    '<svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg"'
    ' height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125'
    "-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"
    '"></path></svg>'
)


@register.simple_tag(takes_context=True)
def pagination(
    context: Context,
    page: Page[Any],
    label: str,
    *,
    param: str = "page",
    links: Iterable[int | str] | None = None,
    of_total: bool = False,
    hx_target: str = "",
    prev_title: str = "Previous",
    next_title: str = "Next",
    unit: str = "page",
    nav_id: str = "",
) -> SafeString:
    """The navigation between a list's pages, when it has more than one.

    label       the navigation's name, read by screen readers: "Pages of the register"
    param       the query parameter of this list's page number: "page" unless a page holds two lists
    links       the page numbers to show (Paginator.get_elided_page_range); without them, previous and next
                only, as GOV.UK's blocks
    of_total    with previous and next only: each says which page it leads to, "2 of 5"
    hx_target   where htmx loads another page in place (the action log's results), its address pushed
    prev_title, next_title, unit   the links' words, then the unit for screen readers: "Previous page"
    nav_id      the navigation's id

    Every link keeps the request's other query parameters (the filters; the other list's page)."""
    if not page.has_other_pages():
        return mark_safe("")
    links = list(links or [])
    ellipsis = str(page.paginator.ELLIPSIS)

    def href(number: int | str) -> str:
        return escape(querystring(context, None, **{param: number}))

    def htmx(address: str) -> str:
        if not hx_target:
            return ""
        return f' hx-get="{address}" hx-target="{escape(hx_target)}" hx-push-url="true"'

    decorated = "" if links or of_total else " govuk-pagination__link-title--decorated"
    hidden_unit = f'<span class="govuk-visually-hidden"> {escape(unit)}</span>'
    total = page.paginator.num_pages
    parts = [
        f'<nav class="govuk-pagination{"" if links else " govuk-pagination--block"}" aria-label="{escape(label)}"'
        f"{f' id={chr(34)}{escape(nav_id)}{chr(34)}' if nav_id else ''}>"
    ]

    def side(rel: str, number: int, title: str, before: str, after: str) -> str:
        """The previous or next page's link: an arrow, its title, where it leads ("2 of 5")."""
        address = href(number)
        of = (
            f'<span class="govuk-visually-hidden">:</span> <span class="govuk-pagination__link-label">'
            f"{number} of {total}</span>"
            if of_total and not links
            else ""
        )
        return (
            f'<div class="govuk-pagination__{rel}"><a class="govuk-link govuk-pagination__link" href="{address}"'
            f'{htmx(address)} rel="{rel}">{before} <span class="govuk-pagination__link-title{decorated}">'
            f"{escape(title)}{hidden_unit}</span>{of}{after}</a></div>"
        )

    if page.has_previous():
        parts.append(side("prev", page.previous_page_number(), prev_title, _ARROW_PREV, ""))
    if links:
        items = []
        for n in links:
            if n == ellipsis:
                items.append(
                    '<li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>'
                )
                continue
            address = href(n)
            if n == page.number:
                items.append(
                    '<li class="govuk-pagination__item govuk-pagination__item--current">'
                    f'<a class="govuk-link govuk-pagination__link" href="{address}" aria-label="Page {n}"'
                    f' aria-current="page">{n}</a></li>'
                )
            else:
                items.append(
                    f'<li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link"'
                    f' href="{address}"{htmx(address)} aria-label="Page {n}">{n}</a></li>'
                )
        parts.append(f'<ul class="govuk-pagination__list">{"".join(items)}</ul>')
    if page.has_next():  # its arrow after its title when the page numbers are shown, as GOV.UK's
        before, after = ("", f" {_ARROW_NEXT}") if links else (_ARROW_NEXT, "")
        parts.append(side("next", page.next_page_number(), next_title, before, after))
    parts.append("</nav>")
    return mark_safe("".join(parts))  # every value escaped above; the rest is fixed markup
