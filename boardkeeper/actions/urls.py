"""The action log: a board's, a partnership's (each with its downloads), one's own, and each action's page."""

from django.urls import path, re_path

from boardkeeper.actions import views

urlpatterns = [
    path("my-actions/", views.my_actions, name="my_actions"),
]

EXPORT = r"^export\.(?P<fmt>csv|xlsx|docx)$"

partnership_urls = [  # under p/<slug>/actions/
    path("", views.partnership_actions, name="partnership_actions"),
    re_path(EXPORT, views.partnership_actions_export, name="partnership_actions_export"),
]

board_urls = [  # under p/<slug>/boards/<board_slug>/actions/
    path("", views.board_actions, name="board_actions"),
    re_path(EXPORT, views.board_actions_export, name="board_actions_export"),
]

action_urls = [  # under actions/<action_id>/
    path("", views.action, name="action"),
    path("owners/", views.action_owners, name="action_owners"),
]
