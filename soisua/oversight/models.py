"""Inspection and supervision by a committee (or its inspection commission) of a unit or member below it: the
annual programme, the subject's self-report, the team's findings, the conclusion and the remedies it asks for,
each followed as a shortcoming in the corrections loop (docs/domain.md, "Inspection and supervision")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import InspectionKind, InspectionStatus


class Inspection(models.Model):
    body = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="inspections_held",
                             verbose_name=_("inspecting body"))
    year = models.PositiveSmallIntegerField(_("programme year"))
    kind = models.CharField(_("kind"), max_length=24, choices=InspectionKind.choices,
                            default=InspectionKind.REGULAR_SUPERVISION)
    subject_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="inspections_received",
                                     verbose_name=_("unit inspected"))
    # A member's own case; subject_unit is then the member's cell.
    subject_member = models.ForeignKey("org.Member", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="inspections", verbose_name=_("member inspected"))
    content = models.TextField(_("content"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="inspection_teams",
                                  verbose_name=_("team"))
    status = models.CharField(_("status"), max_length=12, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED)
    notified_at = models.DateTimeField(null=True, blank=True)
    self_report = models.TextField(_("self-report"), blank=True)
    self_report_file = models.FileField(_("self-report file"), upload_to="inspections/%Y/%m/", blank=True)
    self_reported_at = models.DateTimeField(null=True, blank=True)
    conclusion_number = models.CharField(_("conclusion number"), max_length=40, blank=True)
    conclusion_date = models.DateField(_("conclusion date"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "period_start", "pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["body", "year"]), models.Index(fields=["subject_unit", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject_member or self.subject_unit}"

    @property
    def is_concluded(self) -> bool:
        return self.status == InspectionStatus.CONCLUDED


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection", "recorded_at", "pk"]

    def __str__(self):
        return self.text[:60]


class RemedyRequest(models.Model):
    """A remedy the conclusion asks of a unit or a member, by a deadline; at the conclusion it becomes a
    shortcoming (source: inspection) followed by the inspecting body."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="remedies")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("member"))
    text = models.TextField(_("remedy requested"))
    deadline = models.DateField(_("deadline"))
    shortcoming = models.OneToOneField("corrections.Shortcoming", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="remedy_request")

    class Meta:
        ordering = ["inspection", "pk"]

    def __str__(self):
        return self.text[:60]
