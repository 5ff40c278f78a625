from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "boardkeeper.reminders"
    verbose_name = "Reminders"
