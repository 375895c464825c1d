"""Shortcomings: what a review, accepted feedback or an inspection found, to be fixed (domain.md §5).

Correction plans with roadmaps, progress and verification build on these rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import Cause, ShortcomingStatus, Source


class Shortcoming(models.Model):
    # The member's cell, or the unit whose collective shortcoming this is.
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="shortcomings")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="shortcomings")
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.SELF_REVIEW)
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="shortcomings", verbose_name=_("named in review"))
    text = models.TextField(_("shortcoming"))
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices, default=Cause.SUBJECTIVE)
    cause_text = models.TextField(_("explanation of the cause"), blank=True)
    responsibility = models.TextField(_("responsibility"), blank=True)
    checklist_items = models.ManyToManyField("reviews.ChecklistItem", blank=True, related_name="shortcomings",
                                             verbose_name=_("checklist items"))
    measures = models.TextField(_("corrective measures"), blank=True)
    fix_by = models.DateField(_("to be fixed by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ShortcomingStatus.choices,
                              default=ShortcomingStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "order", "id"]
        verbose_name = _("shortcoming")
        verbose_name_plural = _("shortcomings")
        indexes = [models.Index(fields=["member", "status"], name="corrections_member_status"),
                   models.Index(fields=["unit", "status"], name="corrections_unit_status")]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="corrections_shortcoming_text")]

    def __str__(self):
        return self.text[:80]

    @property
    def is_collective(self) -> bool:
        return self.member_id is None
