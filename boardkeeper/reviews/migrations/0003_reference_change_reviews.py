"""The partnership's reference version (directory.ReferenceChange) changes with its case reviews too: a review
inserted or deleted, or changed in what the register counts and charts by (its stage, partnership, the days
the partnership became aware of it, decided on it or recorded it), a theme given to a review or taken from it, and a
theme inserted, renamed or deleted, adds a change for the partnership, by the same triggers as the boards'
and actions' (directory.reference_triggers). The register keeps the business team's counts by stage and its
chart of themes between requests under that version.

A later migration that remakes one of these tables on SQLite drops these triggers first and creates them
again after (as directory 0004 says).
"""

from django.db import migrations

from boardkeeper.directory import reference_triggers as triggers

WATCHED = {
    "reviews_review": ("partnership_id", ("partnership_id", "stage", "aware_on", "decided_on", "created_at")),
    "reviews_review_themes": ("review_id", ("review_id", "theme_id")),
    "reviews_theme": ("partnership_id", ("partnership_id", "name")),
}


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_change_request_raised_by"),
        ("directory", "0004_reference_change"),
    ]

    operations = [triggers.operation(WATCHED)]
