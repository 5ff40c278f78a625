"""A partnership's funding, year by year: what it plans to spend and what each partner agreed to pay."""

from __future__ import annotations

from django.db import models

from boardkeeper.directory.models import Partnership


class FinancialYear(models.Model):
    """April to March: `starts` 2022 is April 2022 to March 2023. Its version moves on with any change to
    its lines or contributions, so an edit from a page drawn before someone else's change is refused."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="financial_years")
    starts = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "starts"], name="funding_one_year_per_partnership")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"April {self.starts} to March {self.starts + 1}"

    @property
    def short(self) -> str:
        return f"{self.starts} to {self.starts + 1}"


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        BUSINESS_UNIT = "business_unit", "Business unit staff"
        CHAIR_SCRUTINEER = "chair_scrutineer", "Independent chair and scrutineer"
        REVIEWS = "reviews", "Reviews"
        TRAINING = "training", "Training"
        OTHER = "other", "Other"

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description or self.get_kind_display()


class Contribution(models.Model):
    """What one partner agreed to pay towards the year, and when it was invoiced and paid."""

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="contributions")
    partner = models.CharField(max_length=200)
    agreed = models.DecimalField(max_digits=12, decimal_places=2)
    invoiced_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.partner

    @property
    def status(self) -> str:
        if self.paid_on:
            return "Paid"
        return "Invoiced, not paid" if self.invoiced_on else "Not invoiced"
