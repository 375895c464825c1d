"""Supervision from above. Review points (gợi ý kiểm điểm): what the managing level asks a collective or a member
to examine and answer in a review (docs/domain.md, "Review points from above")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewPrompt(models.Model):
    cycle = models.ForeignKey("reviews.Cycle", on_delete=models.CASCADE, related_name="prompts")
    # Answered in this review (a member's self-review or a unit's collective review).
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="prompts")
    from_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("sent by unit"))
    text = models.TextField(_("review point"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("review point")
        verbose_name_plural = _("review points")

    def __str__(self):
        return self.text[:80]


class Counter(models.Model):
    """A precomputed figure of a unit's whole subtree for one period (docs/architecture.md, "Subtree counters"): kept
    by the write that changes it, for the unit and each ancestor, in the same transaction; `rebuild_rollups`
    recomputes them from the source rows. A dashboard for any unit reads a few of these rows instead of scanning its
    subtree."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    # A month as "YYYY-MM"; a year's figure is the sum of its twelve months.
    period = models.CharField(max_length=7)
    metric = models.CharField(max_length=40)
    # Units near the root would be one hot row under nationwide writes (every check-in on the evening of the 3rd):
    # their figures are spread over a few slots, summed when read.
    slot = models.PositiveSmallIntegerField(default=0)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "period", "metric", "slot"],
                                               name="oversight_counter_key")]

    def __str__(self):
        return f"{self.unit_id} {self.period} {self.metric}={self.value}"
