"""Cell meetings (domain.md §3): the meeting, its agenda and its roll with attendance and check-in."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .enums import AttendanceStatus, MeetingKind


def new_check_in_secret() -> str:
    return secrets.token_hex(16)


class Meeting(models.Model):
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("cell"))
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    chair = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("chair"))
    minute_taker = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("minute-taker"))
    introductory_paper = models.TextField(_("introductory paper"), blank=True)
    documents_published_at = models.DateTimeField(null=True, blank=True)
    # Rotating check-in codes are derived from this secret and the time; it never leaves the server.
    check_in_secret = models.CharField(max_length=32, default=new_check_in_secret, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["unit", "starts_at"], name="meetings_unit_start")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meetings_end_after_start")]

    def __str__(self):
        return self.title

    @property
    def minutes_long(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField(_("agenda item"), max_length=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """One line of the roll: every official, probationary and exempt member of the cell when the meeting was set."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="attendance")
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.UNMARKED)
    minutes_late = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["meeting", "member__sort_key", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meetings_one_roll_line")]
        indexes = [models.Index(fields=["member", "status"], name="meetings_member_status")]

    def __str__(self):
        return f"{self.meeting_id}: {self.member_id} {self.status}"
