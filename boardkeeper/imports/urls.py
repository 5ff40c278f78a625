"""Importing minutes: one file's preview and its corrections, and several files at once."""

from django.urls import path

from boardkeeper.imports import preview_views, views

urlpatterns = [
    path("imports/<uuid:pending_id>/", preview_views.import_preview, name="import_preview"),
    path("imports/<uuid:pending_id>/meeting/", preview_views.preview_meeting, name="preview_meeting"),
    path(
        "imports/<uuid:pending_id>/people/<int:index>/", preview_views.preview_person, name="preview_person"
    ),
    path(
        "imports/<uuid:pending_id>/actions/new/", preview_views.preview_action_add, name="preview_action_add"
    ),
    path(
        "imports/<uuid:pending_id>/actions/<int:index>/", preview_views.preview_action, name="preview_action"
    ),
    path(
        "imports/<uuid:pending_id>/actions/<int:index>/include/",
        preview_views.preview_action_include,
        name="preview_action_include",
    ),
    path("imports/batch/<uuid:batch_id>/", views.import_batch, name="import_batch"),
    path(
        "imports/batch/<uuid:batch_id>/import-all/", views.import_batch_confirm, name="import_batch_confirm"
    ),
]

board_urls = [  # under p/<slug>/boards/<board_slug>/
    path("import/several/", views.import_several, name="import_several"),
]
