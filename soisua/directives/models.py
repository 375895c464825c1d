"""Directives: plans, instructions and conclusions a committee issues downwards with numbered key tasks, the
units they reach (receipts), what each unit does about them and reports (docs/domain.md, "Plans that cascade")."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import DirectiveKind, DirectiveStatus, TargetMode, TaskStatus


class Directive(models.Model):
    issuer = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="directives",
                               verbose_name=_("issued by"))
    # The directive this one carries out one level down (a ward's instruction under the city's plan).
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="cascades",
                               verbose_name=_("carries out"))
    kind = models.CharField(_("kind"), max_length=4, choices=DirectiveKind.choices, default=DirectiveKind.PLAN)
    number = models.CharField(_("number"), max_length=20)
    issuer_symbol = models.CharField(_("issuer abbreviation"), max_length=30,
                                     help_text=_("As in the document number, e.g. ĐUK in 75-KH/ĐUK."))
    issued_on = models.DateField(_("date of issue"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("purpose and requirements"), blank=True)
    basis = models.TextField(_("basis documents"), blank=True,
                             help_text=_("One per line, e.g. Kết luận 21-KL/TW ngày 25/10/2021."))
    basis_directives = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+",
                                              verbose_name=_("basis directives in soisua"))
    target_mode = models.CharField(_("addressed to"), max_length=10, choices=TargetMode.choices,
                                   default=TargetMode.CHILDREN)
    target_kinds = models.ManyToManyField("org.UnitKind", blank=True, related_name="+",
                                          verbose_name=_("unit kinds addressed"))
    target_units = models.ManyToManyField("org.Unit", blank=True, related_name="+", verbose_name=_("units addressed"))
    status = models.CharField(_("status"), max_length=10, choices=DirectiveStatus.choices,
                              default=DirectiveStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        indexes = [models.Index(fields=["issuer", "status"])]

    def __str__(self):
        return f"{self.symbol} {self.title}"

    @property
    def symbol(self) -> str:
        """The number as printed: "75-KH/ĐUK"."""
        return f"{self.number}-{self.kind}/{self.issuer_symbol}"

    @property
    def is_draft(self) -> bool:
        return self.status == DirectiveStatus.DRAFT


class KeyTask(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("key task"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    measure = models.CharField(_("measure of completion"), max_length=500, blank=True)

    class Meta:
        ordering = ["directive", "number"]
        constraints = [models.UniqueConstraint(fields=["directive", "number"], name="directives_task_number")]

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"


class ReportingPeriod(models.Model):
    """A date by which every unit addressed reports on each key task."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="periods")
    due_on = models.DateField(_("report due"))
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        ordering = ["directive", "due_on"]
        constraints = [models.UniqueConstraint(fields=["directive", "due_on"], name="directives_period_due")]

    def __str__(self):
        return self.label or self.due_on.isoformat()


class DirectiveFile(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="directives/%Y/%m/")
    name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["directive", "pk"]

    def __str__(self):
        return self.name


class Amendment(models.Model):
    """A change to an issued directive: its reason and what changed, kept for good."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="amendments")
    reason = models.TextField(_("reason"))
    changes = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["directive", "made_at", "pk"]

    def __str__(self):
        return self.reason[:60]


class Receipt(models.Model):
    """A unit a directive is addressed to: whether it acknowledged it, and its reports."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="directive_receipts")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+")

    class Meta:
        ordering = ["directive", "unit__sort_key"]
        constraints = [models.UniqueConstraint(fields=["directive", "unit"], name="directives_receipt_unit")]
        indexes = [models.Index(fields=["unit", "directive"])]

    def __str__(self):
        return f"{self.directive_id} → {self.unit_id}"


class ImplementationTask(models.Model):
    """A unit's own task carrying out a key task, with its owner and deadline, and what shows it done: a meeting
    held for it, a review cycle, a correction plan."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="tasks")
    key_task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="implementation")
    text = models.TextField(_("task"))
    owner = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("owner"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("meeting held for it"))
    cycle = models.ForeignKey("reviews.Cycle", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("review cycle"))
    correction_plan = models.ForeignKey("corrections.CorrectionPlan", on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+", verbose_name=_("correction plan"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["receipt", "key_task__number", "pk"]

    def __str__(self):
        return self.text[:60]


class Report(models.Model):
    """A unit's report on one key task for one reporting period."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="reports")
    key_task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices,
                              default=TaskStatus.IN_PROGRESS)
    percent = models.PositiveSmallIntegerField(_("percent done"))
    narrative = models.TextField(_("what was done"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="directives/reports/%Y/%m/", blank=True)
    version = models.PositiveIntegerField(default=1)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["receipt", "key_task__number", "period__due_on"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "key_task", "period"], name="directives_report_once"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="directives_report_percent"),
        ]

    def __str__(self):
        return f"{self.receipt_id} {self.key_task_id} {self.percent} %"
