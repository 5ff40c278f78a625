from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "boardkeeper.accounts"
    verbose_name = "Accounts"
