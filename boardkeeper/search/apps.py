from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "boardkeeper.search"
    verbose_name = "Search"

    def ready(self) -> None:
        """Connect the signals that keep the index current as records are saved and deleted."""
        from boardkeeper.search import signals

        signals.connect()
