from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "boardkeeper.escalations"
    verbose_name = "Escalations"
