from django.contrib.auth import views as auth_views
from django.urls import include, path

from boardkeeper.accounts import views as accounts
from boardkeeper.audit import views as audit
from boardkeeper.meetings import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/two-factor/", accounts.two_factor, name="two_factor"),
    path("accounts/two-factor/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/qr.svg", accounts.two_factor_qr, name="two_factor_qr"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("p/<slug:slug>/", views.partnership, name="partnership"),
    path("p/<slug:slug>/access/", accounts.access, name="access"),
    path("p/<slug:slug>/audit/", audit.audit_log, name="audit_log"),
    path("p/<slug:slug>/records.json", views.partnership_export, name="partnership_export"),
    # before the board page: '/p/<slug>/actions/' is the partnership's log, not a board called 'actions'
    path("", include("boardkeeper.actions.urls")),
    path("", include("boardkeeper.actions.plan_urls")),
    path("", include("boardkeeper.reviews.urls")),
    path("p/<slug:slug>/<slug:board_slug>/", views.board, name="board"),
    path("p/<slug:slug>/<slug:board_slug>/import/", views.import_upload, name="import_upload"),
    path("imports/<uuid:pending_id>/", views.import_preview, name="import_preview"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("documents/<int:document_id>/", views.document, name="document"),
]
