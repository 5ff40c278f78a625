"""Django's form rendering, in GOV.UK Frontend's patterns.

`{{ form }}` renders every field, `{{ field.as_field_group }}` one (label, hint, error message and
`aria-describedby`, by the field's widget): templates/forms/form.html and field.html."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
