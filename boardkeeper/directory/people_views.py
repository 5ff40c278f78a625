"""The directory on the web: a partnership's people, listed for everyone with a role in it; added, corrected
and merged by the business team (the services in directory/people.py, each change audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import Access, get_partnership_for_user, get_person_for_user
from boardkeeper.directory import people as services
from boardkeeper.directory.models import Person
from boardkeeper.lib.versioning import StaleEdit

PAGE_SIZE = 50


class PersonAddForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's full name"}
    )
    organisation = forms.CharField(
        label="Organisation (optional)",
        max_length=200,
        required=False,
        help_text="As the minutes name it, for example Warwickshire Police",
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    initials = forms.CharField(
        label="Initials (optional)",
        max_length=20,
        required=False,
        help_text="As the minutes give them, for example PH or JCo: actions owned by initials are matched by them",
    )
    someone_else = forms.BooleanField(
        label="This is someone else with the same name: add them", required=False
    )


class PersonCorrectForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's full name"}
    )
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    # the person as the page showed them: a correction of a row someone else has corrected since is refused
    seen_full_name = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    seen_organisation = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    seen_job_title = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    @staticmethod
    def initial_for(person: Person) -> dict[str, str]:
        seen = services.Seen.of(person)
        return {
            "full_name": seen.full_name,
            "organisation": seen.organisation,
            "job_title": seen.job_title,
            "seen_full_name": seen.full_name,
            "seen_organisation": seen.organisation,
            "seen_job_title": seen.job_title,
        }

    def seen(self) -> services.Seen:
        data = self.cleaned_data
        return services.Seen(data["seen_full_name"], data["seen_organisation"], data["seen_job_title"])


class MergeForm(forms.Form):
    """The other record, and which of the two stays."""

    other = forms.TypedChoiceField(
        label="The other record of this person",
        coerce=int,
        error_messages={"required": "Choose the other record", "invalid_choice": "Choose the other record"},
    )
    keep = forms.ChoiceField(
        label="Which record's name and details to keep",
        choices=[("this", "This record's"), ("other", "The other record's")],
        initial="this",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which record to keep"},
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.people = {
            p.pk: p
            for p in Person.objects.filter(partnership_id=person.partnership_id)
            .exclude(pk=person.pk)
            .select_related("organisation", "user", "partnership")
        }
        choices: list[tuple[Any, str]] = [("", "Choose a record")]
        choices += [
            (
                pk,
                f"{p.full_name}" + (f" ({p.organisation.name})" if p.organisation else "") + f", record {pk}",
            )
            for pk, p in self.people.items()
        ]
        other = self.fields["other"]
        assert isinstance(other, forms.TypedChoiceField)
        other.choices = choices

    def chosen(self) -> Person:
        other: Person = self.people[self.cleaned_data["other"]]
        return other


@require_GET
def people(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's directory, filtered by name, fifty to a page; with the form to add a person for
    the business team."""
    access = get_partnership_for_user(request, slug)
    return _people_page(request, access, PersonAddForm() if access.can_edit else None)


def _people_page(
    request: HttpRequest, access: Access, form: PersonAddForm | None, existing: Person | None = None
) -> HttpResponse:
    q = " ".join(request.GET.get("q", "").split())[:200]
    found = Person.objects.filter(partnership=access.partnership).select_related("organisation")
    if q:
        found = found.filter(
            Q(full_name__icontains=q)
            | Q(pk__in=Person.objects.filter(aliases__alias__icontains=q).values("pk"))
        )
    page = Paginator(found.order_by("full_name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/people.html",
        {
            "access": access,
            "page": page,
            "q": q,
            "query": query.urlencode(),
            "form": form,
            "existing": existing,
        },
    )


@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    form = PersonAddForm(request.POST if request.method == "POST" else None)
    existing: Person | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_add(
                partnership=access.partnership,
                full_name=data["full_name"],
                organisation=data["organisation"],
                job_title=data["job_title"],
                initials=data["initials"],
                same_name_is_someone_else=data["someone_else"],
            )
        except services.PersonExists as exc:
            existing = exc.existing
            form.add_error("full_name", str(exc))
        except services.PersonRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{person.full_name} was added to the directory.")
            return redirect("person", person_id=person.pk)
    return render(
        request, "directory/person_add.html", {"access": access, "form": form, "existing": existing}
    )


@require_http_methods(["GET", "POST"])
def person_correct(request: HttpRequest, person_id: int) -> HttpResponse:
    person, access = get_person_for_user(request, person_id)
    access.require_edit()  # after the person is found: one that is not there is not found, for anyone
    if request.method == "POST":
        form = PersonCorrectForm(request.POST)
    else:
        form = PersonCorrectForm(initial=PersonCorrectForm.initial_for(person))
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_correct(
                person=person,
                seen=form.seen(),
                full_name=data["full_name"],
                organisation=data["organisation"],
                job_title=data["job_title"],
            )
        except StaleEdit as exc:
            if exc.current is None:
                raise Http404("This person has been removed from the directory.") from exc
            # nothing saved: the person as they now are, and what was typed, ready to save again
            stale, person = True, exc.current
            fresh = request.POST.copy()
            for name, value in PersonCorrectForm.initial_for(person).items():
                if name.startswith("seen_"):
                    fresh[name] = value
            form = PersonCorrectForm(fresh)
            form.is_valid()
        except services.PersonRefused as exc:
            form.add_error("full_name", str(exc))
        else:
            messages.success(request, "The person's details were corrected.")
            return redirect("person", person_id=person.pk)
    return render(
        request,
        "directory/person_correct.html",
        {"access": access, "person": person, "form": form, "stale": stale},
    )


@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, person_id: int) -> HttpResponse:
    """Merge two records of one person. GET without a choice: choose the other record; GET with one: the
    confirmation page, with what will move; POST: the merge."""
    person, access = get_person_for_user(request, person_id)
    access.require_edit()
    data = request.POST if request.method == "POST" else (request.GET if "other" in request.GET else None)
    form = MergeForm(data, person=person)
    plan = None
    if data is not None and form.is_valid():
        other = form.chosen()
        keep, remove = (person, other) if form.cleaned_data["keep"] == "this" else (other, person)
        if request.method == "POST":
            try:
                result = services.people_merge(keep=keep, remove=remove)
            except services.PersonRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"The two records were merged: {result.removed_name} is now known as "
                    f"{result.keep.full_name}, with their actions, attendance and boards.",
                )
                return redirect("person", person_id=result.keep.pk)
        else:
            plan = services.merge_plan(keep, remove)
            if plan.refusal:
                form.add_error(None, plan.refusal)
                plan = None
    return render(
        request,
        "directory/person_merge.html",
        {"access": access, "person": person, "form": form, "plan": plan},
    )
