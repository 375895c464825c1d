import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, waiting to be checked")
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    VALID = "valid", _("Ready to import")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


# Statuses during which a background task is (or will soon be) working on the job: the page keeps polling.
RUNNING_STATUSES = frozenset({ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.APPLYING})


def import_file_path(job: "ImportJob", filename: str) -> str:
    """A random stored name: the original name is kept in the row, never trusted as a path."""
    suffix = PurePath(filename).suffix.lower()
    return f"imports/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """One roster upload: checked, shown to the uploader, then applied in one transaction."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="import_jobs",
                             verbose_name=_("unit"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("uploaded by"))
    # Emptied once the job can no longer be applied: the roster holds personal data.
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(max_length=10)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(_("new members"), default=0)
    updated_count = models.PositiveIntegerField(_("updated members"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged members"), default=0)
    # Rows not applied because their numbers belong to members outside the unit: ImportConflict, for the committee.
    held_count = models.PositiveIntegerField(_("rows held for review"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # Every bad row: [{"row": 12, "column": "card_number", "code": "bad_card_number", "message": "…"}, …]
    errors = models.JSONField(default=list, blank=True)
    # Column key -> the header text as written in the uploaded file, to name columns as the user knows them.
    headers = models.JSONField(default=dict, blank=True)
    failure_message = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self):
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def is_finished(self) -> bool:
        return not self.is_running


class ImportConflict(models.Model):
    """A roster row held back when applying: its card number or citizen ID belongs to a member of a cell outside
    the importing unit. Neither the importer nor the import may learn or change that member, so the lowest
    committee that sees both cells decides (transfer the member, correct the record, or tell the importer)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="conflicts",
                            verbose_name=_("roster import"))
    row = models.PositiveIntegerField(_("row"))
    # The row as checked (dates as yyyy-mm-dd): personal data, shown only to those who see both records.
    values = models.JSONField(default=dict)
    cell = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cell"))
    member = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("recorded member"))
    # The lowest unit above both cells (none when they lie in different trees: the installation's superusers).
    committee = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="import_conflicts", verbose_name=_("deciding committee"))
    created_at = models.DateTimeField(_("held at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("decided by"))
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("held roster row")
        verbose_name_plural = _("held roster rows")

    def __str__(self):
        return f"{self.job} #{self.row}"


class DocumentNumber(models.Model):
    """One line of a unit's register of issued documents (sổ đăng ký văn bản đi, Hướng dẫn 36-HD/VPTW): the
    number `number` of kind `kind` (BB minutes, BC report, KH plan, KL conclusion, NQ resolution, …) issued by
    `unit` in `year`, and the document it numbers. Numbers run per unit, kind and year and are never reused: a
    line stays when its document is deleted or cancelled (docs/documents.md, "Numbers")."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="document_numbers",
                             verbose_name=_("issuing unit"))
    kind = models.CharField(_("kind symbol"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    # The issuer's abbreviation as printed after the slash when the number was given ("CB" in 12-BB/CB).
    issuer_symbol = models.CharField(_("issuer abbreviation"), max_length=30, blank=True)
    # The numbered document: a generic reference, since the documents app sits below the apps that issue them.
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # What the document is, as the register names it (kept when the document itself is gone).
    title = models.CharField(_("document"), max_length=300)
    typed = models.BooleanField(_("typed by the issuer"), default=False)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))

    class Meta:
        ordering = ["unit", "year", "kind", "number"]
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year", "number"], name="documents_number_once"),
            models.UniqueConstraint(fields=["content_type", "object_id", "kind"], name="documents_number_per_object"),
        ]

    def __str__(self):
        return self.symbol

    @property
    def symbol(self) -> str:
        """The number as printed after "Số": "12-BB/CB", or "12-BB" when the unit has no abbreviation. Numbers
        below 10 take a leading zero ("05-KL/ĐU"), as party documents print them."""
        suffix = f"/{self.issuer_symbol}" if self.issuer_symbol else ""
        return f"{self.number:02d}-{self.kind}{suffix}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


def export_file_path(job: "ExportJob", filename: str) -> str:
    """A random stored name: the file is reached only through its job, by its requester."""
    return f"exports/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ExportJob(models.Model):
    """A spreadsheet too large to write while the person waits (`EXPORT_INLINE_MAX_ROWS`): written by a task, kept
    for its requester alone until `expires_at`, then deleted by the periodic job."""

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs",
                                  verbose_name=_("requested by"))
    # What is exported: a kind registered in documents/background.py and the primary key of its object.
    kind = models.CharField(_("kind"), max_length=60)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("export"), max_length=300)
    file_format = models.CharField(_("format"), max_length=10)
    status = models.CharField(_("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(_("file"), upload_to=export_file_path, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    # Whether the file holds personal data (the requester could see it when it was written): its download asks
    # again, so a requester who has since lost that right does not read it from an old file.
    personal = models.BooleanField(_("holds personal data"), default=False)
    failure_message = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return self.title

    @property
    def past_expiry(self) -> bool:
        """Past its `expires_at`: no longer served, even before the periodic job deletes the file."""
        return self.expires_at <= timezone.now()

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
