"""URLs of the forward plan, agendas, exports and calendar feeds (views in boardkeeper/actions/plan_views.py)."""

from django.urls import path, re_path

from boardkeeper.actions import plan_views as views

BOARD = "p/<slug:slug>/<slug:board_slug>/"

urlpatterns = [
    # before the board pages: '/p/<slug>/forward-plan/' is the partnership's plan, not a board's page
    path("p/<slug:slug>/forward-plan/", views.partnership_forward_plan, name="partnership_forward_plan"),
    path(BOARD + "forward-plan/", views.forward_plan, name="forward_plan"),
    path(
        BOARD + "forward-plan/<int:entry_id>/remove/",
        views.forward_plan_entry_remove,
        name="forward_plan_entry_remove",
    ),
    path(BOARD + "forward-plan/next-meeting/", views.forward_plan_schedule, name="forward_plan_schedule"),
    path(BOARD + "forward-plan.xlsx", views.forward_plan_export, name="forward_plan_export"),
    re_path(
        r"^p/(?P<slug>[-\w]+)/(?P<board_slug>[-\w]+)/actions/export\.(?P<fmt>csv|xlsx|docx)$",
        views.board_actions_export,
        name="board_actions_export",
    ),
    re_path(
        r"^p/(?P<slug>[-\w]+)/actions/export\.(?P<fmt>csv|xlsx|docx)$",
        views.partnership_actions_export,
        name="partnership_actions_export",
    ),
    path("meetings/<int:meeting_id>/agenda/", views.agenda, name="agenda"),
    path("meetings/<int:meeting_id>/agenda/<int:entry_id>/", views.agenda_entry, name="agenda_entry"),
    path(
        "meetings/<int:meeting_id>/agenda/<int:entry_id>/move/",
        views.agenda_entry_move,
        name="agenda_entry_move",
    ),
    path(
        "meetings/<int:meeting_id>/agenda/<int:entry_id>/remove/",
        views.agenda_entry_remove,
        name="agenda_entry_remove",
    ),
    path("meetings/<int:meeting_id>/agenda.docx", views.agenda_export, name="agenda_export"),
    path("my-calendar/", views.my_calendar, name="my_calendar"),
    path("my-calendar/revoke/", views.my_calendar_revoke, name="my_calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
