"""The recommendations register's pages (issue 14)."""

from django.urls import URLPattern, URLResolver

partnership_urls: list[URLPattern | URLResolver] = []  # under p/<slug>/recommendations/
