"""Cell meetings (docs/domain.md, "Meetings"): the meeting, its agenda and its roll with attendance and check-in."""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soisua.org.enums import MemberStatus

from .enums import (
    AttendanceStatus,
    ContributionKind,
    MeetingKind,
    MinutesStatus,
    MotionStatus,
    RulesStatus,
    ThresholdBase,
    VoteChoice,
    VoteKind,
    VoteMethod,
    VoteVoters,
)


def new_check_in_secret() -> str:
    return secrets.token_hex(16)


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class MeetingRules(models.Model):
    """A version of the rules cells meet by (docs/domain.md, "Meeting rules"): the minimum lengths, how early
    documents go out, how many thematic sessions a quarter, and the documents they follow. A meeting is judged by
    the newest published version in force on its day; a published version is never edited (a change is a new
    version, copied from it and published in turn)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    in_force_from = models.DateField(_("in force from"))
    # The documents the rules follow: [{"code", "kind", "number", "date" (yyyy-mm-dd), "issuer", "title",
    # "articles"}]; `figures_from` names the one whose figures these are.
    documents = models.JSONField(_("documents followed"), default=list, blank=True)
    figures_from = models.CharField(max_length=20, blank=True)
    regular_min_minutes = models.PositiveSmallIntegerField(_("minimum length of a meeting (minutes)"), default=90)
    combined_min_minutes = models.PositiveSmallIntegerField(
        _("minimum length of a regular and thematic session together (minutes)"), default=120)
    documents_days_before = models.PositiveSmallIntegerField(_("documents go out at least (days before)"),
                                                             default=1)
    thematic_per_quarter = models.PositiveSmallIntegerField(_("thematic sessions per quarter"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=RulesStatus.choices, default=RulesStatus.DRAFT)
    copied_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies",
                                    verbose_name=_("copied from"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-in_force_from", "-published_at", "-id"]
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")
        constraints = [
            models.CheckConstraint(condition=Q(regular_min_minutes__gte=1, regular_min_minutes__lte=600,
                                               combined_min_minutes__gte=1, combined_min_minutes__lte=600),
                                   name="meetings_rules_minutes"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == RulesStatus.PUBLISHED

    @classmethod
    def in_force_on(cls, day: datetime.date, published: list["MeetingRules"] | None = None) -> "MeetingRules":
        """The newest published version in force on `day`, from `published` (newest first) when given. A day
        before every version takes the oldest (the first shipped version is the best record of the rules before
        it); an installation without any published version is judged by the model's defaults."""
        if published is None:
            published = list(cls.objects.filter(status=RulesStatus.PUBLISHED).order_by(*cls._meta.ordering))
        in_force = next((rules for rules in published if rules.in_force_from <= day), None)
        return in_force or (published[-1] if published else cls(code="", name=""))

    def min_minutes(self, kind: str) -> int:
        return self.combined_min_minutes if kind == MeetingKind.COMBINED else self.regular_min_minutes

    @property
    def documents_shown(self) -> list[dict]:
        """The documents as the pages show them, their dates as dd/mm/yyyy."""
        return [{**document, "date": _day(document.get("date", ""))} for document in self.documents]

    def cite(self) -> str:
        """The document the figures come from as it is cited: "Hướng dẫn 42-HD/BTCTW, 28/10/2025"."""
        document = next((document for document in self.documents if document.get("code") == self.figures_from),
                        self.documents[0] if self.documents else None)
        if not document:
            return self.name
        day = _day(document.get("date", ""))
        return ", ".join(part for part in (f"{document.get('kind', '')} {document.get('number', '')}".strip(), day)
                         if part)


def _day(iso_date: str) -> str:
    """A yyyy-mm-dd date as dd/mm/yyyy; anything else as it is."""
    try:
        return datetime.date.fromisoformat(iso_date).strftime("%d/%m/%Y")
    except ValueError:
        return iso_date


class MeetingRuleException(models.Model):
    """A committee's lower minimum length for small cells (Hướng dẫn 42-HD/BTCTW lets the competent committee set
    it by the number of members and the kind of cell): for one cell directly under the committee, or for every
    cell of its subtree with at most `max_members` members on a meeting's roll; from `valid_from` to
    `valid_until` (open-ended when empty), citing the committee's decision."""

    committee = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("committee"))
    cell = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("cell"))
    max_members = models.PositiveSmallIntegerField(_("cells with at most this many members"), null=True,
                                                   blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    regular_min_minutes = models.PositiveSmallIntegerField(_("minimum length of a meeting (minutes)"))
    combined_min_minutes = models.PositiveSmallIntegerField(
        _("minimum length of a regular and thematic session together (minutes)"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("lower minimum for small cells")
        verbose_name_plural = _("lower minimums for small cells")
        constraints = [
            models.CheckConstraint(condition=Q(cell__isnull=True) ^ Q(max_members__isnull=True),
                                   name="meetings_exception_one_scope"),
            models.CheckConstraint(condition=Q(regular_min_minutes__gte=1, regular_min_minutes__lte=600,
                                               combined_min_minutes__gte=1, combined_min_minutes__lte=600),
                                   name="meetings_exception_minutes"),
        ]

    def __str__(self):
        return self.cite()

    def cite(self) -> str:
        """The decision as it is cited: "No. 12-QĐ/ĐU, 05/03/2026" ("Số 12-QĐ/ĐU, 05/03/2026")."""
        return _("No. %(number)s, %(date)s") % {"number": self.decision_number,
                                                  "date": self.decision_date.strftime("%d/%m/%Y")}

    def min_minutes(self, kind: str) -> int:
        return self.combined_min_minutes if kind == MeetingKind.COMBINED else self.regular_min_minutes

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Topic(models.Model):
    """An entry of a committee's library of thematic topics."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    materials = models.TextField(_("suggested materials"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.title


class TopicPlan(models.Model):
    """A committee's plan of recommended thematic topics for a year; published to its whole subtree."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    year = models.PositiveSmallIntegerField(_("year"))
    topics = models.ManyToManyField(Topic, related_name="plans", blank=True, verbose_name=_("topics"))
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="meetings_one_topic_plan")]

    def __str__(self):
        return f"{self.unit} {self.year}"


class CellPlan(models.Model):
    """A cell's year: its fixed meeting day and time, and the topics it picked per quarter (CellTopic)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cell"))
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    meeting_day = models.PositiveSmallIntegerField(_("meeting day of the month"), default=3)
    meeting_time = models.TimeField(_("meeting time"), default=datetime.time(19, 30))
    place = models.CharField(_("place"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="meetings_one_cell_plan"),
            models.CheckConstraint(condition=Q(meeting_day__gte=1, meeting_day__lte=28), name="meetings_plan_day"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}"

    def day_in(self, month: int) -> datetime.datetime:
        """The fixed meeting day and time in `month` of the plan's year."""
        return datetime.datetime.combine(datetime.date(self.year, month, self.meeting_day), self.meeting_time,
                                         tzinfo=timezone.get_current_timezone())


class CellTopic(models.Model):
    plan = models.ForeignKey(CellPlan, on_delete=models.CASCADE, related_name="topics")
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic"))

    class Meta:
        ordering = ["plan", "quarter", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter", "topic"], name="meetings_cell_topic_once"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="meetings_cell_topic_quarter"),
        ]

    def __str__(self):
        return f"Q{self.quarter}: {self.topic}"


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
    liaison = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("upper-level liaison"))
    topic = models.ForeignKey(Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings",
                              verbose_name=_("topic"))
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

    @property
    def day(self) -> datetime.date:
        """The meeting's day, by which the rules in force are chosen."""
        return timezone.localtime(self.starts_at).date()

    @property
    def rules(self) -> "MeetingRules":
        """The rules in force on the meeting's day (read once per meeting object)."""
        if not hasattr(self, "_rules"):
            self._rules = MeetingRules.in_force_on(self.day)
        return self._rules

    @property
    def documents_days_before(self) -> int:
        """How many days before the start documents go to members, by the rules of the meeting's day."""
        return self.rules.documents_days_before

    @property
    def documents_late(self) -> bool:
        """Documents went out later than `documents_days_before` days before the start."""
        deadline = self.starts_at - datetime.timedelta(days=self.documents_days_before)
        return self.documents_published_at is not None and self.documents_published_at > deadline


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="meetings/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "uploaded_at", "id"]

    def __str__(self):
        return self.title


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
    # The member's status on the meeting's day, kept when the line is written, so the minutes of a past meeting
    # still count a member made official since as probationary.
    member_status = models.CharField(_("member status"), max_length=20, choices=MemberStatus.choices,
                                     default=MemberStatus.OFFICIAL, db_default=MemberStatus.OFFICIAL)
    minutes_late = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    # The proof of a scan carried through a login (services.roll.scan_check_in_code) that checked this member in:
    # a proof checks in one member at most.
    check_in_proof = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "member__sort_key", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meetings_one_roll_line"),
                       models.UniqueConstraint(fields=["meeting", "check_in_proof"],
                                               condition=Q(check_in_proof__isnull=False),
                                               name="meetings_one_check_in_per_proof")]
        indexes = [models.Index(fields=["member", "status"], name="meetings_member_status")]

    def __str__(self):
        return f"{self.meeting_id}: {self.member_id} {self.status}"


class Contribution(models.Model):
    """Who spoke, on which agenda item, in what way; entered live by the secretary or the minute-taker."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="contributions",
                               verbose_name=_("speaker"))
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="contributions", verbose_name=_("agenda item"))
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices,
                            default=ContributionKind.OPINION)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "created_at", "id"]
        indexes = [models.Index(fields=["member", "meeting"], name="meetings_contribution_member")]

    def __str__(self):
        return f"{self.member_id} {self.kind}"


class Minutes(models.Model):
    """The minutes (biên bản): conclusions, resolution and vote. Approved minutes are locked: a later change needs
    a reason and is kept in MinutesChange."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    conclusions = models.TextField(_("conclusions"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    status = models.CharField(max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"{self.meeting_id} {self.status}"

    @property
    def locked(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class MinutesChange(models.Model):
    """A change to approved minutes, the roll or the speakers of a meeting whose minutes are approved."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_changes")
    what = models.CharField(max_length=40)
    reason = models.TextField(_("reason for the change"))
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "at", "id"]

    def __str__(self):
        return f"{self.meeting_id} {self.what}"


class CalendarFeed(models.Model):
    """A secret link a calendar application subscribes to: the meetings of the person's cell, or of one unit.
    Read with the owner's access at every fetch; resetting the token invalidates the old link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token = models.CharField(max_length=40, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="meetings_one_unit_feed"),
                       models.UniqueConstraint(fields=["user"], condition=Q(unit=None), name="meetings_one_own_feed")]

    def __str__(self):
        return f"{self.user_id} {self.unit_id}"


# --- votes in meetings (docs/domain.md, "Votes in meetings") ---------------------------------------------------


class VoteRule(models.Model):
    """A version of the rule for one kind of vote: how it is taken (open, secret, or as the cell chooses), who
    votes, the threshold and the count it is taken of, the quorum if any, and the documents it follows. A motion
    keeps the version in force on its meeting's day; a change is a new version with a later `in_force_from`."""

    kind = models.CharField(_("kind of vote"), max_length=20, choices=VoteKind.choices)
    in_force_from = models.DateField(_("in force from"))
    method = models.CharField(_("method"), max_length=20, choices=VoteMethod.choices)
    voters = models.CharField(_("who votes"), max_length=20, choices=VoteVoters.choices)
    # The threshold: more than (strict) or at least numerator/denominator of the base.
    threshold_numerator = models.PositiveSmallIntegerField(_("threshold numerator"))
    threshold_denominator = models.PositiveSmallIntegerField(_("threshold denominator"))
    threshold_strict = models.BooleanField(_("more than (not at least)"))
    threshold_base = models.CharField(_("counted against"), max_length=20, choices=ThresholdBase.choices)
    # At least numerator/denominator of the members entitled to vote present; none when no rule was confirmed.
    quorum_numerator = models.PositiveSmallIntegerField(null=True, blank=True)
    quorum_denominator = models.PositiveSmallIntegerField(null=True, blank=True)
    # An open vote's minutes name who voted each way only when this is set; otherwise they give the counts.
    names_in_minutes = models.BooleanField(default=False)
    # [{"kind", "number", "date" (yyyy-mm-dd), "issuer", "articles"}]
    documents = models.JSONField(_("documents followed"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["kind", "-in_force_from", "-id"]
        verbose_name = _("vote rule")
        verbose_name_plural = _("vote rules")
        constraints = [
            models.UniqueConstraint(fields=["kind", "in_force_from"], name="meetings_one_vote_rule_a_day"),
            models.CheckConstraint(condition=Q(threshold_denominator__gte=1,
                                               threshold_numerator__lte=F("threshold_denominator")),
                                   name="meetings_vote_rule_fraction"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.in_force_from:%d/%m/%Y})"

    @classmethod
    def in_force_on(cls, kind: str, day: datetime.date) -> "VoteRule | None":
        """The newest version for `kind` in force on `day`; a day before every version takes the oldest."""
        versions = list(cls.objects.filter(kind=kind).order_by("-in_force_from", "-id"))
        return next((rule for rule in versions if rule.in_force_from <= day), versions[-1] if versions else None)

    def cite(self) -> str:
        """The documents as cited: "Điều lệ Đảng Điều 4 khoản 3; Hướng dẫn 01-HD/TW 5.1"."""
        return "; ".join(" ".join(part for part in (document.get("kind", ""), document.get("number", ""),
                                                    document.get("articles", "")) if part)
                         for document in self.documents)


class Motion(models.Model):
    """A matter put to the vote at a meeting, on an agenda item. Its counts are the only record of the choices
    of a secret ballot; the result (passed or not, against the roll at closing) is written when it closes and
    read into the minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="motions")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="motions", verbose_name=_("agenda item"))
    text = models.CharField(_("motion"), max_length=1000)
    kind = models.CharField(_("kind of vote"), max_length=20, choices=VoteKind.choices)
    rule = models.ForeignKey(VoteRule, on_delete=models.PROTECT, related_name="+")
    secret = models.BooleanField(_("secret ballot"))
    status = models.CharField(max_length=20, choices=MotionStatus.choices, default=MotionStatus.OPEN)
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    votes_abstain = models.PositiveIntegerField(default=0)
    # Written at closing: the members entitled to vote (the threshold's base "members") and those of them present.
    entitled = models.PositiveIntegerField(null=True, blank=True)
    entitled_present = models.PositiveIntegerField(null=True, blank=True)
    required = models.PositiveIntegerField(null=True, blank=True)
    quorum_met = models.BooleanField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        ordering = ["meeting", "opened_at", "id"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")

    def __str__(self):
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status == MotionStatus.OPEN

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


def _voter_key() -> uuid.UUID:
    return uuid.uuid4()


class MotionVoter(models.Model):
    """Who has voted on a motion, so nobody votes twice. For a secret ballot `choice` stays empty: the choices are
    only in the motion's counts. The key is random and the row holds no time, so neither the rows nor their keys
    tell in which order people voted (docs/security.md, "Secret ballots")."""

    id = models.UUIDField(primary_key=True, default=_voter_key, editable=False)
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, blank=True, choices=VoteChoice.choices)

    class Meta:
        ordering = ["motion", "member__sort_key"]
        constraints = [models.UniqueConstraint(fields=["motion", "member"], name="meetings_one_vote_a_member")]

    def __str__(self):
        return f"{self.motion_id}: {self.member_id}"
