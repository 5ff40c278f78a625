"""Partner funding (issue 14): a year's budget and contributions, its totals against the year before,
version-checked changes by the business team, reading by everyone else, and its spreadsheet."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from cast import Cast, signed_in, text_of
from django.test import Client
from django.urls import reverse

from boardkeeper.audit.models import AuditEvent
from boardkeeper.funding import services
from boardkeeper.funding.models import BudgetLine, Contribution, FinancialYear
from boardkeeper.funding.templatetags.funding_money import gbp

D = Decimal


def year_with(
    cast: Cast, starts: int, lines: list[str], agreed: list[tuple[str, str, bool, bool]]
) -> FinancialYear:
    """A year of `lines` (amounts) and contributions (partner, agreed, invoiced, paid)."""
    year = services.year_add(partnership=cast.partnership, starts=starts)
    for amount in lines:
        BudgetLine.objects.create(year=year, kind="business_unit", amount=D(amount))
    for partner, amount, invoiced, paid in agreed:
        Contribution.objects.create(
            year=year,
            partner=partner,
            agreed=D(amount),
            invoiced_on=dt.date(starts, 5, 1) if invoiced else None,
            paid_on=dt.date(starts, 6, 1) if paid else None,
        )
    return year


@pytest.fixture
def two_years(cast: Cast) -> FinancialYear:
    """2021 in surplus; 2022 (returned) in shortfall, as Warwickshire's was (schools yet to be asked)."""
    year_with(
        cast,
        2021,
        ["100000", "20000"],
        [("The council", "80000", True, True), ("The ICB", "50000", True, True)],
    )
    return year_with(
        cast,
        2022,
        ["110000", "25000.50", "4999.50"],
        [
            ("The council", "60000", True, True),
            ("The ICB", "40000", True, False),
            ("The police", "20000", False, False),
        ],
    )


def url(name: str, year: FinancialYear, *more: Any) -> str:
    return reverse(name, args=[year.partnership.slug, year.starts, *more])


def test_the_summary_adds_up_the_year_and_the_year_before(two_years: FinancialYear) -> None:
    s = services.summary(two_years)
    assert (s.this.budget, s.this.agreed, s.this.paid) == (D("140000.00"), D("120000"), D("60000"))
    assert (s.this.invoiced_not_paid, s.this.not_invoiced) == (D("40000"), D("20000"))
    assert s.this.balance == D("-20000.00") and s.this.shortfall == D("20000.00") and s.this.surplus == 0
    assert s.this.outcome == "Shortfall"
    assert s.before is not None and s.before.year.starts == 2021
    assert (s.before.budget, s.before.agreed, s.before.balance) == (D("120000"), D("130000"), D("10000"))
    assert s.before.outcome == "Surplus" and s.before.surplus == D("10000")
    assert services.summary(s.before.year).before is None  # 2020 is not recorded
    assert gbp(D("-20000")) == "−£20,000.00" and gbp(D("1234.5")) == "£1,234.50"


def test_the_year_page_shows_totals_tags_the_chart_and_its_table(
    cast: Cast, two_years: FinancialYear
) -> None:
    page = signed_in(cast.member).get(url("funding_year", two_years))
    assert page.status_code == 200
    text = text_of(page)
    assert "April 2022 to March 2023" in text
    assert "Shortfall £20,000.00: the partners agreed less than the budget" in text
    assert "Compared with the year before" in text and "2021 to 2022" in text
    for status in ("Paid", "Invoiced, not paid", "Not invoiced"):
        assert status in text
    html = page.content.decode()
    assert "<svg" in html and 'width="100.0%"' in html and " style=" not in html
    assert "£140,000.00" in text and "£130,000.00" in text  # this year's budget, the year before's agreed
    # a board member reads, and is offered nothing to change
    assert (
        "Add a budget line" not in text
        and "Change" not in text
        and "<form" not in html.split("</header>")[-1]
    )


def test_a_year_added_copying_the_previous_takes_its_lines_and_partners_not_its_dates(
    cast: Cast, two_years: FinancialYear
) -> None:
    client = signed_in(cast.manager)
    list_page = client.get(reverse("funding_years", args=[cast.partnership.slug]))
    assert list_page.context["form"]["starts"].value() == 2023
    response = client.post(
        reverse("funding_years", args=[cast.partnership.slug]), {"starts": "2023", "copy_previous": "on"}
    )
    year = FinancialYear.objects.get(partnership=cast.partnership, starts=2023)
    assert response["Location"] == url("funding_year", year)
    assert [(x.kind, x.amount) for x in year.lines.all()] == [
        (x.kind, x.amount) for x in two_years.lines.all()
    ]
    copied = list(year.contributions.values_list("partner", "agreed", "invoiced_on", "paid_on"))
    assert copied == [
        ("The council", D("60000"), None, None),
        ("The ICB", D("40000"), None, None),
        ("The police", D("20000"), None, None),
    ]
    assert services.summary(year).before is not None
    # without copying: an empty year; and a year twice is refused with a message
    client.post(reverse("funding_years", args=[cast.partnership.slug]), {"starts": "2030"})
    assert not FinancialYear.objects.get(starts=2030).lines.exists()
    empty = client.get(url("funding_year", FinancialYear.objects.get(starts=2030)))
    assert "No budget line yet." in text_of(
        empty
    ) and "is not recorded, so there is nothing to compare" in text_of(empty)
    again = client.post(reverse("funding_years", args=[cast.partnership.slug]), {"starts": "2030"})
    assert again.status_code == 200 and "April 2030 to March 2031 is already recorded." in text_of(again)
    created = AuditEvent.objects.filter(
        action="create", model="funding.budgetline", partnership_id=cast.partnership.pk
    )
    assert created.count() == 2 + 3 + 3  # two years' lines by hand (signals), and the three copied


def test_changes_are_version_checked_and_a_stale_one_keeps_what_was_typed(
    cast: Cast, two_years: FinancialYear
) -> None:
    client = signed_in(cast.manager)
    line = two_years.lines.first()
    assert line is not None
    version = two_years.version
    ok = client.post(
        url("funding_line", two_years, line.pk),
        {"version": str(version), "kind": "chair_scrutineer", "description": "Chair", "amount": "£12,500.50"},
    )
    assert ok.status_code == 302
    line.refresh_from_db()
    assert (line.kind, line.amount) == ("chair_scrutineer", D("12500.50"))
    two_years.refresh_from_db()
    assert two_years.version == version + 1
    # someone who opened the page before that change saves: refused, their words kept, on the new version
    stale = client.post(
        url("funding_contribution_add", two_years),
        {"version": str(version), "partner": "Schools Forum", "agreed": "20000", "note": "To be sought"},
    )
    assert stale.status_code == 200 and "your change has not been saved" in text_of(stale)
    assert not Contribution.objects.filter(partner="Schools Forum").exists()
    form = stale.context["form"]
    assert form["partner"].value() == "Schools Forum" and form["version"].value() == str(version + 1)
    again = client.post(url("funding_contribution_add", two_years), form.data)
    assert again.status_code == 302
    assert Contribution.objects.get(partner="Schools Forum").agreed == D("20000")
    # a stale removal removes nothing
    removed = client.post(
        url("funding_line_remove", two_years, line.pk), {"version": str(version)}, follow=True
    )
    assert "has not been saved" in text_of(removed) and BudgetLine.objects.filter(pk=line.pk).exists()
    two_years.refresh_from_db()
    client.post(url("funding_line_remove", two_years, line.pk), {"version": str(two_years.version)})
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    events = AuditEvent.objects.filter(partnership_id=cast.partnership.pk, model__startswith="funding.")
    assert events.filter(action="update", model="funding.budgetline", object_id=str(line.pk)).exists()
    assert events.filter(action="delete", model="funding.budgetline", object_id=str(line.pk)).exists()
    assert events.filter(action="create", model="funding.contribution").count() == 5 + 1


def test_typed_values_are_checked(cast: Cast, two_years: FinancialYear) -> None:
    client = signed_in(cast.manager)
    response = client.post(
        url("funding_contribution_add", two_years),
        {
            "version": str(two_years.version),
            "partner": "",
            "agreed": "lots",
            "invoiced_on": "01/06/2022",
            "paid_on": "01/05/2022",
        },
    )
    text = text_of(response)
    assert "Enter the partner." in text
    assert "Enter the agreed contribution in pounds" in text
    assert "The date it was paid must be on or after the date it was invoiced." in text
    assert 'list="id_partner-list"' in response.content.decode() and "The police" in response.content.decode()


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_board_members_and_viewers_read_but_cannot_write(
    cast: Cast, two_years: FinancialYear, who: str
) -> None:
    client = signed_in(getattr(cast, who))
    line = two_years.lines.first()
    contribution = two_years.contributions.first()
    assert line is not None and contribution is not None
    assert client.get(reverse("funding_years", args=[cast.partnership.slug])).status_code == 200
    assert "Add a financial year" not in text_of(
        client.get(reverse("funding_years", args=[cast.partnership.slug]))
    )
    assert client.get(url("funding_year_export", two_years)).status_code == 200
    version = {"version": str(two_years.version)}
    writes = [
        (reverse("funding_years", args=[cast.partnership.slug]), {"starts": "2023"}),
        (url("funding_line_add", two_years), {**version, "kind": "other", "amount": "1"}),
        (url("funding_line", two_years, line.pk), {**version, "kind": "other", "amount": "1"}),
        (url("funding_line_remove", two_years, line.pk), version),
        (url("funding_contribution_add", two_years), {**version, "partner": "X", "agreed": "1"}),
        (url("funding_contribution", two_years, contribution.pk), {**version, "partner": "X", "agreed": "1"}),
        (url("funding_contribution_remove", two_years, contribution.pk), version),
    ]
    for target, data in writes:
        assert client.post(target, data).status_code == 403, target
    for target, _ in writes[1:]:
        assert client.get(target).status_code == 403, target
    assert FinancialYear.objects.filter(partnership=cast.partnership).count() == 2
    assert BudgetLine.objects.filter(year=two_years).count() == 3 and Contribution.objects.count() == 5
    # a line of another year is not found at this year's address, for anyone
    other = FinancialYear.objects.get(starts=2021).lines.first()
    assert other is not None
    assert client.get(url("funding_line", two_years, other.pk)).status_code == 404


def test_another_partnership_finds_nothing(cast: Cast, two_years: FinancialYear) -> None:
    client = signed_in(cast.outsider)
    line = two_years.lines.first()
    assert line is not None
    for target in [
        reverse("funding_years", args=[cast.partnership.slug]),
        url("funding_year", two_years),
        url("funding_year_export", two_years),
        url("funding_line", two_years, line.pk),
        url("funding_line_add", two_years),
    ]:
        assert client.get(target).status_code == 404, target
    assert client.post(url("funding_line_remove", two_years, line.pk), {"version": "1"}).status_code == 404
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    # nor its own funding page under the other partnership's year
    mine = signed_in(cast.outsider).get(reverse("funding_year", args=[cast.other_partnership.slug, 2022]))
    assert mine.status_code == 404


def test_the_spreadsheet_has_the_budget_and_contributions_with_totals(
    manager: Client, cast: Cast, two_years: FinancialYear
) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    response = manager.get(url("funding_year_export", two_years))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "warwickshire-funding-2022-2023.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Budget", "Contributions"]
    budget = [list(r) for r in book["Budget"].iter_rows(values_only=True)]
    assert budget[0] == ["Budget line", "Description", "Amount"]
    assert budget[1][0] == "Business unit staff" and budget[1][2] == 110000
    totals = {r[0]: r[2] for r in budget[4:]}
    assert totals["Total budget"] == 140000 and totals["Agreed by partners"] == 120000
    assert totals["Shortfall (agreed less budget)"] == -20000
    assert totals["Year before (2021 to 2022): surplus"] == 10000
    paid = [list(r) for r in book["Contributions"].iter_rows(values_only=True)]
    assert paid[0] == ["Partner", "Agreed", "Invoiced on", "Paid on", "Status", "Note"]
    assert paid[1][:2] == ["The council", 60000] and paid[1][3] == dt.datetime(2022, 6, 1)
    assert paid[3][4] == "Not invoiced"
    assert {r[0]: r[1] for r in paid[4:]} == {
        "Total agreed": 120000,
        "Paid": 60000,
        "Invoiced, not paid": 40000,
        "Not invoiced": 20000,
    }
    exported = AuditEvent.objects.get(action="export", partnership_id=cast.partnership.pk)
    assert exported.detail == "warwickshire-funding-2022-2023.xlsx" and exported.user_id == cast.manager.pk
