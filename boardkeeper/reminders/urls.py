from django.urls import URLPattern, path

from boardkeeper.reminders import views

urlpatterns: list[URLPattern] = [  # under accounts/
    path("reminders/", views.reminder_preferences, name="reminder_preferences"),
]
