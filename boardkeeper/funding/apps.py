from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "boardkeeper.funding"
    verbose_name = "Partner funding"
