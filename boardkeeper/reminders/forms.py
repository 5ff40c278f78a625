from __future__ import annotations

from django import forms

from boardkeeper.reminders.models import ReminderPreference


class ReminderPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want reminders by e-mail?",
        choices=ReminderPreference.Frequency.choices,
        widget=forms.RadioSelect,
        help_text="Reminders list your actions due within 7 days or overdue and, for the business team, "
        "statutory clocks, overruns and agendas to circulate.",
        error_messages={"required": "Choose how often you want reminders."},
    )
