"""Reads of meeting quality: the criteria version a cell follows, the facts a meeting's record gives for each
criterion, the assessment, the members' ratings (shown only from QUALITY_RATING_MINIMUM on) and the subtree's
figures from the counters. Nothing here refuses anything: policy.py decides who sees what."""

import datetime
import hashlib
import hmac
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.counters import rollups
from soisua.meetings import queries as meetings
from soisua.meetings.enums import REGULAR_KINDS, AttendanceStatus
from soisua.meetings.models import Attendance, Contribution, Meeting
from soisua.org.enums import MemberStatus
from soisua.org.models import Unit

from .enums import LEVEL_VALUE, RATING_LEVELS, Level, Measure, level_of_value
from .models import Assessment, MemberRating, QualityCriterion, QualityRubric, RatingMark, RubricChoice

PREFIX = "quality."
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


# --- criteria versions ------------------------------------------------------------------------------------------


def rubrics() -> QuerySet[QualityRubric]:
    return QualityRubric.objects.prefetch_related("criteria")


def default_rubric() -> QualityRubric | None:
    return rubrics().filter(is_default=True).first() or rubrics().first()


def rubric_by_pk(pk) -> QualityRubric | None:
    return rubrics().filter(pk=pk).first()


def choice_of(committee: Unit) -> RubricChoice | None:
    return RubricChoice.objects.select_related("rubric").filter(committee=committee).first()


def rubric_for(unit: Unit) -> tuple[QualityRubric | None, RubricChoice | None]:
    """The version a unit's meetings are assessed by: the choice of the nearest committee at or above it, else the
    installation's default; with the choice that applies (None for the default)."""
    paths = [*unit.ancestor_paths(), unit.path]
    choice = (RubricChoice.objects.select_related("rubric", "committee").filter(committee__path__in=paths)
              .order_by("-committee__depth").first())
    if choice is not None:
        return rubrics().get(pk=choice.rubric_id), choice
    return default_rubric(), None


# --- a meeting's facts ------------------------------------------------------------------------------------------


def is_assessable(meeting: Meeting) -> bool:
    """Regular meetings (a combined session holds the month's regular meeting) are assessed."""
    return meeting.kind in REGULAR_KINDS


def is_held(meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) > meeting.ends_at


@dataclass
class Facts:
    """What the meeting's record says: the roll without members exempt from party activity (the framework's base),
    those of it who attended, absences without reason, speakers among those present, length and its minimum,
    documents sent in time."""

    base: int = 0
    attended: int = 0
    present_all: int = 0
    unexcused: int = 0
    speakers: int = 0
    minutes_long: int = 0
    minimum: int = 0
    minimum_cite: str = ""
    documents_sent: bool = False
    documents_in_time: bool = False
    documents_days: int = 1

    @property
    def rate(self) -> float | None:
        return round(100 * self.attended / self.base, 1) if self.base else None

    @property
    def speaker_share(self) -> float | None:
        return round(100 * self.speakers / self.present_all, 1) if self.present_all else None


def facts_of(meeting: Meeting) -> Facts:
    lines = meetings.roll(meeting)
    facts = Facts()
    attended_members = set()
    for line in lines:
        if line.status in ATTENDED:
            facts.present_all += 1
            attended_members.add(line.member_id)
        if line.member_status == MemberStatus.EXEMPT:
            continue
        facts.base += 1
        facts.attended += line.status in ATTENDED
        facts.unexcused += line.status == AttendanceStatus.UNEXCUSED
    spoke = set(Contribution.objects.filter(meeting=meeting).values_list("member_id", flat=True).distinct())
    facts.speakers = len(spoke & attended_members)
    minimum = meetings.meeting_minimum(meeting, roll_size=len(lines))
    facts.minutes_long, facts.minimum, facts.minimum_cite = meeting.minutes_long, minimum.minutes, minimum.cite()
    facts.documents_sent = meeting.documents_published_at is not None
    facts.documents_in_time = facts.documents_sent and not meeting.documents_late
    facts.documents_days = meeting.documents_days_before
    return facts


def computed_met(criterion: QualityCriterion, facts: Facts) -> bool | None:
    """Whether the record meets a computed criterion (None for a criterion the cell judges). The attendance rate
    must be above its threshold (the framework says "trên 85%"), the speakers' share at least its own."""
    if not criterion.computed:
        return None
    if criterion.measure == Measure.ATTENDANCE_RATE:
        return facts.rate is not None and facts.rate > criterion.threshold
    if criterion.measure == Measure.UNEXCUSED:
        return facts.unexcused == 0
    if criterion.measure == Measure.DURATION:
        return facts.minutes_long >= facts.minimum
    if criterion.measure == Measure.SPEAKERS:
        return facts.speaker_share is not None and facts.speaker_share >= criterion.threshold
    if criterion.measure == Measure.DOCUMENTS:
        return facts.documents_in_time
    return None


def describe(criterion: QualityCriterion, facts: Facts) -> str:
    """The record's figure for a criterion, as the page shows it (empty for a criterion judged on no figure)."""
    if criterion.measure == Measure.ATTENDANCE_RATE:
        if facts.rate is None:
            return _("Nobody on the roll.")
        return _("%(attended)s of %(base)s attended (%(rate)s %%), members exempt from party activity left out.") % {
            "attended": facts.attended, "base": facts.base, "rate": _number(facts.rate)}
    if criterion.measure == Measure.UNEXCUSED:
        return _("Absent without reason: %(count)s.") % {"count": facts.unexcused}
    if criterion.measure == Measure.DURATION:
        return _("%(long)s minutes; at least %(minimum)s (%(source)s).") % {
            "long": facts.minutes_long, "minimum": facts.minimum, "source": facts.minimum_cite}
    if criterion.measure == Measure.SPEAKERS:
        if facts.speaker_share is None:
            return _("Nobody present.")
        return _("%(speakers)s of the %(present)s present spoke (%(share)s %%).") % {
            "speakers": facts.speakers, "present": facts.present_all, "share": _number(facts.speaker_share)}
    if criterion.measure == Measure.DOCUMENTS:
        if not facts.documents_sent:
            return _("The documents were not sent out.")
        if facts.documents_in_time:
            return _("Sent out at least %(days)s day(s) before.") % {"days": facts.documents_days}
        return _("Sent out later than %(days)s day(s) before.") % {"days": facts.documents_days}
    return ""


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass
class Line:
    """One criterion as the page and the form read it: plain values, the version's data copied out."""

    code: str
    text: str
    max_points: int
    fact: str
    computed: bool
    met: bool | None
    points: int | None


def lines_for(rubric: QualityRubric, facts: Facts, stored: dict | None = None) -> list[Line]:
    """Each criterion with its figure and, for computed ones, whether it is met and its points; judged ones carry
    what the assessment stored (if any)."""
    stored = stored or {}
    lines = []
    for criterion in rubric.criteria.all():
        met = computed_met(criterion, facts)
        if criterion.computed:
            points = criterion.max_points if met else 0
        else:
            saved = stored.get(criterion.code, {})
            met, points = saved.get("met"), saved.get("points")
        lines.append(Line(criterion.code, criterion.text, criterion.max_points, describe(criterion, facts),
                          criterion.computed, met, points))
    return lines


def assessment_of(meeting: Meeting) -> Assessment | None:
    return (Assessment.objects.select_related("rubric", "decided_by", "confirmed_by").filter(meeting=meeting)
            .first())


# --- members' ratings -------------------------------------------------------------------------------------------


def rater_key(meeting: Meeting, user) -> str:
    """A keyed hash of the meeting and the person: it tells whether they rated, never what."""
    message = f"quality-rating:{meeting.pk}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def has_rated(meeting: Meeting, user) -> bool:
    return RatingMark.objects.filter(meeting=meeting, key=rater_key(meeting, user)).exists()


def rating_window_closes(meeting: Meeting) -> datetime.datetime:
    return meeting.ends_at + datetime.timedelta(days=settings.QUALITY_RATING_DAYS)


def _rateable(now: datetime.datetime) -> QuerySet[Meeting]:
    """Regular meetings held whose ratings are still open."""
    return Meeting.objects.filter(kind__in=REGULAR_KINDS, ends_at__lt=now,
                                  ends_at__gte=now - datetime.timedelta(days=settings.QUALITY_RATING_DAYS))


def meetings_to_rate(member_id: int, user) -> list[Meeting]:
    """The held regular meetings the member attended whose ratings are open and which they have not rated yet, the
    soonest to close first."""
    attended = list(_rateable(timezone.now()).filter(attendance__member_id=member_id, attendance__status__in=ATTENDED)
                    .select_related("unit").order_by("ends_at")[:meetings.AGENDA_LIMIT])
    rated = set(RatingMark.objects.filter(key__in=[rater_key(meeting, user) for meeting in attended])
                .values_list("meeting_id", flat=True))
    return [meeting for meeting in attended if meeting.pk not in rated]


def raters_to_invite(since: datetime.datetime) -> list[tuple[Meeting, list]]:
    """The regular meetings that ended since `since` (and whose ratings are open), each with the logins of the members
    present or late: those the rating is offered to."""
    found: dict[int, tuple[Meeting, list]] = {}
    lines = (Attendance.objects.filter(meeting__in=_rateable(timezone.now()).filter(ends_at__gte=since),
                                       status__in=ATTENDED, member__user__isnull=False)
             .select_related("meeting__unit", "member__user").order_by("meeting__ends_at", "meeting_id"))
    for line in lines:
        found.setdefault(line.meeting_id, (line.meeting, []))[1].append(line.member.user)
    return list(found.values())


@dataclass
class RatingResults:
    count: int | None  # None until shown: how many rated, watched as it grows, would tell who did
    shown: bool
    by_level: list = field(default_factory=list)
    average: float | None = None
    comments: list = field(default_factory=list)

    @property
    def average_level(self) -> str:
        return level_of_value(self.average)

    @property
    def average_label(self) -> str:
        return Level(self.average_level).label if self.average_level else ""

    @property
    def average_text(self) -> str:
        return _number(self.average) if self.average is not None else ""


def rating_results(meeting: Meeting) -> RatingResults:
    """The members' ratings of a meeting: nothing until QUALITY_RATING_MINIMUM were given, not even their number
    (watched as it grows, with few present, it would tell who rated); then the count, the count at each level, the
    average (4 good … 1 poor) and the comments, in no order of giving."""
    rows = {row["level"]: row["n"] for row in MemberRating.objects.filter(meeting=meeting).order_by()
            .values("level").annotate(n=Count("id"))}
    count = sum(rows.values())
    if count < settings.QUALITY_RATING_MINIMUM:
        return RatingResults(count=None, shown=False)
    by_level = [(Level(level), rows.get(level, 0)) for level in RATING_LEVELS]
    average = sum(LEVEL_VALUE[level] * n for level, n in by_level) / count
    comments = sorted(MemberRating.objects.filter(meeting=meeting).exclude(comment="")
                      .values_list("comment", flat=True))
    return RatingResults(count=count, shown=True, by_level=by_level, average=round(average, 2), comments=comments)


# --- the subtree's figures (counters) ---------------------------------------------------------------------------


LEVEL_ORDER = (Level.GOOD, Level.FAIR, Level.AVERAGE, Level.POOR, Level.PASSED, Level.FAILED)


@dataclass
class Distribution:
    """Regular meetings of the period by the level their cell gave them, those not assessed, and the members'
    average rating beside the cells' own average level."""

    regular: int
    assessed: int
    rows: list  # (Level, count, percent of assessed)
    ratings: int
    rating_average: float | None
    cell_average: float | None

    @property
    def not_assessed(self) -> int:
        return max(self.regular - self.assessed, 0)

    @property
    def rating_level(self) -> str:
        return level_of_value(self.rating_average)

    @property
    def cell_level(self) -> str:
        return level_of_value(self.cell_average)

    @property
    def rating_label(self) -> str:
        return Level(self.rating_level).label if self.rating_level else ""

    @property
    def cell_label(self) -> str:
        return Level(self.cell_level).label if self.cell_level else ""

    @property
    def rating_text(self) -> str:
        return _number(self.rating_average) if self.rating_average is not None else ""

    @property
    def cell_text(self) -> str:
        return _number(self.cell_average) if self.cell_average is not None else ""


def distribution(unit: Unit, periods: list[str]) -> Distribution:
    """The subtree's distribution over `periods`, from the counters of the unit alone (one read)."""
    figures = rollups.figures(unit.pk, periods, (PREFIX, "meetings.regular", "meetings.combined"))
    return distribution_from(figures)


def distribution_from(figures: dict[str, int]) -> Distribution:
    regular = figures.get("meetings.regular", 0) + figures.get("meetings.combined", 0)
    counts = {level: figures.get(f"{PREFIX}lvl.{level}", 0) for level in LEVEL_ORDER}
    assessed = sum(counts.values())
    rows = [(level, counts[level], round(100 * counts[level] / assessed) if assessed else 0)
            for level in LEVEL_ORDER if counts[level] or level in RATING_LEVELS]
    ratings = figures.get(f"{PREFIX}ratings", 0)
    shown = ratings >= settings.QUALITY_RATING_MINIMUM
    scored = sum(counts[level] for level in RATING_LEVELS)
    cell_sum = sum(LEVEL_VALUE[level] * counts[level] for level in RATING_LEVELS)
    return Distribution(
        regular=regular, assessed=assessed, rows=rows if assessed else [], ratings=ratings,
        rating_average=round(figures.get(f"{PREFIX}rating_sum", 0) / ratings, 2) if shown else None,
        cell_average=round(cell_sum / scored, 2) if scored else None)


def year_periods_to(today: datetime.date) -> list[str]:
    """The months of `today`'s year up to its own."""
    return [f"{today.year:04d}-{month:02d}" for month in range(1, today.month + 1)]
