"""The funding register's pages (issue 14)."""

from django.urls import URLPattern, URLResolver, path

from boardkeeper.funding import views

YEAR = "<int:starts>/"

partnership_urls: list[URLPattern | URLResolver] = [  # under p/<slug>/funding/
    path("", views.funding_years, name="funding_years"),
    path(YEAR, views.funding_year, name="funding_year"),
    path(YEAR + "export.xlsx", views.funding_year_export, name="funding_year_export"),
    path(YEAR + "lines/add/", views.funding_line_add, name="funding_line_add"),
    path(YEAR + "lines/<int:line_id>/", views.funding_line, name="funding_line"),
    path(YEAR + "lines/<int:line_id>/remove/", views.funding_line_remove, name="funding_line_remove"),
    path(YEAR + "contributions/add/", views.funding_contribution_add, name="funding_contribution_add"),
    path(
        YEAR + "contributions/<int:contribution_id>/", views.funding_contribution, name="funding_contribution"
    ),
    path(
        YEAR + "contributions/<int:contribution_id>/remove/",
        views.funding_contribution_remove,
        name="funding_contribution_remove",
    ),
]
