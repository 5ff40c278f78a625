"""Agencies answer for themselves: a board member named on a review records their agency's comments and
change requests against a version of its report, and may change or withdraw them until the business team
responds (the response stays the business team's: `services.change_request_respond`).

Each request is attributed to whoever raised it and to their organisation in the directory, so that the
change log says which agency asked for what. Changes are version-checked (`row_version`) and refused once
the request has a response, so an edit never rewrites words the business team has already answered.
Every write is on the audit trail: the creation through the model's signals, the changes through
`audit.updated` (a QuerySet.update sends no signal).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Person
from boardkeeper.lib.versioning import StaleEdit, update_versioned
from boardkeeper.reviews.models import ChangeRequest, ReportVersion
from boardkeeper.reviews.services import ReviewRefused

Pending = ChangeRequest.Response.PENDING


def _checked_kind(kind: str) -> str:
    if kind not in ChangeRequest.Kind.values:
        raise ReviewRefused("Choose whether it is a change request or a comment.")
    return kind


@audit.acts
@transaction.atomic
def agency_request_add(
    *,
    version: ReportVersion,
    user: User,
    person: Person,
    kind: str,
    reference: str,
    request: str,
    on: dt.date,
) -> ChangeRequest:
    """A request raised by `person` (the user's entry in the directory) for their organisation."""
    if person.organisation is None:
        raise ReviewRefused(
            "Your entry in the directory names no organisation: ask the business team to add it."
        )
    return ChangeRequest.objects.create(
        version=version,
        kind=_checked_kind(kind),
        reference=reference.strip(),
        request=request.strip(),
        requested_by=person.full_name,
        organisation=person.organisation.name,
        agency=person.organisation,
        raised_by=user,
        requested_on=on,
    )


def _update_pending(change: ChangeRequest, user: User, row_version: int, **fields: object) -> ChangeRequest:
    """Write `fields` if the request is still the user's, still awaiting a response and still at
    `row_version`; else StaleEdit with the request as it now is (None if it is gone)."""
    try:
        update_versioned(
            ChangeRequest.objects.filter(raised_by=user, response=Pending),
            pk=change.pk,
            version=row_version,
            field="row_version",
            **fields,
        )
    except StaleEdit:
        raise StaleEdit(ChangeRequest.objects.filter(pk=change.pk).first()) from None
    audit.updated(change, fields)
    change.refresh_from_db()
    return change


@audit.acts
@transaction.atomic
def agency_request_edit(
    *, change: ChangeRequest, user: User, row_version: int, kind: str, reference: str, request: str
) -> ChangeRequest:
    return _update_pending(
        change,
        user,
        row_version,
        kind=_checked_kind(kind),
        reference=reference.strip(),
        request=request.strip(),
    )


@audit.acts
@transaction.atomic
def agency_request_withdraw(
    *, change: ChangeRequest, user: User, row_version: int, on: dt.date
) -> ChangeRequest:
    """Withdrawn, not deleted: the change log keeps what was asked, and that the agency took it back."""
    return _update_pending(
        change, user, row_version, response=ChangeRequest.Response.WITHDRAWN, responded_on=on
    )
