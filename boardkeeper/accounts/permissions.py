"""Every view fetches what it shows through these helpers: membership is checked, and what is not
yours does not exist (404, never 403, so that URLs reveal nothing). A view that changes records asks with
`edit=True`: a member who is not on the business team is then refused (403) once the record is theirs to see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.actions.models import Action, AgendaEntry, ForwardPlanEntry
from boardkeeper.directory.models import Board, Partnership, Person, ReferenceChange
from boardkeeper.lib.plain_sql import select_models
from boardkeeper.lib.reference import Reference
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument
from boardkeeper.reviews.models import Review


@dataclass(frozen=True, slots=True)
class Access:
    partnership: Partnership
    role: PartnershipRole
    # the partnership's reference version, read with the role: what lib.reference keys its values by
    version: str | None = None

    @property
    def reference(self) -> Reference:
        """What boardkeeper.lib.reference.cached keys this partnership's values by (None: not cached)."""
        return None if self.version is None else (self.partnership.pk, self.version)

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


_ROLE = PartnershipRole._meta.db_table
_PARTNERSHIP = Partnership._meta.db_table
_BOARD = Board._meta.db_table
# the partnership's reference version, read with it (lib.reference): the sum of its changes' tokens and the
# latest change's id (a sum alone could come back to an earlier one, one time in a few billion), from the
# (partnership_id, id, token) index alone; NULL when nothing of the partnership has been written
_VERSION = (
    f"(SELECT CAST(SUM(c.token) AS VARCHAR(24)) || '.' || CAST(MAX(c.id) AS VARCHAR(24))"
    f" FROM {ReferenceChange._meta.db_table} c WHERE c.partnership_id = p.id)"
)
# the user's role with its partnership, by the partnership's id or its address (lib.plain_sql: every page asks)
_ROLE_BY_ID = (
    f"FROM {_ROLE} r JOIN {_PARTNERSHIP} p ON p.id = r.partnership_id"
    " WHERE r.user_id = %s AND r.partnership_id = %s"
)
_ROLE_BY_SLUG = (
    f"FROM {_ROLE} r JOIN {_PARTNERSHIP} p ON p.id = r.partnership_id WHERE r.user_id = %s AND p.slug = %s"
)
# a board of a partnership, by their addresses, with the partnership and the user's role in it
_BOARD_WITH_ROLE = (
    f"FROM {_BOARD} b JOIN {_PARTNERSHIP} p ON p.id = b.partnership_id"
    f" JOIN {_ROLE} r ON r.partnership_id = p.id WHERE p.slug = %s AND b.slug = %s AND r.user_id = %s"
)


def _access(
    request: HttpRequest, partnership_id: int | None = None, *, edit: bool = False, slug: str = ""
) -> Access:
    """The user's role in the partnership of this id (or address, `slug`) with the partnership, one query.
    No such partnership and no role in it are the same 404: nobody learns which partnerships exist."""
    user = signed_in_user(request)
    # one role a user and partnership at most (partnership_role_unique)
    parts = [(PartnershipRole, "r"), (Partnership, "p")]
    found = (
        select_models(parts, _ROLE_BY_ID, [user.pk, partnership_id], extra=_VERSION)
        if partnership_id is not None
        else select_models(parts, _ROLE_BY_SLUG, [user.pk, slug], extra=_VERSION)
    )
    if not found:
        raise Http404("No such partnership")
    role, partnership, version = found[0]
    role.partnership, role.user = partnership, user
    access = Access(partnership, role, version)
    if edit:
        access.require_edit()
    return access


def get_partnership_for_user(request: HttpRequest, slug: str, *, edit: bool = False) -> Access:
    return _access(request, slug=slug, edit=edit)


def get_board_for_user(
    request: HttpRequest, partnership_slug: str, board_slug: str, *, edit: bool = False
) -> tuple[Board, Access]:
    user = signed_in_user(request)
    # the board, its partnership and the user's role in it, one query: no such board, no such partnership
    # and no role in it are the same 404 (a board's address is unique in its partnership)
    found = select_models(
        [(Board, "b"), (Partnership, "p"), (PartnershipRole, "r")],
        _BOARD_WITH_ROLE,
        [partnership_slug, board_slug, user.pk],
        extra=_VERSION,
    )
    if not found:
        raise Http404("No such board")
    board, partnership, role, version = found[0]
    board.partnership = role.partnership = partnership
    role.user = user
    access = Access(partnership, role, version)
    if edit:
        access.require_edit()  # after the board is found: a board that is not there is not found, for anyone
    return board, access


def get_meeting_for_user(
    request: HttpRequest, meeting_id: int, *, edit: bool = False
) -> tuple[Meeting, Access]:
    meeting = get_object_or_404(Meeting.objects.select_related("board__partnership", "source"), pk=meeting_id)
    return meeting, _access(request, meeting.board.partnership_id, edit=edit)


def get_person_for_user(request: HttpRequest, person_id: int) -> tuple[Person, Access]:
    person = get_object_or_404(Person.objects.select_related("organisation", "partnership"), pk=person_id)
    return person, _access(request, person.partnership_id)


def get_pending_import_for_user(request: HttpRequest, pending_id: str) -> tuple[PendingImport, Access]:
    pending = get_object_or_404(PendingImport.objects.select_related("board__partnership"), pk=pending_id)
    return pending, _access(request, pending.board.partnership_id, edit=True)


def get_import_batch_for_user(
    request: HttpRequest, batch_id: uuid.UUID
) -> tuple[Board, list[PendingImport], Access]:
    """Files uploaded together for import, for the business team of their board's partnership."""
    pendings = list(
        PendingImport.objects.filter(batch=batch_id)
        .defer("data", "document")  # the page lists them: not their bytes, nor their text
        .select_related("board__partnership", "meeting")
        .order_by("name")
    )
    if not pendings:
        raise Http404("No such upload")
    board = pendings[0].board
    return board, pendings, _access(request, board.partnership_id, edit=True)


def get_document_for_user(request: HttpRequest, document_id: int) -> tuple[SourceDocument, Access]:
    document = get_object_or_404(
        SourceDocument.objects.select_related("partnership", "meeting"), pk=document_id
    )
    return document, _access(request, document.partnership_id)


def get_action_for_user(request: HttpRequest, action_id: int, *, edit: bool = False) -> tuple[Action, Access]:
    """An action with what its page shows: where it was raised, when it is due, and its owners."""
    action = get_object_or_404(
        Action.objects.select_related("board__partnership", "meeting__board", "item", "due_meeting")
        .defer("item__discussion")
        .prefetch_related("owner_people", "owner_teams"),
        pk=action_id,
    )
    return action, _access(request, action.board.partnership_id, edit=edit)


def may_update_action(access: Access, action: Action, user: User) -> bool:
    """The business team updates any action; a board member only one they own (through their Person); a
    viewer none, not even one they own: a viewer changes nothing."""
    if access.can_edit:
        return True
    if access.role.role != PartnershipRole.Role.MEMBER:
        return False
    return any(p.user_id == user.pk for p in action.owner_people.all())


def get_own_person_for_user(request: HttpRequest) -> tuple[Person, Access] | None:
    """The Person the signed-in user's account is linked to, in a partnership they have a role in."""
    try:
        person: Person = signed_in_user(request).person  # read with the user (accounts.backends)
    except Person.DoesNotExist:
        return None
    try:
        access = _access(request, person.partnership_id)
        person.partnership = access.partnership  # read with the role: no query for it
        return person, access
    except Http404:
        return None  # linked to someone in a partnership they no longer have a role in


def get_forward_plan_entry_for_user(
    request: HttpRequest, partnership_slug: str, board_slug: str, entry_id: int
) -> tuple[ForwardPlanEntry, Access]:
    """An entry of a board's forward plan, for the business team to change."""
    board, access = get_board_for_user(request, partnership_slug, board_slug)
    entry = get_object_or_404(ForwardPlanEntry.objects.select_related("board"), board=board, pk=entry_id)
    access.require_edit()  # after the entry is found: one that is not there is not found, for anyone
    return entry, access


def get_agenda_entry_for_user(
    request: HttpRequest, meeting_id: int, entry_id: int
) -> tuple[AgendaEntry, Access]:
    """An item of a meeting's drafted agenda, for the business team to change."""
    meeting, access = get_meeting_for_user(request, meeting_id)
    entry = get_object_or_404(AgendaEntry.objects.select_related("meeting"), meeting=meeting, pk=entry_id)
    entry.meeting = meeting  # with its board and partnership, already read
    access.require_edit()
    return entry, access


def get_review_for_user(request: HttpRequest, review_id: int, *, edit: bool = False) -> tuple[Review, Access]:
    """A case review, for its named people and its partnership's business team; anyone else: not found
    (the same answer as for a review that does not exist, so its existence is not given away)."""
    review = get_object_or_404(Review.objects.select_related("partnership"), pk=review_id)
    access = _access(request, review.partnership_id)
    user = signed_in_user(request)
    if not access.can_edit and not review.named_people.filter(user=user).exists():
        raise Http404("No such review")
    if edit:
        access.require_edit()
    return review, access
