"""The directory's pages: a partnership's people, and each person's correction and merge."""

from django.urls import URLPattern, path

from boardkeeper.directory import people_views as views

partnership_urls: list[URLPattern] = [  # under p/<slug>/
    path("people/", views.people, name="people"),
    path("people/new/", views.person_add, name="person_add"),
]

person_urls: list[URLPattern] = [  # under people/<int:person_id>/
    path("edit/", views.person_correct, name="person_correct"),
    path("merge/", views.person_merge, name="person_merge"),
]
