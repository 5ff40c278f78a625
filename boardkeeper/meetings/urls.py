"""The record's pages: partnerships, boards, meetings, people, source documents, and importing minutes."""

from django.urls import path

from boardkeeper.meetings import views

urlpatterns = [
    path("", views.home, name="home"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("documents/<int:document_id>/", views.document, name="document"),
]

partnership_urls = [  # under p/<slug>/
    path("", views.partnership, name="partnership"),
    path("records.json", views.partnership_export, name="partnership_export"),
]

board_urls = [  # under p/<slug>/boards/<board_slug>/
    path("", views.board, name="board"),
    path("import/", views.import_upload, name="import_upload"),
]

meeting_urls = [  # under meetings/<meeting_id>/
    path("", views.meeting, name="meeting"),
    path("approve/", views.meeting_approve, name="meeting_approve"),
    path("unapprove/", views.meeting_unapprove, name="meeting_unapprove"),
    path("undo-import/", views.meeting_undo_import, name="meeting_undo_import"),
]

# Until December 2026 a board's pages sat beside the partnership's (/p/<slug>/<board>/...). Bookmarks and
# links in old e-mails still point there: they are sent on, for members, to the same page under boards/.
# These come after every fixed segment of a partnership, so '/p/<slug>/actions/' stays the partnership's log
# (no board could have had that slug then: the old scheme reserved it).
moved_board_urls = [
    path("<slug:board_slug>/", views.board_moved, name="board_moved"),
    path("<slug:board_slug>/<path:rest>", views.board_moved, name="board_moved_page"),
]
