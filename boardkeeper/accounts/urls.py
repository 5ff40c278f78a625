"""Signing in and out, the second factor, and who has access to a partnership."""

from django.contrib.auth import views as auth_views
from django.urls import path

from boardkeeper.accounts import invitation_views, views

urlpatterns = [  # under accounts/
    path("login/", views.SignInView.as_view(), name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invitation/<str:token>/", invitation_views.invitation_accept, name="invitation_accept"),
]

partnership_urls = [  # under p/<slug>/
    path("access/", views.access, name="access"),
    path("access/invite/", invitation_views.access_invite, name="access_invite"),
    path("access/invitations/<int:pk>/resend/", invitation_views.invitation_resend, name="invitation_resend"),
    path("access/invitations/<int:pk>/cancel/", invitation_views.invitation_cancel, name="invitation_cancel"),
]
