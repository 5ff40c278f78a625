"""URLs of the action log."""

from django.urls import path

from boardkeeper.actions import views

urlpatterns = [
    path("p/<slug:slug>/<slug:board_slug>/actions/", views.board_actions, name="board_actions"),
    # not p/<slug>/actions/: boardkeeper/urls.py matches that as the page of a board slugged 'actions'
    path("p/<slug:slug>/actions/", views.partnership_actions, name="partnership_actions"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:action_id>/", views.action, name="action"),
    path("actions/<int:action_id>/owners/", views.action_owners, name="action_owners"),
]
