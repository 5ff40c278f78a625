"""Signing in and out, the second factor, and who has access to a partnership."""

from django.contrib.auth import views as auth_views
from django.urls import path

from boardkeeper.accounts import invitation_views, token_views, views

urlpatterns = [  # under accounts/
    path("login/", views.SignInView.as_view(), name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", token_views.api_tokens, name="api_tokens"),  # personal access tokens of the API
    path("invitation/<str:token>/", invitation_views.invitation_accept, name="invitation_accept"),
    # a forgotten password, by e-mail (the second factor stays: a new password alone does not sign anyone in)
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="mail/password_reset.txt",
            html_email_template_name="mail/password_reset.html",
            subject_template_name="mail/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

partnership_urls = [  # under p/<slug>/
    path("access/", views.access, name="access"),
    path("access/invite/", invitation_views.access_invite, name="access_invite"),
    path("access/invitations/<int:pk>/resend/", invitation_views.invitation_resend, name="invitation_resend"),
    path("access/invitations/<int:pk>/cancel/", invitation_views.invitation_cancel, name="invitation_cancel"),
]
