"""Shortcomings: what a review, accepted feedback or an inspection found, to be fixed (docs/domain.md, "Corrections").

Correction plans with roadmaps, progress and verification build on these rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .enums import (
    Cause,
    PlanStatus,
    ProgressKind,
    ResponsibilityKind,
    Severity,
    ShortcomingStatus,
    Source,
)


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
    cycle = models.ForeignKey("reviews.Cycle", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="shortcomings", verbose_name=_("review cycle"))
    # The body that asked for this remedy (an inspection's conclusion) follows the fix and verifies it.
    followed_by = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("followed by"))
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, default=Severity.MODERATE)
    responsibility_kind = models.CharField(_("whose responsibility"), max_length=20,
                                           choices=ResponsibilityKind.choices, default=ResponsibilityKind.INDIVIDUAL)
    # The same owner's earlier shortcoming this one repeats (same checklist item or similar text).
    recurring_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="recurrences", verbose_name=_("repeats"))
    # The earliest unfinished roadmap step's date while the fix is not verified: overdue is next_due < today,
    # computed from the roadmap, never set by hand. Kept by the services in the same transaction.
    next_due = models.DateField(null=True, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
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
        # Open rows in due order for queries.open_corrections and count_overdue at every level: a cell's or a
        # commune's cells by unit, a province by its key, the country by date alone (bench/corrections.py).
        indexes = [models.Index(fields=["member", "status"], name="corrections_member_status"),
                   models.Index(fields=["unit", "status"], name="corrections_unit_status"),
                   models.Index(fields=["unit", "next_due"], name="corrections_unit_due",
                                condition=~Q(status="verified")),
                   models.Index(fields=["province", "next_due", "id"], name="corrections_province_due",
                                condition=~Q(status="verified")),
                   models.Index(fields=["next_due", "id"], name="corrections_open_due",
                                condition=~Q(status="verified"))]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="corrections_shortcoming_text")]

    def __str__(self):
        return self.text[:80]

    @property
    def is_collective(self) -> bool:
        return self.member_id is None

    @property
    def owner_kind(self) -> str:
        """"Collective" or "Individual": what every page says of whose shortcoming it is, from `member` alone."""
        return ResponsibilityKind.COLLECTIVE.label if self.is_collective else ResponsibilityKind.INDIVIDUAL.label


class CorrectionPlan(models.Model):
    """An owner's plan to fix their shortcomings of a cycle: measures with roadmap steps and supervisors."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="correction_plans")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="correction_plans")
    cycle = models.ForeignKey("reviews.Cycle", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="correction_plans")
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    shortcomings = models.ManyToManyField(Shortcoming, related_name="plans", verbose_name=_("shortcomings"))
    deadline = models.DateField(_("overall deadline"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("correction plan")
        verbose_name_plural = _("correction plans")

    def __str__(self):
        return str(self.member or self.unit)

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class Measure(models.Model):
    plan = models.ForeignKey(CorrectionPlan, on_delete=models.CASCADE, related_name="measures")
    text = models.TextField(_("measure"))
    supervisor = models.ForeignKey("org.Member", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="supervised_measures", verbose_name=_("supervisor"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.text[:80]


class RoadmapStep(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="steps")
    what = models.TextField(_("what"))
    due = models.DateField(pgettext_lazy("roadmap step", "due by"))
    evidence_expected = models.CharField(_("expected evidence"), max_length=500, blank=True)
    done_on = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["measure", "due", "order", "id"]
        indexes = [models.Index(fields=["due"], name="corrections_step_due", condition=Q(done_on__isnull=True))]

    def __str__(self):
        return self.what[:80]


class ProgressEntry(models.Model):
    """The fix's timeline: updates with evidence, supervisors' comments, claims, verifications, reopenings."""

    shortcoming = models.ForeignKey(Shortcoming, on_delete=models.CASCADE, related_name="progress")
    kind = models.CharField(max_length=20, choices=ProgressKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    note = models.TextField(blank=True)
    link = models.URLField(blank=True, max_length=500)
    evidence = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.shortcoming_id} {self.kind}"
