from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a user's inbox, rendered in the recipient's language when created."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60)
    # Idempotency: the same event never reaches the same person twice (reminders, escalations, retries).
    event_key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_unread")]
        constraints = [models.UniqueConstraint(fields=["recipient", "event_key"], name="notif_once_per_event")]

    def __str__(self):
        return self.title


class ScheduledRun(models.Model):
    """A periodic job's run for one period (e.g. 'daily:2026-11-23'); the unique key makes cron re-runs no-ops."""

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="scheduled_once_per_period")]

    def __str__(self):
        return f"{self.job} {self.period}"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("At once, in the inbox and by e-mail")
    DIGEST = "digest", _("In the inbox, e-mailed once a day")
    OFF = "off", _("Not at all")


class Preference(models.Model):
    """How one person wants one kind of message (notifications.kinds); without a row, at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(max_length=60)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_preference_once")]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.delivery}"
