"""The boards' set-up pages: a new board (under p/<slug>/), and a board's settings and members (under
p/<slug>/boards/<board_slug>/)."""

from django.urls import path

from boardkeeper.directory import board_views

partnership_urls = [  # under p/<slug>/ (not under boards/: a board may take any slug)
    path("new-board/", board_views.board_new, name="board_new"),
]

board_urls = [  # under p/<slug>/boards/<board_slug>/
    path("settings/", board_views.board_settings, name="board_settings"),
    path("members/", board_views.board_member_add, name="board_member_add"),
    path("members/<int:membership_id>/", board_views.board_member, name="board_member"),
]
