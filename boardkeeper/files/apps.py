from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "boardkeeper.files"
    label = "files"
    verbose_name = "Stored files"
    default_auto_field = "django.db.models.BigAutoField"
