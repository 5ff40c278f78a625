"""A person's own choice of how often they are reminded: only their own, whoever they are."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from boardkeeper.accounts.permissions import signed_in_user
from boardkeeper.reminders import services
from boardkeeper.reminders.forms import ReminderPreferenceForm


@require_http_methods(["GET", "POST"])
def reminder_preferences(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    current = services.preference_of(user=user)
    form = ReminderPreferenceForm(
        request.POST if request.method == "POST" else None, initial={"frequency": current}
    )
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=user, frequency=form.cleaned_data["frequency"])
        messages.success(request, "Your reminder settings are saved.")
        return redirect("reminder_preferences")
    return render(request, "reminders/preferences.html", {"form": form, "email": user.email})
