"""The business team sets up its boards on the web: a new board or subgroup, a board renamed or moved under
another, and its members with their roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from boardkeeper.accounts.permissions import Access, get_board_for_user, get_partnership_for_user
from boardkeeper.directory import boards
from boardkeeper.directory.models import Board, Membership, Partnership, Person


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class BoardForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the board's name."}
    )
    parent = forms.ChoiceField(
        label="A subgroup of",
        required=False,
        help_text="Leave it as ‘None’ for a board of the partnership; choose a board for one of its subgroups.",
    )

    def __init__(self, *args: Any, partnership: Partnership, board: Board | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        others = Board.objects.filter(partnership=partnership).exclude(pk=getattr(board, "pk", None))
        _choice(self, "parent").choices = [("", "None")] + [
            (str(b.pk), b.name) for b in others.only("pk", "name")
        ]
        self.partnership = partnership

    def parent_board(self) -> Board | None:
        pk = self.cleaned_data.get("parent")
        return Board.objects.filter(partnership=self.partnership, pk=pk).first() if pk else None


class MemberForm(forms.Form):
    person = forms.ChoiceField(label="Person", error_messages={"required": "Choose the person."})
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role."},
    )

    def __init__(self, *args: Any, board: Board, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = (
            Person.objects.filter(partnership_id=board.partnership_id)
            .exclude(memberships__board=board)
            .select_related("organisation")
            .order_by("full_name")
        )
        _choice(self, "person").choices = [("", "Choose a person")] + [
            (str(p.pk), f"{p.full_name} ({p.organisation.name})" if p.organisation else p.full_name)
            for p in people
        ]


@require_http_methods(["GET", "POST"])
def board_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    form = BoardForm(request.POST or None, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            board = boards.board_add(
                partnership=access.partnership, name=form.cleaned_data["name"], parent=form.parent_board()
            )
        except boards.BoardRefused as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"{board.name} is set up. Add its members below.")
            return redirect("board_settings", slug=slug, board_slug=board.slug)
    return render(
        request,
        "directory/board_new.html",
        {"access": access, "form": form},
        status=400 if form.errors else 200,
    )


def _settings_page(
    request: HttpRequest,
    board: Board,
    access: Access,
    *,
    form: BoardForm | None = None,
    member: MemberForm | None = None,
) -> HttpResponse:
    memberships = (
        Membership.objects.filter(board=board)
        .select_related("person__organisation")
        .order_by("person__full_name")
    )
    errors = bool((form and form.errors) or (member and member.errors))
    return render(
        request,
        "directory/board_settings.html",
        {
            "access": access,
            "board": board,
            "form": form
            or BoardForm(
                partnership=board.partnership,
                board=board,
                initial={"name": board.name, "parent": board.parent_id or ""},
            ),
            "member": member or MemberForm(board=board),
            "memberships": memberships,
            "roles": Membership.Role.choices,
            "subgroups": board.subgroups.order_by("name"),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def board_settings(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug, edit=True)
    if request.method == "POST":
        form = BoardForm(request.POST, partnership=board.partnership, board=board)
        if form.is_valid():
            try:
                boards.board_change(board=board, name=form.cleaned_data["name"], parent=form.parent_board())
            except boards.BoardRefused as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, f"Saved: {board.name}.")
                return redirect("board_settings", slug=slug, board_slug=board.slug)
        return _settings_page(request, board, access, form=form)
    return _settings_page(request, board, access)


@require_http_methods(["GET", "POST"])
def board_member_add(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug, edit=True)
    if request.method == "GET":
        return redirect(reverse("board_settings", args=[slug, board_slug]) + "#add-member")
    member = MemberForm(request.POST, board=board)
    if member.is_valid():
        person = get_object_or_404(
            Person, partnership_id=board.partnership_id, pk=member.cleaned_data["person"]
        )
        try:
            boards.member_add(board=board, person=person, role=member.cleaned_data["role"])
        except boards.BoardRefused as exc:
            member.add_error("person", str(exc))
        else:
            messages.success(request, f"{person.full_name} is a member of the {board.name}.")
            return redirect(reverse("board_settings", args=[slug, board_slug]) + "#members")
    return _settings_page(request, board, access, member=member)


@require_http_methods(["GET", "POST"])
def board_member(request: HttpRequest, slug: str, board_slug: str, membership_id: int) -> HttpResponse:
    """A member's role changed (`action` role), or their membership ended (`action` remove)."""
    board, _access = get_board_for_user(request, slug, board_slug, edit=True)
    membership = get_object_or_404(Membership.objects.select_related("person"), board=board, pk=membership_id)
    if request.method == "POST":
        name = membership.person.full_name
        if request.POST.get("action") == "remove":
            boards.member_remove(membership=membership)
            messages.success(request, f"{name} is no longer a member of the {board.name}.")
        else:
            try:
                boards.member_change(membership=membership, role=request.POST.get("role", ""))
            except boards.BoardRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, f"{name} is now {membership.get_role_display().lower()} of the {board.name}."
                )
    return redirect(reverse("board_settings", args=[slug, board_slug]) + "#members")
