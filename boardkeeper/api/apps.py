from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "boardkeeper.api"
    verbose_name = "Public API"
