"""The case review register, each review's page and its files."""

from django.urls import path

from boardkeeper.reviews.views import agency, files, register, review, settings

partnership_urls = [  # under p/<slug>/reviews/
    path("", register.register, name="reviews"),
    path("notification/", register.notification_new, name="notification_new"),
    path("new/", register.review_new, name="review_new"),
    path("settings/", settings.review_settings, name="review_settings"),
    path("export.xlsx", files.register_export, name="reviews_export"),
]

review_urls = [  # under reviews/<review_id>/
    path("", review.review, name="review"),
    path("change-log.xlsx", files.change_log_export, name="change_log_export"),
    path("files/<int:version_id>/", files.report_file, name="report_file"),
    # a section of the review's page each: the view that changes it is named review_<section>
    path("notified/", review.review_notified, name="review_notified"),
    path("rapid/", review.review_rapid, name="review_rapid"),
    path("decision/", review.review_decision, name="review_decision"),
    path("details/", review.review_details, name="review_details"),
    path("stage/", review.review_stage, name="review_stage"),
    path("version/", review.review_version, name="review_version"),
    path("change/", review.review_change, name="review_change"),
    path("response/", review.review_response, name="review_response"),
    path("family/", review.review_family, name="review_family"),
    path("parallel/", review.review_parallel, name="review_parallel"),
    path("ended/", review.review_ended, name="review_ended"),
    path("overrun/", review.review_overrun, name="review_overrun"),
    path("panel/", review.review_panel, name="review_panel"),
    path("plan/", review.review_plan, name="review_plan"),
    path("publication/", review.review_publication, name="review_publication"),
    path("themes/", review.review_themes, name="review_themes"),
    path("people/", review.review_people, name="review_people"),
    # a board member named on the review, for their agency
    path("agency/", agency.review_agency, name="review_agency"),
    path("agency/<int:request_id>/", agency.review_agency_edit, name="review_agency_edit"),
    path("agency/<int:request_id>/withdraw/", agency.review_agency_withdraw, name="review_agency_withdraw"),
]
