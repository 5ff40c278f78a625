from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "boardkeeper.directory"
    verbose_name = "Directory"
