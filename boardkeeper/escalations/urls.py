"""The escalations register's pages (issue 14)."""

from django.urls import URLPattern, URLResolver, path

from boardkeeper.escalations import views

partnership_urls: list[URLPattern | URLResolver] = [  # under p/<slug>/escalations/
    path("", views.register, name="escalations"),
    path("new/", views.escalation_new, name="escalation_new"),
    path("settings/", views.escalation_settings, name="escalation_settings"),
    path("export.xlsx", views.register_export, name="escalations_export"),
    path("<int:escalation_id>/", views.escalation, name="escalation"),
    path("<int:escalation_id>/edit/", views.escalation_edit, name="escalation_edit"),
    path("<int:escalation_id>/stage/", views.escalation_stage, name="escalation_stage"),
    path("<int:escalation_id>/close/", views.escalation_close, name="escalation_close"),
    path("<int:escalation_id>/actions/", views.escalation_action, name="escalation_action"),
    path("<int:escalation_id>/items/", views.escalation_item, name="escalation_item"),
    path(
        "<int:escalation_id>/items/<int:link_id>/unlink/",
        views.escalation_item_unlink,
        name="escalation_item_unlink",
    ),
    path(
        "<int:escalation_id>/actions/<int:link_id>/unlink/",
        views.escalation_unlink,
        name="escalation_unlink",
    ),
]
