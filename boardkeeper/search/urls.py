from django.urls import URLPattern, path

from boardkeeper.search import views

urlpatterns: list[URLPattern] = [
    path("", views.search, name="search"),
]
