from django.db import models


class Counter(models.Model):
    """A precomputed figure of a unit's whole subtree for one period (docs/architecture.md, "Subtree counters"): kept
    by the write that changes it, for the unit and each ancestor, in the same transaction; `rebuild_rollups`
    recomputes them from the source rows. A dashboard for any unit reads a few of these rows instead of scanning its
    subtree."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    # A month as "YYYY-MM"; a year's figure is the sum of its twelve months. Figures of what stands now, whatever
    # the month, have the period rollups.STANDING.
    period = models.CharField(max_length=7)
    # Named by the source that keeps it: "<prefix><name>", e.g. "rev.<cycle>.lvl.<level code>".
    metric = models.CharField(max_length=64)
    # Units near the root would be one hot row under nationwide writes (every check-in on the evening of the 3rd):
    # their figures are spread over a few slots, summed when read.
    slot = models.PositiveSmallIntegerField(default=0)
    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "oversight_counter"  # created when counters lived with the review points
        constraints = [models.UniqueConstraint(fields=["unit", "period", "metric", "slot"],
                                               name="oversight_counter_key")]

    def __str__(self):
        return f"{self.unit_id} {self.period} {self.metric}={self.value}"
