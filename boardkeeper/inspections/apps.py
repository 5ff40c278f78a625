from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "boardkeeper.inspections"
    verbose_name = "Inspections"
