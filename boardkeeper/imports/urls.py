"""Importing several minutes at once."""

from django.urls import path

from boardkeeper.imports import views

urlpatterns = [
    path("imports/batch/<uuid:batch_id>/", views.import_batch, name="import_batch"),
    path(
        "imports/batch/<uuid:batch_id>/import-all/", views.import_batch_confirm, name="import_batch_confirm"
    ),
]

board_urls = [  # under p/<slug>/boards/<board_slug>/
    path("import/several/", views.import_several, name="import_several"),
]
