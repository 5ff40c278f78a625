"""Forms of the inspections register. Dates are typed as DATE_INPUT_FORMATS say (27/03/2024)."""

from __future__ import annotations

from typing import Any

from django import forms

from boardkeeper.directory.models import Board, Partnership
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.versioning import version_field
from boardkeeper.reviews.forms import choice_field, date_field, text_field

MENTIONED_HELP = (
    "Comma-separated, for example: HMIC, HMICFRS. Items of the minutes that use any of them link to the "
    "inspection. Left empty, the inspectorate's usual names and the title's acronyms are used."
)


class InspectionForm(forms.Form):
    """A new inspection, or (with `inspection`) the details of one, version-checked."""

    body = choice_field("Inspectorate or kind of report", Inspection.Body.choices)
    title = text_field(
        "Title", max_length=300, help_text="As the report is known, for example: Ofsted ILACS inspection"
    )
    board = forms.ChoiceField(
        label="Board that owns the improvement plan",
        required=False,
        error_messages={"invalid_choice": "Choose a board from the list."},
    )
    inspected_on = date_field(
        "Date of the inspection", help_text="Its first day, or the report's date. For example, 27 3 2024"
    )
    published_on = date_field("Date the report was published", required=False)
    judgement = text_field(
        "Judgement or headline",
        max_length=300,
        required=False,
        help_text="For example: Good; or the report's headline finding",
    )
    summary = text_field("Summary", max_length=5000, required=False, long=True)
    mentioned_as = text_field(
        "Words the minutes use for it", max_length=300, required=False, help_text=MENTIONED_HELP
    )

    def __init__(
        self, data: Any = None, *, partnership: Partnership, inspection: Inspection | None = None, **kw: Any
    ):
        if inspection is not None and data is None:
            kw["initial"] = {
                "version": inspection.version,
                "body": inspection.body,
                "title": inspection.title,
                "board": str(inspection.board_id or ""),
                "inspected_on": inspection.inspected_on,
                "published_on": inspection.published_on,
                "judgement": inspection.judgement,
                "summary": inspection.summary,
                "mentioned_as": inspection.mentioned_as,
            }
        super().__init__(data, **kw)
        self.boards = {str(b.pk): b for b in Board.objects.filter(partnership=partnership).order_by("name")}
        self.fields["board"].choices = [("", "Not recorded")] + [  # type: ignore[attr-defined]
            (k, b.name) for k, b in self.boards.items()
        ]
        if inspection is not None:
            self.fields["version"] = version_field("inspection")
        elif len(self.boards) == 1:
            self.fields["board"].initial = next(iter(self.boards))  # the partnership's one board

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        inspected, published = data.get("inspected_on"), data.get("published_on")
        if inspected and published and published < inspected:
            self.add_error(
                "published_on", "The date published cannot come before the date of the inspection."
            )
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned data as the services take them."""
        data = dict(self.cleaned_data)
        data["board"] = self.boards.get(data.get("board") or "")
        data.pop("version", None)
        return data


class DeleteForm(forms.Form):
    version = version_field("inspection")
