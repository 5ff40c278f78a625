from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "boardkeeper.recommendations"
    verbose_name = "Recommendations"
