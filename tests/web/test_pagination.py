"""The pagination of every list ({% pagination %}, GOV.UK's component written in Python): its links keep the
request's other parameters, escape what the request sent, and say where they lead."""

from __future__ import annotations

import lxml.html
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory


def _nav(query: str, number: int, tag_args: str, pages: int = 9) -> lxml.html.HtmlElement:
    request = RequestFactory().get("/log/" + query)
    page = Paginator(range(pages * 50), 50).page(number)
    html = Template("{% load pagination %}{% pagination page " + tag_args + " %}").render(
        RequestContext(
            request,
            {
                "page": page,
                "links": list(page.paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)),
            },
        )
    )
    return lxml.html.fragment_fromstring(html) if html else None


def test_the_page_links_keep_the_filters_and_mark_the_current_page() -> None:
    nav = _nav("?status=open&status=done&page=5", 5, '"Pages of the log" links=links hx_target="#results"')
    assert nav.get("aria-label") == "Pages of the log" and "govuk-pagination--block" not in nav.get("class")
    current = nav.xpath("//a[@aria-current='page']")
    assert [a.text for a in current] == ["5"]
    hrefs = {a.text_content().strip(): a.get("href") for a in nav.xpath("//li/a")}
    assert hrefs["1"] == "?status=open&status=done&page=1" and hrefs["9"] == "?status=open&status=done&page=9"
    assert [li.text for li in nav.xpath("//li[contains(@class, 'ellipsis')]")] == ["⋯", "⋯"]
    prev = nav.xpath("//a[@rel='prev']")[0]
    assert prev.get("href") == prev.get("hx-get") == "?status=open&status=done&page=4"
    assert prev.get("hx-target") == "#results" and prev.get("hx-push-url") == "true"
    assert " ".join(prev.text_content().split()) == "Previous page"
    assert nav.xpath("//a[@rel='next']")[0].get("href").endswith("page=6")


def test_a_hostile_query_is_escaped_in_every_link() -> None:
    nav = _nav('?q="><script>alert(1)</script>', 1, '"Pages" links=links')
    assert not nav.xpath("//script")
    assert (
        nav.xpath("//a[@rel='next']")[0].get("href")
        == "?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E&page=2"
    )


def test_two_lists_on_a_page_each_keep_the_others_page_and_say_where_they_lead() -> None:
    nav = _nav("?page=2&closed=3", 3, '"Pages of done actions" param="closed" of_total=True', pages=5)
    assert "govuk-pagination--block" in nav.get("class") and not nav.xpath("//ul")
    prev, following = nav.xpath("//a[@rel='prev']")[0], nav.xpath("//a[@rel='next']")[0]
    assert prev.get("href") == "?page=2&closed=2" and following.get("href") == "?page=2&closed=4"
    assert " ".join(prev.text_content().split()) == "Previous page: 2 of 5"
    assert " ".join(following.text_content().split()) == "Next page: 4 of 5"
    assert prev.get("hx-get") is None


def test_the_words_and_the_id_can_be_the_lists_own_and_one_page_has_no_navigation() -> None:
    nav = _nav(
        "",
        1,
        '"Pages of the audit log" nav_id="audit-pages" links=links prev_title="Newer" '
        'next_title="Older" unit="entries"',
    )
    assert nav.get("id") == "audit-pages"
    assert " ".join(nav.xpath("//a[@rel='next']")[0].text_content().split()) == "Older entries"
    assert _nav("", 1, '"Pages" links=links', pages=1) is None
