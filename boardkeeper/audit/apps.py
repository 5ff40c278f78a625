from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "boardkeeper.audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from boardkeeper.audit import recorder

        recorder.connect()
