"""URLs of the forward plan, agendas, exports and calendar feeds (filled in by boardkeeper/actions/plan_views.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
