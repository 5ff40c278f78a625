"""The recommendations of a review, for the 'Recommendations' section of the review's page (which only
those who may see the review see)."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet

from boardkeeper.recommendations.models import Recommendation
from boardkeeper.reviews.models import Review

register = template.Library()


@register.simple_tag
def recommendations_of(review: Review) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(review=review).order_by("made_on", "number", "pk")
