"""URLs of the action log (filled in by boardkeeper/actions/views.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
