"""Every address, grouped under fixed segments so that no pattern depends on the order of another.

A partnership's pages sit under /p/<slug>/ (its boards under /p/<slug>/boards/<board>/, so a board may take
any slug); each record under its own kind (/meetings/<id>/, /actions/<id>/, /reviews/<id>/). Each app's
urls module holds its groups; this file puts them in place."""

from django.urls import URLPattern, URLResolver, include, path

from boardkeeper.accounts import urls as accounts
from boardkeeper.actions import urls as actions
from boardkeeper.audit import views as audit
from boardkeeper.directory import board_urls as boards
from boardkeeper.directory import people_urls
from boardkeeper.escalations import urls as escalations
from boardkeeper.funding import urls as funding
from boardkeeper.imports import urls as imports
from boardkeeper.inspections import urls as inspections
from boardkeeper.lib.health import healthz
from boardkeeper.meetings import urls as meetings
from boardkeeper.plan import urls as plan
from boardkeeper.recommendations import urls as recommendations
from boardkeeper.reviews import urls as reviews

board_urls: list[URLPattern | URLResolver] = [
    *meetings.board_urls,
    *imports.board_urls,
    path("actions/", include(actions.board_urls)),
    *plan.board_urls,
    *boards.board_urls,
]

partnership_urls: list[URLPattern | URLResolver] = [
    *meetings.partnership_urls,
    *accounts.partnership_urls,
    *boards.partnership_urls,
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/log.csv", audit.audit_log_csv, name="audit_log_csv"),
    path("actions/", include(actions.partnership_urls)),
    path("forward-plan/", include(plan.partnership_urls)),
    path("reviews/", include(reviews.partnership_urls)),
    path("escalations/", include(escalations.partnership_urls)),
    path("funding/", include(funding.partnership_urls)),
    path("inspections/", include(inspections.partnership_urls)),
    path("recommendations/", include(recommendations.partnership_urls)),
    path("boards/<slug:board_slug>/", include(board_urls)),
    *people_urls.partnership_urls,
    *meetings.moved_board_urls,  # last: the boards' addresses before they moved under boards/
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("boardkeeper.api.urls")),  # the public API: a personal access token, no session
    *meetings.urlpatterns,
    *imports.urlpatterns,
    path("accounts/", include(accounts.urlpatterns)),
    path("accounts/", include("boardkeeper.reminders.urls")),
    path("p/<slug:slug>/", include(partnership_urls)),
    path("meetings/<int:meeting_id>/", include([*meetings.meeting_urls, *plan.meeting_urls])),
    path("actions/<int:action_id>/", include(actions.action_urls)),
    path("reviews/<int:review_id>/", include(reviews.review_urls)),
    path("people/<int:person_id>/", include(people_urls.person_urls)),
    path("search/", include("boardkeeper.search.urls")),
    *actions.urlpatterns,
    *plan.urlpatterns,
]
