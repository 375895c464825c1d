from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused too (PostgreSQL also refuses them with a trigger)."""

    def update(self, **kwargs):
        raise RuntimeError("audit entries are append-only")

    def delete(self):
        raise RuntimeError("audit entries are append-only")


class AuditEntry(models.Model):
    """One write, appended and never changed.

    The row id gives the order. A tamper-evident chain will add `previous_hash`/`hash` columns computed
    over (id, at, actor_id, action, object_type, object_id, changes); nothing here may depend on rows
    being editable.
    """

    # Set by the writer (audit.services.record); the entries of anonymous feedback carry the day only.
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # No database constraint: deleting a login must not rewrite (or be blocked by) its history.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              null=True, blank=True, related_name="+", verbose_name=_("by"))
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-id"], name="audit_object_history"),
                   # A person's newest act: the home page's list of what needs them is kept until it changes.
                   models.Index(fields=["actor", "-id"], name="audit_actor_newest")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit entries are append-only")
