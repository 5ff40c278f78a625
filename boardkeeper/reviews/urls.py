"""URLs of the case review register."""

from django.urls import path

from boardkeeper.reviews import views

urlpatterns = [
    # before the board pages: '/p/<slug>/reviews/' is the register, not a board slugged 'reviews'
    path("p/<slug:slug>/reviews/", views.register, name="reviews"),
    path("p/<slug:slug>/reviews/notification/", views.notification_new, name="notification_new"),
    path("p/<slug:slug>/reviews/new/", views.review_new, name="review_new"),
    path("p/<slug:slug>/reviews/settings/", views.review_settings, name="review_settings"),
    path("p/<slug:slug>/reviews/export.xlsx", views.register_export, name="reviews_export"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("reviews/<int:review_id>/change-log.xlsx", views.change_log_export, name="change_log_export"),
    path("reviews/<int:review_id>/files/<int:version_id>/", views.report_file, name="report_file"),
    path("reviews/<int:review_id>/<slug:section>/", views.review_section, name="review_section"),
]
