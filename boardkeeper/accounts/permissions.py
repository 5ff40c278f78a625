"""Every view fetches what it shows through these helpers: membership is checked, and what is not
yours does not exist (404, never 403, so that URLs reveal nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.directory.models import Board, Partnership, Person
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument


@dataclass(frozen=True, slots=True)
class Access:
    partnership: Partnership
    role: PartnershipRole

    @property
    def can_edit(self) -> bool:
        return self.role.can_edit

    def require_edit(self) -> None:
        if not self.can_edit:
            raise PermissionDenied("Only the business team can change this partnership's records.")


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that LoginRequiredMiddleware let through."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("Sign in first")
    return user


def partnerships_for_user(request: HttpRequest) -> list[PartnershipRole]:
    return list(
        PartnershipRole.objects.filter(user=signed_in_user(request))
        .select_related("partnership")
        .order_by("partnership__name")
    )


def _access(request: HttpRequest, partnership_id: int) -> Access:
    role = (
        PartnershipRole.objects.filter(user=signed_in_user(request), partnership_id=partnership_id)
        .select_related("partnership")
        .first()
    )
    if role is None:
        raise Http404("No such partnership")
    return Access(role.partnership, role)


def get_partnership_for_user(request: HttpRequest, slug: str) -> Access:
    partnership = get_object_or_404(Partnership, slug=slug)
    return _access(request, partnership.pk)


def get_board_for_user(request: HttpRequest, partnership_slug: str, board_slug: str) -> tuple[Board, Access]:
    access = get_partnership_for_user(request, partnership_slug)
    board = get_object_or_404(Board, partnership=access.partnership, slug=board_slug)
    return board, access


def get_meeting_for_user(request: HttpRequest, meeting_id: int) -> tuple[Meeting, Access]:
    meeting = get_object_or_404(Meeting.objects.select_related("board__partnership", "source"), pk=meeting_id)
    return meeting, _access(request, meeting.board.partnership_id)


def get_person_for_user(request: HttpRequest, person_id: int) -> tuple[Person, Access]:
    person = get_object_or_404(Person.objects.select_related("organisation", "partnership"), pk=person_id)
    return person, _access(request, person.partnership_id)


def get_pending_import_for_user(request: HttpRequest, pending_id: str) -> tuple[PendingImport, Access]:
    pending = get_object_or_404(PendingImport.objects.select_related("board__partnership"), pk=pending_id)
    access = _access(request, pending.board.partnership_id)
    access.require_edit()
    return pending, access


def get_document_for_user(request: HttpRequest, document_id: int) -> tuple[SourceDocument, Access]:
    document = get_object_or_404(
        SourceDocument.objects.select_related("partnership", "meeting"), pk=document_id
    )
    return document, _access(request, document.partnership_id)
