from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "boardkeeper.actions"
    verbose_name = "Actions and forward plan"
