from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "boardkeeper.meetings"
    verbose_name = "Meetings"
