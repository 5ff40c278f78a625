from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "boardkeeper.reviews"
    verbose_name = "Case reviews"
