from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "boardkeeper.audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from boardkeeper.audit import immutable, recorder

        recorder.connect()
        connection_created.connect(immutable.register_function, dispatch_uid="boardkeeper_audit_erasable")
