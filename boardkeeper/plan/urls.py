"""The forward plan, agendas and calendar feeds."""

from django.urls import path

from boardkeeper.plan import views

urlpatterns = [
    path("my-calendar/", views.my_calendar, name="my_calendar"),
    path("my-calendar/revoke/", views.my_calendar_revoke, name="my_calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

partnership_urls = [  # under p/<slug>/forward-plan/
    path("", views.partnership_forward_plan, name="partnership_forward_plan"),
]

board_urls = [  # under p/<slug>/boards/<board_slug>/
    path("forward-plan/", views.forward_plan, name="forward_plan"),
    path(
        "forward-plan/<int:entry_id>/remove/",
        views.forward_plan_entry_remove,
        name="forward_plan_entry_remove",
    ),
    path("forward-plan/next-meeting/", views.forward_plan_schedule, name="forward_plan_schedule"),
    path("forward-plan.xlsx", views.forward_plan_export, name="forward_plan_export"),
]

meeting_urls = [  # under meetings/<meeting_id>/
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/<int:entry_id>/", views.agenda_entry, name="agenda_entry"),
    path("agenda/<int:entry_id>/move/", views.agenda_entry_move, name="agenda_entry_move"),
    path("agenda/<int:entry_id>/remove/", views.agenda_entry_remove, name="agenda_entry_remove"),
    path("agenda.docx", views.agenda_export, name="agenda_export"),
]
