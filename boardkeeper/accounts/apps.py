from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "boardkeeper.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from boardkeeper.accounts.middleware import stamp_signed_in_session

        user_logged_in.connect(stamp_signed_in_session, dispatch_uid="accounts_session_refreshed")
