"""The document library (docs/domain.md, "Document library and study"): documents a committee publishes to its
subtree, each reader's bookmarks, members' confirmations that they studied a required document, and the thematic
sessions that studied a document."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import DocumentKind


class LibraryDocument(models.Model):
    """A document published by a committee (`unit`) to its subtree. Withdrawal keeps the record: a withdrawn
    document stays readable, marked withdrawn, and is no longer studied."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("published by"))
    kind = models.CharField(_("kind"), max_length=4, choices=DocumentKind.choices)
    number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("date of issue"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(upload_to="library/%Y/%m/", blank=True, max_length=255)
    file_name = models.CharField(max_length=255, blank=True)
    # Number, title, summary and issuer, folded (core.text.fold): "nghi quyet" finds "Nghị quyết".
    search_text = models.TextField(editable=False, default="")
    required = models.BooleanField(_("required study"), default=False)
    study_due = models.DateField(_("study by"), null=True, blank=True)
    note_required = models.BooleanField(_("a short write-up is asked for"), default=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("library document")
        verbose_name_plural = _("library documents")
        indexes = [models.Index(fields=["unit", "-issued_on", "-id"], name="library_doc_unit_issued"),
                   models.Index(fields=["-issued_on", "-id"], name="library_doc_issued")]
        constraints = [models.CheckConstraint(condition=Q(required=False) | Q(study_due__isnull=False),
                                              name="library_required_has_due")]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def studied_now(self) -> bool:
        """Whether members are asked to study it now: required and not withdrawn."""
        return self.required and self.withdrawn_at is None


class Bookmark(models.Model):
    """"Lưu để đọc sau": a reader's own list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(LibraryDocument, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="library_one_bookmark")]

    def __str__(self):
        return f"{self.user_id} {self.document_id}"


class StudyRecord(models.Model):
    """A member's confirmation that they studied a required document ("Tôi đã nghiên cứu, học tập"), with the
    short write-up (thu hoạch) when the document asks for one. One per member and document."""

    document = models.ForeignKey(LibraryDocument, on_delete=models.PROTECT, related_name="studies")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="+")
    # The member's cell when they confirmed; the province key goes with it (docs/architecture.md, "Scale").
    cell = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    note = models.TextField(_("write-up"), blank=True)
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["document", "pk"]
        constraints = [models.UniqueConstraint(fields=["document", "member"], name="library_one_study")]
        indexes = [models.Index(fields=["document", "cell"], name="library_study_cell")]

    def __str__(self):
        return f"{self.document_id} {self.member_id}"


class SessionDocument(models.Model):
    """A library document studied at a thematic session of a cell (meetings.Meeting)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(LibraryDocument, on_delete=models.PROTECT, related_name="sessions")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "document"], name="library_one_link")]

    def __str__(self):
        return f"{self.meeting_id} {self.document_id}"
