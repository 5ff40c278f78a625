"""Background work for meetings: reading an uploaded minutes file."""

from django_tasks import task

from boardkeeper.meetings import services


@task()
def read_pending_import(pending_id: str) -> None:
    services.import_read(pending_id=pending_id)
