"""The recommendations register's pages (issue 14)."""

from django.urls import URLPattern, URLResolver, path

from boardkeeper.recommendations import views

partnership_urls: list[URLPattern | URLResolver] = [  # under p/<slug>/recommendations/
    path("", views.register, name="recommendations"),
    path("new/", views.recommendation_new, name="recommendation_new"),
    path("export.xlsx", views.register_xlsx, name="recommendations_xlsx"),
    path("yearly-report.docx", views.register_docx, name="recommendations_docx"),
    path("<int:rec_id>/", views.recommendation, name="recommendation"),
    # a form of the recommendation's page each: the view that changes it is named recommendation_<form>
    path("<int:rec_id>/details/", views.recommendation_details, name="recommendation_details"),
    path("<int:rec_id>/not-a-repeat/", views.recommendation_repeat, name="recommendation_repeat"),
    path("<int:rec_id>/status/", views.recommendation_status, name="recommendation_status"),
    path("<int:rec_id>/impact/", views.recommendation_impact, name="recommendation_impact"),
    path("<int:rec_id>/actions/new/", views.recommendation_action_new, name="recommendation_new_action"),
    path("<int:rec_id>/actions/", views.recommendation_action, name="recommendation_action"),
    path(
        "<int:rec_id>/actions/<int:link_id>/unlink/",
        views.recommendation_unlink,
        name="recommendation_unlink",
    ),
    path("<int:rec_id>/evidence/", views.recommendation_evidence, name="recommendation_evidence"),
    path("<int:rec_id>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
]
