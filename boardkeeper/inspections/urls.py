"""The inspections register's pages (issue 14)."""

from django.urls import URLPattern, URLResolver, path

from boardkeeper.inspections import views

ONE = "<int:inspection_id>/"

partnership_urls: list[URLPattern | URLResolver] = [  # under p/<slug>/inspections/
    path("", views.register, name="inspections"),
    path("new/", views.inspection_new, name="inspection_new"),
    path(ONE, views.inspection, name="inspection"),
    path(ONE + "edit/", views.inspection_edit, name="inspection_edit"),
    path(ONE + "remove/", views.inspection_delete, name="inspection_delete"),
    path(ONE + "plan.docx", views.inspection_plan_docx, name="inspection_plan_docx"),
    path(ONE + "plan.xlsx", views.inspection_plan_xlsx, name="inspection_plan_xlsx"),
]
