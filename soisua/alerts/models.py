from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import MEANING, AlertStatus, Check


class Rule(models.Model):
    """One version of an early-warning rule. Editing a rule writes a new version and retires the old one, so each
    warning names the rule as it stood when it was raised (docs/alerts.md)."""

    kind = models.CharField(_("check"), max_length=40, choices=Check.choices)
    version = models.PositiveIntegerField(default=1)
    current = models.BooleanField(default=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    threshold = models.IntegerField(_("threshold"))
    period = models.IntegerField(_("period"), null=True, blank=True)
    age_under = models.IntegerField(_("younger than (years)"), null=True, blank=True)
    receiver = models.ForeignKey("org.UnitKind", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("level that receives the warnings"))
    note = models.CharField(_("reason for the change"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(current=True), name="alerts_rule_current"),
            models.UniqueConstraint(fields=["kind", "version"], name="alerts_rule_version"),
            models.CheckConstraint(condition=Q(threshold__gte=0) & (Q(period__isnull=True) | Q(period__gte=1))
                                   & (Q(age_under__isnull=True) | Q(age_under__gte=1)), name="alerts_rule_figures"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def threshold_meaning(self):
        return MEANING[self.kind][0]

    @property
    def period_meaning(self):
        return MEANING[self.kind][1]


class Alert(models.Model):
    """A condition a rule found in a unit (or about one of its members, directives…), owned by the unit at the
    rule's receiving level above it. One row per (check, unit, subject) for ever: when the condition returns after
    it was resolved, the same warning re-opens."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=40, choices=Check.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    # "" for the unit itself; "member:<id>", "directive:<id>", "period:<id>" for one thing in it.
    subject = models.CharField(max_length=60, blank=True)
    member = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    # What the check measured ({"count": 3, …}) and the rows behind it ({"members": [ids], "meetings": [ids], …}).
    figures = models.JSONField(default=dict)
    evidence = models.JSONField(default=dict)
    first_raised_at = models.DateTimeField()
    opened_at = models.DateTimeField()
    times_opened = models.PositiveIntegerField(default=1)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    acknowledgement = models.TextField(_("note"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "unit", "subject"], name="alerts_alert_once")]
        indexes = [models.Index(fields=["owner", "status"], name="alerts_owner_status"),
                   models.Index(fields=["province", "status"], name="alerts_province_status"),
                   models.Index(fields=["unit", "status"], name="alerts_unit_status")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit_id} {self.subject}"

    @property
    def meaning(self):
        """What the warning's count counts ("months without a regular meeting")."""
        return MEANING[self.kind][0]

    @property
    def is_live(self) -> bool:
        return self.status != AlertStatus.RESOLVED
