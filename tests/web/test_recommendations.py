"""Issue 14 part 4, one ledger of recommendations: made by reviews and inspections, flagged when made again,
run to actions of the action log, evidence and a check of impact; version-checked, audited, need to know;
the register's counts and filters, and the .xlsx and .docx a yearly report needs."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from cast import Cast, signed_in, text_of
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Organisation, Person
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.versioning import StaleEdit
from boardkeeper.meetings.models import Meeting
from boardkeeper.recommendations import services
from boardkeeper.recommendations.forms import MAX_EVIDENCE_BYTES
from boardkeeper.recommendations.models import Evidence, Recommendation
from boardkeeper.reviews import services as review_services
from boardkeeper.reviews.models import Review, Theme

ESCALATION_2021 = (
    "The partnership should seek assurance that all agencies understand and use the escalation policy "
    "when they disagree about a child's plan."
)
ESCALATION_2023 = (
    "The LSCP should seek assurance from partner agencies that practitioners understand and use the "
    "escalation (resolution) policy where they disagree with decisions about a child's plan."
)
SECTION_136 = (
    "The police should review the training of officers on the use of section 136 of the Mental Health Act."
)
FATHERS = (
    "Agencies should ensure that practitioners consider the role of fathers and male carers in assessments."
)
THRESHOLDS = (
    "The partnership should review the multi-agency threshold document and its use at the front door."
)


def a_review(
    cast: Cast, pseudonym: str = "Child Q", kind: str = "lcspr", published: dt.date | None = None
) -> Review:
    review = review_services.review_create(
        partnership=cast.partnership,
        user=cast.manager,
        pseudonym=pseudonym,
        kind=kind,
        on=dt.date(2021, 1, 4),
    )
    if published:
        Review.objects.filter(pk=review.pk).update(published_on=published)
        review.refresh_from_db()
    return review


def an_inspection(cast: Cast, **kw: Any) -> Inspection:
    values: dict[str, Any] = {
        "body": "ofsted",
        "title": "Ofsted ILACS",
        "inspected_on": dt.date(2023, 5, 8),
        "published_on": dt.date(2023, 6, 20),
        **kw,
    }
    return Inspection.objects.create(partnership=cast.partnership, **values)


def recommend(cast: Cast, source: Review | Inspection, text: str, **kw: Any) -> Recommendation:
    return services.recommendation_create(
        partnership=cast.partnership,
        user=cast.manager,
        source=source,
        number=kw.pop("number", "1"),
        text=text,
        **kw,
    )


def url(name: str, rec: Recommendation, *args: Any) -> str:
    return reverse(name, args=[rec.partnership.slug, rec.pk, *args])


def xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_words_that_tell_a_repeat() -> None:
    alike = [
        (ESCALATION_2021, ESCALATION_2023),
        (
            "The safeguarding adults board should review the self-neglect and hoarding guidance and promote it.",
            "The SAB should review its self-neglect guidance, including hoarding, and ensure staff are trained in it.",
        ),
        (
            FATHERS,
            "The partnership should seek assurance that assessments include and assess fathers and male carers.",
        ),
    ]
    unalike = [
        (ESCALATION_2021, SECTION_136),
        (FATHERS, THRESHOLDS),
        (
            "The partnership should ensure practitioners receive training on safe sleep advice for infants.",
            "The partnership should ensure practitioners receive training on the neglect toolkit.",
        ),
    ]
    for a, b in alike:
        words_a, words_b = services.content_words(a), services.content_words(b)
        assert services.similarity(words_a, words_b) >= services.REPEAT_DICE, (a, b)
        assert len(words_a & words_b) >= services.REPEAT_SHARED
    for a, b in unalike:
        words_a, words_b = services.content_words(a), services.content_words(b)
        assert services.similarity(words_a, words_b) < services.REPEAT_DICE or len(words_a & words_b) < 3, (
            a,
            b,
        )


def test_a_recommendation_made_again_is_flagged_and_can_be_cleared(cast: Cast, manager: Client) -> None:
    earlier = recommend(cast, a_review(cast, published=dt.date(2021, 9, 1)), ESCALATION_2021, number="4")
    other = recommend(
        cast, a_review(cast, "Adult D", kind="sar_mandatory", published=dt.date(2022, 2, 1)), SECTION_136
    )
    inspection = an_inspection(cast)
    response = manager.post(
        reverse("recommendation_new", args=[cast.partnership.slug]) + f"?inspection={inspection.pk}",
        {"source": f"inspection-{inspection.pk}", "number": "2", "text": ESCALATION_2023, "made_on": ""},
    )
    assert response.status_code == 302
    again = Recommendation.objects.get(inspection=inspection)
    assert again.made_on == dt.date(2023, 6, 20)  # the inspection's publication
    assert again.repeats == earlier and not again.repeat_checked
    # back to the inspection's page, which is where it was recorded from
    assert response["Location"] == reverse("inspection", args=[cast.partnership.slug, inspection.pk])
    page = text_of(manager.get(url("recommendation", again)))
    assert "Made before Child Q (LCSPR), recommendation 4" in page
    assert "Child Q (LCSPR), recommendation 4" in text_of(
        manager.get(reverse("recommendations", args=[cast.partnership.slug]))
    )
    # an unrelated one is not flagged, nor one of the same source
    assert recommend(cast, inspection, THRESHOLDS, number="3").repeats is None
    assert (
        recommend(cast, other.source, ESCALATION_2023, number="2").repeats == earlier
    )  # another source: yes
    assert recommend(cast, earlier.source, ESCALATION_2023, number="5").repeats is None  # its own review: no
    # the business team says it is not a repeat: cleared, and stays so
    stale = manager.post(url("recommendation_repeat", again), {"repeat-version": str(again.version + 5)})
    assert stale.status_code == 409 and Recommendation.objects.get(pk=again.pk).repeats == earlier
    response = manager.post(url("recommendation_repeat", again), {"repeat-version": str(again.version)})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.repeats is None and again.repeat_checked and again.version == 2
    services.recommendation_edit(
        rec=again,
        user=cast.manager,
        version=again.version,
        number="2",
        text=ESCALATION_2023 + " ",
        made_on=dt.date(2023, 6, 21),
        agencies=[],
        themes=[],
    )
    assert Recommendation.objects.get(pk=again.pk).repeats is None  # a checked flag is not raised again


def test_a_stale_edit_is_refused_and_nothing_is_lost(cast: Cast, manager: Client) -> None:
    rec = recommend(cast, an_inspection(cast), FATHERS)
    services.status_record(rec=rec, user=cast.manager, version=1, status="in_progress")
    with pytest.raises(StaleEdit):
        services.status_record(rec=rec, user=cast.manager, version=1, status="implemented")
    response = manager.post(
        url("recommendation_details", rec),
        {"version": "1", "number": "7", "text": "Changed words", "made_on": "01/07/2023"},
    )
    assert response.status_code == 409 and "changed by someone else" in text_of(response)
    kept = response.context["details_form"]  # what they typed, ready to save again on the new version
    assert (kept["text"].value(), kept["version"].value()) == ("Changed words", "2")
    rec.refresh_from_db()
    assert (rec.text, rec.number, rec.status, rec.version) == (FATHERS, "1", "in_progress", 2)
    response = manager.post(
        url("recommendation_details", rec),
        {"version": "2", "number": "7", "text": "Changed words", "made_on": "01/07/2023"},
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.text, rec.number, rec.made_on, rec.version) == ("Changed words", "7", dt.date(2023, 7, 1), 3)


def test_not_implemented_needs_a_reason_and_the_impact_check(cast: Cast, manager: Client) -> None:
    rec = recommend(cast, an_inspection(cast), FATHERS)
    with pytest.raises(services.RecommendationRefused):
        services.status_record(rec=rec, user=cast.manager, version=1, status="not_implemented", reason=" ")
    response = manager.post(
        url("recommendation_status", rec), {"status-version": "1", "status-status": "not_implemented"}
    )
    assert response.status_code == 200 and "Give the reason it was not implemented." in text_of(response)
    assert Recommendation.objects.get(pk=rec.pk).status == "open"
    response = manager.post(
        url("recommendation_status", rec),
        {
            "status-version": "1",
            "status-status": "not_implemented",
            "status-reason": "Superseded by the new front door.",
        },
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.not_implemented_reason) == (
        "not_implemented",
        "Superseded by the new front door.",
    )
    response = manager.post(
        url("recommendation_impact", rec),
        {
            "impact-version": str(rec.version),
            "impact-on": "10/03/2024",
            "impact-method": "A multi-agency audit of 20 cases",
            "impact-finding": "Fathers were seen in 17 of the 20",
            "impact-impact": "changed",
        },
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.impact, rec.impact_checked_on, rec.impact_method) == (
        "changed",
        dt.date(2024, 3, 10),
        "A multi-agency audit of 20 cases",
    )
    assert "Fathers were seen in 17 of the 20" in text_of(manager.get(url("recommendation", rec)))


def test_an_action_added_lands_in_the_boards_action_log(cast: Cast, held: Meeting, manager: Client) -> None:
    rec = recommend(cast, an_inspection(cast), FATHERS)
    owner = Person.objects.create(partnership=cast.partnership, full_name="Hannah Lowe")
    older = Meeting.objects.create(board=cast.board, date=dt.date(2021, 6, 1))
    page = manager.get(url("recommendation", rec))
    new_form = page.context["new_form"]
    assert list(new_form.meetings) == [str(held.pk), str(older.pk)]  # newest first
    assert new_form.initial["meeting"] == str(held.pk)  # the latest, unless chosen
    response = manager.post(
        url("recommendation_new_action", rec),
        {
            "new-text": "Audit fathers' involvement in child protection plans",
            "new-owners": [str(owner.pk)],
            "new-due_date": "30/09/2022",
            "new-meeting": str(held.pk),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(text="Audit fathers' involvement in child protection plans")
    assert (action.board, action.meeting, action.origin, action.due_date) == (
        cast.board,
        held,
        "manual",
        dt.date(2022, 9, 30),
    )
    assert list(action.owner_people.all()) == [owner]
    assert rec.action_links.get().action == action
    board_log = text_of(manager.get(reverse("board_actions", args=[cast.partnership.slug, cast.board.slug])))
    assert "Audit fathers' involvement" in board_log
    page_text = text_of(manager.get(url("recommendation", rec)))
    assert "Hannah Lowe" in page_text and "Due 30 Sep 2022" in page_text and "Overdue" in page_text
    # an action of the log already there is linked, and unlinked (it stays in the log)
    minute_action = Action.objects.filter(meeting=held).exclude(pk=action.pk).first()
    assert minute_action is not None
    manager.post(url("recommendation_action", rec), {"action-action": str(minute_action.pk)})
    assert rec.action_links.count() == 2
    link = rec.action_links.get(action=minute_action)
    manager.post(url("recommendation_unlink", rec, link.pk))
    assert rec.action_links.count() == 1 and Action.objects.filter(pk=minute_action.pk).exists()
    events = AuditEvent.objects.filter(partnership_id=cast.partnership.pk)
    assert events.filter(action="create", model="recommendations.recommendationaction").count() == 2
    assert events.filter(action="create", model="actions.action", object_id=str(action.pk)).exists()


def test_evidence_is_uploaded_checked_and_downloaded(cast: Cast, manager: Client) -> None:
    rec = recommend(cast, an_inspection(cast), FATHERS)
    target = url("recommendation_evidence", rec)

    def upload(name: str, data: bytes) -> Any:
        return manager.post(
            target, {"evidence-note": "The audit report", "evidence-file": SimpleUploadedFile(name, data)}
        )

    for name, data, message in [
        ("empty.pdf", b"", "The file is empty."),
        ("huge.pdf", b"%PDF-1.4\n" + b"0" * MAX_EVIDENCE_BYTES, "The file is larger than 20 MB."),
        ("audit.pdf", b"Just some text, not a PDF", "The file is not the .pdf file its name says"),
        ("script.exe", b"MZ\x90\x00", "The file must be a PDF, Word, Excel, PNG or JPEG file."),
    ]:
        response = upload(name, data)
        assert response.status_code == 200, name
        assert message in text_of(response), name
    assert not Evidence.objects.exists()
    response = upload("Audit of fathers 2024.pdf", b"%PDF-1.4\n%audit\n")
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.file_name == "Audit of fathers 2024.pdf" and evidence.added_by == cast.manager
    assert "Audit of fathers" not in evidence.file.name  # stored under a name of its own
    manager.post(target, {"evidence-note": "Minutes of the practice forum"})  # a note alone is evidence
    assert Evidence.objects.count() == 2
    download = manager.get(url("evidence_file", rec, evidence.pk))
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert download["Cache-Control"] == "private, no-store"
    assert "attachment" in download["Content-Disposition"]
    events = AuditEvent.objects.filter(partnership_id=cast.partnership.pk)
    assert events.filter(action="create", model="recommendations.evidence").count() == 2
    assert events.filter(action="download", detail="Audit of fathers 2024.pdf").exists()
    # the member reads the evidence of an inspection's recommendation; another partnership finds nothing
    assert signed_in(cast.member).get(url("evidence_file", rec, evidence.pk)).status_code == 200
    assert signed_in(cast.outsider).get(url("evidence_file", rec, evidence.pk)).status_code == 404


def test_need_to_know(cast: Cast) -> None:
    review = a_review(cast, published=dt.date(2022, 9, 1))
    of_review = recommend(cast, review, FATHERS)
    of_inspection = recommend(cast, an_inspection(cast), THRESHOLDS)
    register = reverse("recommendations", args=[cast.partnership.slug])
    member, viewer = signed_in(cast.member), signed_in(cast.viewer)
    for client in (member, viewer):
        assert client.get(url("recommendation", of_review)).status_code == 404
        assert client.post(url("recommendation_status", of_review), {}).status_code == 404
        assert client.get(url("recommendation", of_inspection)).status_code == 200
        page = text_of(client.get(register))
        assert "Ofsted ILACS" in page and "Child Q" not in page
        rows = xlsx_rows(client.get(reverse("recommendations_xlsx", args=[cast.partnership.slug])).content)
        assert [r[0] for r in rows[1:]] == ["Ofsted ILACS (Ofsted)"]
    for name in (
        "recommendation_status",
        "recommendation_impact",
        "recommendation_evidence",
        "recommendation_repeat",
    ):
        assert viewer.post(url(name, of_inspection), {}).status_code == 403, name
    assert viewer.get(reverse("recommendation_new", args=[cast.partnership.slug])).status_code == 403
    # named on the review: they read its recommendation, and change nothing
    review.named_people.add(
        Person.objects.create(partnership=cast.partnership, full_name="Pete Hill", user=cast.member)
    )
    assert member.get(url("recommendation", of_review)).status_code == 200
    assert (
        member.post(
            url("recommendation_status", of_review), {"status-version": "1", "status-status": "implemented"}
        ).status_code
        == 403
    )
    assert Recommendation.objects.get(pk=of_review.pk).status == "open"
    outsider = signed_in(cast.outsider)
    assert outsider.get(url("recommendation", of_inspection)).status_code == 404
    assert outsider.get(register).status_code == 404
    # another partnership's review is no source for this one
    elsewhere = review_services.review_create(
        partnership=cast.other_partnership,
        user=cast.outsider,
        pseudonym="Child Z",
        kind="lcspr",
        on=dt.date(2022, 1, 1),
    )
    assert (
        signed_in(cast.manager)
        .get(reverse("recommendation_new", args=[cast.partnership.slug]) + f"?review={elsewhere.pk}")
        .status_code
        == 404
    )


def test_the_review_page_lists_its_recommendations(cast: Cast, manager: Client) -> None:
    review = a_review(cast, published=dt.date(2022, 9, 1))
    rec = recommend(cast, review, FATHERS, number="3")
    page = manager.get(reverse("review", args=[review.pk]))
    section = text_of(page)
    assert (
        "Recommendation 3: Agencies should ensure that practitioners consider the role of fathers" in section
    )
    new = reverse("recommendation_new", args=[cast.partnership.slug]) + f"?review={review.pk}"
    assert new in page.content.decode()
    form = manager.get(new).context["form"]
    assert form.initial["source"] == f"review-{review.pk}" and form.initial["made_on"] == "01/09/2022"
    response = manager.post(new, {"source": f"review-{review.pk}", "number": "4", "text": THRESHOLDS})
    created = Recommendation.objects.get(number="4")
    assert response["Location"] == url("recommendation", created)
    assert created.review == review and created.made_on == dt.date(2022, 9, 1)
    assert url("recommendation", rec) in manager.get(reverse("review", args=[review.pk])).content.decode()


def test_the_register_counts_filters_and_the_spreadsheet(cast: Cast, held: Meeting, manager: Client) -> None:
    police, _ = Organisation.objects.get_or_create(partnership=cast.partnership, name="Warwickshire Police")
    health, _ = Organisation.objects.get_or_create(
        partnership=cast.partnership, name="South Warwickshire NHS Trust"
    )
    neglect = Theme.objects.create(partnership=cast.partnership, name="Neglect")
    lcspr = recommend(
        cast,
        a_review(cast, published=dt.date(2021, 9, 1)),
        ESCALATION_2021,
        agencies=[police, health],
        themes=[neglect],
    )
    sar = recommend(
        cast,
        a_review(cast, "Adult D", kind="sar_discretionary", published=dt.date(2022, 5, 1)),
        SECTION_136,
        agencies=[police],
    )
    ofsted = recommend(cast, an_inspection(cast), ESCALATION_2023, number="2")
    services.status_record(
        rec=sar,
        user=cast.manager,
        version=1,
        status="not_implemented",
        reason="The force's own review covers it.",
    )
    action = Action.objects.filter(meeting=held).first()
    assert action is not None
    Action.objects.filter(pk=action.pk).update(status="done")
    services.action_link(rec=lcspr, user=cast.manager, action=action)
    services.evidence_add(rec=lcspr, user=cast.manager, note="Audit")
    register = reverse("recommendations", args=[cast.partnership.slug])
    counts = manager.get(register).context["counts"]
    assert counts.total == 3 and counts.repeats == 1
    assert ("not_implemented", "Not implemented", 1) in counts.by_status and (
        "open",
        "Not started",
        2,
    ) in counts.by_status
    assert counts.by_source == [("lcspr", "LCSPR", 1), ("sar", "SAR", 1), ("ofsted", "Ofsted", 1)]
    assert counts.by_agency == [(health.pk, health.name, 1), (police.pk, police.name, 2)]
    assert counts.by_theme == [(neglect.pk, "Neglect", 1)]

    def listed(**query: Any) -> set[int]:
        return {rec.pk for rec, _, _ in manager.get(register, query).context["rows"]}

    assert listed() == {lcspr.pk, sar.pk, ofsted.pk}
    assert listed(status="not_implemented") == {sar.pk}
    assert listed(agency=str(police.pk)) == {lcspr.pk, sar.pk}
    assert listed(theme=str(neglect.pk)) == {lcspr.pk}
    assert listed(source="sar") == {sar.pk}
    assert listed(source="ofsted") == {ofsted.pk}
    assert listed(year="2022") == {sar.pk}  # April 2022 to March 2023
    assert listed(year="2023") == {ofsted.pk}
    assert "Made before" in text_of(manager.get(register, {"source": "ofsted"}))
    response = manager.get(reverse("recommendations_xlsx", args=[cast.partnership.slug]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response.content)
    header = rows[0]
    by_source = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    first = by_source["Child Q (LCSPR)"]
    assert first["Agencies"] == "South Warwickshire NHS Trust, Warwickshire Police"
    assert (first["Themes"], first["Actions done"], first["Actions"], first["Evidence"]) == (
        "Neglect",
        1,
        1,
        1,
    )
    assert first["Made on"].date() == dt.date(2021, 9, 1)
    second = by_source["Adult D (SAR)"]
    assert (second["Status"], second["Reason not implemented"]) == (
        "Not implemented",
        "The force's own review covers it.",
    )
    assert by_source["Ofsted ILACS (Ofsted)"]["Made before"] == "Child Q (LCSPR), recommendation 1"
    assert AuditEvent.objects.filter(
        action="export", detail__startswith="warwickshire-recommendations-"
    ).exists()


def test_the_yearly_reports_tables(cast: Cast, manager: Client) -> None:
    from docx import Document

    earlier = recommend(cast, a_review(cast, published=dt.date(2021, 9, 1)), ESCALATION_2021, number="4")
    sar = recommend(
        cast, a_review(cast, "Adult D", kind="sar_mandatory", published=dt.date(2023, 5, 2)), SECTION_136
    )
    again = recommend(cast, an_inspection(cast), ESCALATION_2023, number="2")
    recommend(
        cast,
        an_inspection(cast, title="JTAI: neglect", body="joint", published_on=dt.date(2024, 4, 2)),
        FATHERS,
    )
    services.status_record(
        rec=sar,
        user=cast.manager,
        version=1,
        status="not_implemented",
        reason="The force's own review covers it.",
    )
    services.impact_record(
        rec=earlier,
        user=cast.manager,
        version=1,
        impact="partly",
        on=dt.date(2023, 11, 1),
        method="Audit of 12 cases",
        finding="Escalation used in 7",
    )
    response = manager.get(reverse("recommendations_docx", args=[cast.partnership.slug]), {"year": "2023"})
    assert response["Content-Disposition"].endswith('warwickshire-recommendations-2023-24.docx"')
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "recommendations, April 2023 to March 2024" in text
    counts, not_done, impact, repeats = ([[c.text for c in row.cells] for row in t.rows] for t in doc.tables)
    statuses = ["Not started", "In progress", "Implemented", "Not implemented"]
    assert counts == [
        ["Source", *statuses, "Total"],
        ["SAR", "0", "0", "0", "1", "1"],
        ["Ofsted", "1", "0", "0", "0", "1"],
        ["Total", "1", "0", "0", "1", "2"],
    ]  # the JTAI's came in April 2024, the LCSPR's in 2021: not this year's
    assert not_done == [
        ["Source", "Number", "Recommendation", "Reason"],
        ["Adult D (SAR)", "1", SECTION_136, "The force's own review covers it."],
    ]
    assert impact[1] == [
        f"Child Q (LCSPR), recommendation 4: {ESCALATION_2021}",
        "1 November 2023",
        "Audit of 12 cases",
        "Escalation used in 7",
        "Practice partly changed",
    ]
    assert repeats[1] == [
        "Ofsted ILACS (Ofsted)",
        "2",
        ESCALATION_2023,
        "Child Q (LCSPR), recommendation 4, 1 September 2021",
    ]
    assert again.repeats == earlier
    # a year with nothing says so, rather than giving empty tables
    empty = Document(
        io.BytesIO(
            manager.get(
                reverse("recommendations_docx", args=[cast.partnership.slug]), {"year": "2019"}
            ).content
        )
    )
    assert not empty.tables and "No recommendations were made in the year." in "\n".join(
        p.text for p in empty.paragraphs
    )


def test_changes_are_audited(cast: Cast, manager: Client) -> None:
    inspection = an_inspection(cast)
    manager.post(
        reverse("recommendation_new", args=[cast.partnership.slug]),
        {"source": f"inspection-{inspection.pk}", "number": "1", "text": FATHERS, "made_on": "20/06/2023"},
    )
    rec = Recommendation.objects.get()
    manager.post(url("recommendation_status", rec), {"status-version": "1", "status-status": "implemented"})
    events = AuditEvent.objects.filter(partnership_id=cast.partnership.pk, object_id=str(rec.pk))
    assert events.filter(action="create", model="recommendations.recommendation").exists()
    change = events.get(action="update", model="recommendations.recommendation")
    assert change.changes["status"] == ["open", "implemented"] and change.username == "amrita"
