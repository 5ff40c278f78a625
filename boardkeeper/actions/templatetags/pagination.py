"""The query string of another page of a list, for templates/_pagination.html (every paginated list).

Django's `{% querystring page=2 %}` names the parameter in the template; a page with two lists (My actions:
`page` and `closed`) needs it named by a variable. The tags of every app are loaded everywhere: this one
lives in the actions app only because `boardkeeper.lib` is not an installed app.
"""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: Context, param: str, number: int) -> str:
    """`{% querystring %}` with `param` set to `number`: '?status=open&page=3', the request's other
    parameters (the filters, the other list's page) kept as they are."""
    return querystring(context, None, **{param: number})  # None: the request's own query
