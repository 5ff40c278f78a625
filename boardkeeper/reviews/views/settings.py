"""A partnership's review settings: the rules of the clocks and of publication, periods with no
publications, and the list of themes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from boardkeeper.accounts.permissions import get_partnership_for_user
from boardkeeper.actions.flag_forms import UndatedFlagForm
from boardkeeper.reviews import forms as f
from boardkeeper.reviews import services
from boardkeeper.reviews.models import PublicationBlackout, ReviewRules, Theme


@require_http_methods(["GET", "POST"])
def review_settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    partnership = access.partnership
    rules = services.rules_for(partnership)
    which = request.POST.get("form") if request.method == "POST" else None
    rules_form = f.RulesForm(request.POST if which == "rules" else None, instance=rules, prefix="rules")
    blackout_form = f.BlackoutForm(request.POST if which == "blackout" else None, prefix="blackout")
    theme_form = f.ThemeForm(request.POST if which == "theme" else None, prefix="theme")
    flags_form = UndatedFlagForm(
        request.POST if which == "flags" else None, instance=partnership, prefix="flags"
    )
    done = None
    if which == "rules" and rules_form.is_valid():
        rules_form.save()
        done = "The rules are saved; every clock now follows them."
    elif which == "flags" and flags_form.is_valid():
        flags_form.save()  # audited by the recorder's signals, as every save
        done = "The flags for actions with no due date are saved; every action log now follows them."
    elif which == "blackout" and blackout_form.is_valid():
        PublicationBlackout.objects.create(partnership=partnership, **blackout_form.cleaned_data)
        done = "The period with no publications is saved."
    elif which == "theme" and theme_form.is_valid():
        name = theme_form.cleaned_data["name"].strip()
        if Theme.objects.filter(partnership=partnership, name__iexact=name).exists():
            theme_form.add_error("name", f"‘{name}’ is on the list already.")
        else:
            Theme.objects.create(partnership=partnership, name=name)
            done = f"‘{name}’ is on the list of themes."
    elif which == "remove-blackout":
        PublicationBlackout.objects.filter(partnership=partnership, pk=request.POST.get("id") or 0).delete()
        done = "The period is removed."
    if done:
        messages.success(request, done)
        return redirect("review_settings", slug=partnership.slug)
    return render(
        request,
        "reviews/settings.html",
        {
            "access": access,
            "rules_form": rules_form,
            "blackout_form": blackout_form,
            "theme_form": theme_form,
            "flags_form": flags_form,
            "blackouts": PublicationBlackout.objects.filter(partnership=partnership),
            "themes": Theme.objects.filter(partnership=partnership),
            "rules": rules,
            "defaults": ReviewRules(),
        },
    )
