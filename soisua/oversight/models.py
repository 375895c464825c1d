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
