from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused too (PostgreSQL also refuses them with a trigger).

    Entries created in bulk are chained like single ones: hashed in Python, one update of the chain's head.
    """

    def bulk_create(self, objs, *args, **kwargs):
        from . import chain

        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            chain.seal(objs, self.db)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **kwargs):
        raise RuntimeError("audit entries are append-only")

    def delete(self):
        raise RuntimeError("audit entries are append-only")


class AuditEntry(models.Model):
    """One write, appended and never changed.

    The row id gives the order. Each entry is also a link of a hash chain (`chain.py`; docs/security.md,
    "Tamper-evident audit trail"): its province's chain (or the national chain 0), its place `seq` in it, the
    hash of the entry before it and its own hash over its fields, all set when it is written.
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
    # Set on writing by chain.seal: the chain (a province's unit id, 0 for the national chain), the entry's place
    # in it (1, 2, … without gaps), the previous entry's hash and this entry's (hex sha256).
    chain = models.BigIntegerField(default=0)
    seq = models.BigIntegerField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-id"], name="audit_object_history"),
                   # A person's newest act: the home page's list of what needs them is kept until it changes.
                   models.Index(fields=["actor", "-id"], name="audit_actor_newest")]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        from . import chain

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            chain.seal([self], using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit entries are append-only")


class AuditChain(models.Model):
    """The head of one chain: its last entry's place and hash. Locked while a transaction appends to the chain."""

    chain = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"chain {self.chain} at {self.seq}"


class AuditAnchor(models.Model):
    """The heads of every chain at one moment, written once per period by the anchor job.

    Its digest, printed and logged by the job, is what the operator keeps away from the database: `verify_audit`
    then catches a chain cut short or rewritten before the anchor, even when its head row was edited to match.
    Each anchor also carries the digest of the one before it.
    """

    period = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(default=timezone.now)
    heads = models.JSONField(default=dict)  # {"<chain>": [seq, hash]}
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"{self.period} {self.digest}"
