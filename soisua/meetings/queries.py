"""Reads of meetings: rolls, speakers, topics and plans, rule findings, statistics and plan coverage. Who may see
and run them is decided in `policy.py`."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.corrections.enums import Source
from soisua.corrections.models import Shortcoming
from soisua.counters import rollups
from soisua.org import access
from soisua.org import queries as org_queries
from soisua.org.enums import Role
from soisua.org.models import Member, RoleGrant, Unit

from .enums import (
    REGULAR_KINDS,
    ROLL_STATUSES,
    THEMATIC_KINDS,
    AttendanceStatus,
    MeetingKind,
    MinutesStatus,
    MotionStatus,
    RulesStatus,
)
from .models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    CellPlan,
    CellTopic,
    Contribution,
    Meeting,
    MeetingRuleException,
    MeetingRules,
    Minutes,
    Motion,
    Topic,
    TopicPlan,
)

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
MARKED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED)


def meetings_of(unit: Unit) -> QuerySet[Meeting]:
    return Meeting.objects.filter(unit=unit).order_by("-starts_at")


def meetings_visible_to(user, *, within: Unit | None = None, first: datetime.date | None = None,
                        last: datetime.date | None = None, kind: str | None = None) -> QuerySet[Meeting]:
    """The meetings of the cells the user reads, newest first: `within` a unit's subtree, starting on the local
    days from `first` to `last` (both included), of one `kind`."""
    meetings = Meeting.objects.filter(access.scope_for(user).unit_filter("unit__"))
    if within is not None:
        meetings = meetings.filter(unit__path__startswith=within.path)
    if first is not None:
        meetings = meetings.filter(starts_at__gte=_local_day_start(first))
    if last is not None:
        meetings = meetings.filter(starts_at__lt=_local_day_start(last + datetime.timedelta(days=1)))
    if kind is not None:
        meetings = meetings.filter(kind=kind)
    return (meetings.select_related("chair", "minute_taker", "liaison", "topic", "minutes")
            .order_by("-starts_at", "-pk"))


# What a meeting is at a moment: still to come, under way (from its start to its end), or held.
SCHEDULED, IN_PROGRESS, HELD = "scheduled", "in_progress", "held"


def meeting_state(meeting: Meeting, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if now < meeting.starts_at:
        return SCHEDULED
    return IN_PROGRESS if now <= meeting.ends_at else HELD


def roll_lines(meeting: Meeting) -> QuerySet[Attendance]:
    """The meeting's roll in the Vietnamese order of names."""
    return meeting.attendance.select_related("member").order_by("member__sort_key", "pk")


def roll(meeting: Meeting) -> list[Attendance]:
    return list(roll_lines(meeting))


def roll_line_of_member(meeting: Meeting, member_pk: int) -> Attendance | None:
    """The member's line of the meeting's roll (None when they are not on it)."""
    return Attendance.objects.filter(meeting=meeting, member_id=member_pk).select_related("member").first()


def roll_line_of(meeting: Meeting, user) -> Attendance | None:
    """The line of the meeting's roll of the member linked to the login (None for anyone else)."""
    if not user.is_authenticated:
        return None
    return Attendance.objects.filter(meeting=meeting, member__user=user).first()


def attendance_figures(lines: list[Attendance]) -> dict[str, int]:
    """How many lines of the roll have each attendance status, and (as `member_<status>`) each member status the
    line kept from the meeting's day."""
    figures = {"total": len(lines)}
    for line in lines:
        figures[line.status] = figures.get(line.status, 0) + 1
        figures[f"member_{line.member_status}"] = figures.get(f"member_{line.member_status}", 0) + 1
    return figures


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).select_related("approved_by").first()


def speakers_for(meeting: Meeting) -> QuerySet[Member]:
    """Who may be recorded as a speaker: the members on the meeting's roll marked present or late (checked in, or
    marked by the secretary); services.add_contribution refuses the others."""
    return Member.objects.filter(attendance__meeting=meeting, attendance__status__in=ATTENDED).order_by("sort_key")


# The steps of a meeting's page: preparing it, holding it (check-in, the roll, the speakers), its minutes.
STEPS = ("before", "during", "after")


def current_step(meeting: Meeting, now: datetime.datetime | None = None) -> str:
    """The step of the meeting's page that its time calls for: "during" from the opening of check-in
    (MEETING_CHECK_IN_OPENS_MINUTES before the start) to the end, "after" once it ended, "before" until then."""
    now = now or timezone.now()
    if now > meeting.ends_at:
        return "after"
    if now >= meeting.starts_at - datetime.timedelta(minutes=settings.MEETING_CHECK_IN_OPENS_MINUTES):
        return "during"
    return "before"


def minutes_since_start(meeting: Meeting, now: datetime.datetime | None = None) -> int:
    """How late someone arriving now is, in whole minutes (0 before the start): what the roll offers for "late"."""
    return max(0, int(((now or timezone.now()) - meeting.starts_at).total_seconds() // 60))


def roll_candidates(unit: Unit) -> QuerySet[Member]:
    """The cell's members who go on a meeting's roll (and may chair it or take its minutes)."""
    return Member.objects.filter(cell=unit, status__in=ROLL_STATUSES).order_by("sort_key")


# Who speaks for a level above the cell at its meetings: that level's committee members and committee staff.
LIAISON_ROLES = (Role.COMMITTEE, Role.STAFF)


def liaison_candidates(unit: Unit) -> QuerySet[Member]:
    """Who may attend the cell's meetings as the upper-level liaison: the members holding a post on a level above
    the cell, and the members whose login holds a committee or committee staff grant there (committee members
    are often recorded by a grant alone). Members who left the roll or are suspended are not offered."""
    above = unit.ancestor_paths()
    grants = RoleGrant.objects.filter(unit__path__in=above, role__in=LIAISON_ROLES).values("user_id")
    return (Member.objects.filter(Q(posts__unit__path__in=above, posts__ended_on__isnull=True)
                                  | Q(user_id__in=grants), status__in=ROLL_STATUSES)
            .distinct().order_by("sort_key"))


def agenda_of(meeting: Meeting) -> QuerySet:
    return meeting.agenda.all()


def agenda_item_of(meeting: Meeting, pk: int) -> AgendaItem | None:
    return meeting.agenda.filter(pk=pk).first()


def speaker_candidate(meeting: Meeting, pk: int) -> Member | None:
    """A member who may be named as a speaker of the meeting, whatever they are marked: one on its roll, or its
    upper-level liaison (services.add_contribution says why one who did not attend is refused)."""
    return (Member.objects.filter(Q(attendance__meeting=meeting) | Q(pk=meeting.liaison_id), pk=pk)
            .distinct().first())


def documents_of(meeting: Meeting) -> QuerySet:
    return meeting.documents.all()


def minutes_changes_of(meeting: Meeting) -> QuerySet:
    """Changes made to the minutes, the roll or the speakers after the minutes were approved, with their reasons
    and who made them."""
    return meeting.minutes_changes.select_related("by")


def findings_of(meeting: Meeting) -> list[Shortcoming]:
    """The shortcomings recorded at the meeting (docs/domain.md, "Meetings"): those of the cell or its members
    entered with the source "meeting" from the opening of its check-in up to the start of the cell's next meeting,
    since the secretary often enters them from the notes after the meeting. Oldest first."""
    opens = meeting.starts_at - datetime.timedelta(minutes=settings.MEETING_CHECK_IN_OPENS_MINUTES)
    found = Shortcoming.objects.filter(unit=meeting.unit_id, source=Source.MEETING, created_at__gte=opens)
    following = (Meeting.objects.filter(unit=meeting.unit_id, starts_at__gt=meeting.starts_at)
                 .order_by("starts_at").values_list("starts_at", flat=True).first())
    if following is not None:
        found = found.filter(created_at__lt=following)
    return list(found.select_related("member").order_by("created_at", "pk"))


def contributions_of(meeting: Meeting) -> list[Contribution]:
    return list(meeting.contributions.select_related("member", "agenda_item").order_by("created_at", "pk"))


def upcoming_for(member: Member, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    now = now or timezone.now()
    return (Meeting.objects.filter(attendance__member=member, ends_at__gte=now).select_related("unit")
            .order_by("starts_at"))


# --- rules ---------------------------------------------------------------------------------------------------


@dataclass
class Finding:
    code: str
    text: str
    meeting: Meeting | None = None


def published_rules() -> list[MeetingRules]:
    """The published versions of the meeting rules, newest in force first."""
    return list(MeetingRules.objects.filter(status=RulesStatus.PUBLISHED).order_by(*MeetingRules._meta.ordering))


def rules_on(day: datetime.date) -> MeetingRules:
    """The rules a meeting held on `day` is judged by (MeetingRules.in_force_on)."""
    return MeetingRules.in_force_on(day)


def rule_versions() -> QuerySet[MeetingRules]:
    """Every version, drafts included, newest first, with the version each was copied from."""
    return MeetingRules.objects.select_related("copied_from").order_by("-in_force_from", "-created_at", "-pk")


def cells_under(unit: Unit) -> QuerySet[Unit]:
    """The cells directly under a committee, still active: those it may lower the minimum for one by one."""
    return Unit.objects.filter(parent=unit, kind__holds_members=True, active_until__isnull=True).order_by("sort_key")


def exceptions_set_by(committee: Unit) -> QuerySet[MeetingRuleException]:
    """The lower minimums the committee set, newest first."""
    return MeetingRuleException.objects.filter(committee=committee).select_related("cell", "created_by")


def exceptions_over(unit: Unit, *, concerning: bool = False) -> list[MeetingRuleException]:
    """The lower minimums set by the committees above the unit (those that may apply to its meetings); with
    `concerning`, for a cell only those set for it or for cells of a size."""
    exceptions = MeetingRuleException.objects.filter(committee__path__in=unit.ancestor_paths())
    if concerning and unit.kind.holds_members:
        exceptions = exceptions.filter(Q(cell=unit) | Q(cell__isnull=True))
    return list(exceptions.select_related("committee", "cell"))


@dataclass
class Minimum:
    """How long a meeting must last, and what says so: the rules of its day, or a committee's lower minimum."""

    minutes: int
    rules: MeetingRules
    exception: MeetingRuleException | None = None

    def cite(self) -> str:
        if self.exception is None:
            return self.rules.cite()
        # Translators: the committee and its decision that lowered the minimum length, "Đảng ủy xã A, Số 12-QĐ/ĐU".
        return _("%(committee)s, %(decision)s") % {"committee": self.exception.committee.name,
                                                   "decision": self.exception.cite()}


class RulesBook:
    """The published rule versions and the committees' lower minimums, read once to judge many meetings."""

    def __init__(self, exceptions: list[MeetingRuleException]):
        self.published = published_rules()
        self.exceptions = exceptions
        self.by_size = any(exception.max_members is not None for exception in exceptions)

    @classmethod
    def for_unit(cls, unit: Unit) -> "RulesBook":
        return cls(exceptions_over(unit))

    @classmethod
    def for_installation(cls) -> "RulesBook":
        return cls(list(MeetingRuleException.objects.select_related("committee")))

    def rules_on(self, day: datetime.date) -> MeetingRules:
        return MeetingRules.in_force_on(day, self.published)

    def minimum(self, meeting: Meeting, *, cell_path: str, roll_size: int | None = None) -> Minimum:
        """The meeting's minimum length: the lowest of the lower minimums valid on its day set by a committee above
        its cell, for that cell or for cells with at most so many members on the roll (`roll_size`, counted when
        not given and a minimum by size exists), else the rules of its day."""
        day = meeting.day
        rules = self.rules_on(day)
        if not hasattr(meeting, "_rules"):
            meeting._rules = rules
        applying = []
        for exception in self.exceptions:
            if not (exception.valid_on(day) and cell_path.startswith(exception.committee.path)
                    and cell_path != exception.committee.path):
                continue
            if exception.cell_id is None:
                if roll_size is None:
                    roll_size = meeting.attendance.count()
                if roll_size > exception.max_members:
                    continue
            elif exception.cell_id != meeting.unit_id:
                continue
            applying.append(exception)
        exception = min(applying, key=lambda found: (found.min_minutes(meeting.kind), -found.pk), default=None)
        if exception is not None and exception.min_minutes(meeting.kind) < rules.min_minutes(meeting.kind):
            return Minimum(exception.min_minutes(meeting.kind), rules, exception)
        return Minimum(rules.min_minutes(meeting.kind), rules)


def meeting_minimum(meeting: Meeting, *, roll_size: int | None = None) -> Minimum:
    """The minimum length of one meeting (RulesBook.minimum)."""
    return RulesBook.for_unit(meeting.unit).minimum(meeting, cell_path=meeting.unit.path, roll_size=roll_size)


def rule_findings(unit: Unit, year: int, today: datetime.date | None = None) -> list[Finding]:
    """What the level above should see about a cell's year (docs/domain.md, "Meetings"): months that ended without a
    regular meeting, quarters that ended with fewer thematic sessions than the rules of their last day ask,
    meetings shorter than their minimum (a committee's lower minimum for small cells, citing its decision),
    documents published late; each meeting judged by the rules of its day."""
    today = today or timezone.localdate()
    book = RulesBook.for_unit(unit)
    meetings = list(Meeting.objects.filter(unit=unit, starts_at__year=year).annotate(roll_size=Count("attendance"))
                    .order_by("starts_at"))
    findings = []
    ended_months = 12 if year < today.year else (today.month - 1 if year == today.year else 0)
    # A cell is expected to meet from the month it began (its recorded start, else its first member's joining);
    # a cell that never had a member is expected nothing.
    began = org_queries.began_on(unit)
    first_month = 13 if began is None or began.year > year else (began.month if began.year == year else 1)
    regular = {timezone.localtime(m.starts_at).month for m in meetings if m.kind in REGULAR_KINDS}
    findings += [Finding("month", _("No regular meeting in %(month)02d/%(year)s.") % {"month": month, "year": year})
                 for month in range(first_month, ended_months + 1) if month not in regular]
    ended_quarters = 4 if year < today.year else ((today.month - 1) // 3 if year == today.year else 0)
    thematic: dict[int, int] = {}
    for meeting in meetings:
        if meeting.kind in THEMATIC_KINDS:
            quarter = (timezone.localtime(meeting.starts_at).month - 1) // 3 + 1
            thematic[quarter] = thematic.get(quarter, 0) + 1
    for quarter in range((first_month - 1) // 3 + 1, ended_quarters + 1):
        needed = book.rules_on(quarter_end(year, quarter)).thematic_per_quarter
        held = thematic.get(quarter, 0)
        if held == 0 and needed:
            findings.append(Finding("quarter", _("No thematic session in quarter %(quarter)s of %(year)s.")
                                    % {"quarter": quarter, "year": year}))
        elif held < needed:
            findings.append(Finding("quarter", _("Only %(held)s of the %(needed)s thematic sessions expected in "
                                                 "quarter %(quarter)s of %(year)s were held.")
                                    % {"held": held, "needed": needed, "quarter": quarter, "year": year}))
    for meeting in meetings:
        minimum = book.minimum(meeting, cell_path=unit.path, roll_size=meeting.roll_size)
        if meeting.minutes_long < minimum.minutes:
            findings.append(Finding("short", _("“%(title)s” lasted %(length)s minutes; at least %(minimum)s are "
                                               "expected (%(source)s).")
                                    % {"title": meeting.title, "length": meeting.minutes_long,
                                       "minimum": minimum.minutes, "source": minimum.cite()}, meeting))
        if meeting.documents_late:
            findings.append(Finding("documents", _("The documents of “%(title)s” were published less than "
                                                   "%(days)s day(s) before it.")
                                    % {"title": meeting.title, "days": meeting.documents_days_before},
                                    meeting))
    return findings


def quarter_end(year: int, quarter: int) -> datetime.date:
    """The last day of a quarter, by whose rules the quarter is judged."""
    return (datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)) \
        - datetime.timedelta(days=1)


# --- statistics ----------------------------------------------------------------------------------------------


def rate(attended: int, marked: int) -> int | None:
    return round(100 * attended / marked) if marked else None


@dataclass
class MemberRecord:
    member: Member
    on_roll: int = 0
    present: int = 0
    late: int = 0
    minutes_late: int = 0
    excused: int = 0
    unexcused: int = 0
    spoke: int = 0

    @property
    def rate(self) -> int | None:
        return rate(self.present + self.late, self.present + self.late + self.excused + self.unexcused)

    @property
    def unexcused_alert(self) -> bool:
        """Absences without reason have reached MEETING_UNEXCUSED_ALERT (grounds for removal)."""
        return self.unexcused >= settings.MEETING_UNEXCUSED_ALERT


def member_records(unit: Unit, year: int, now: datetime.datetime | None = None) -> list[MemberRecord]:
    """Each member on the rolls of the cell's meetings held in `year` (begun by `now`: a meeting still to come
    counts for nobody): attendance, lateness, absences and how often they spoke."""
    held = {"meeting__unit": unit, "meeting__starts_at__year": year, "meeting__starts_at__lte": now or timezone.now()}
    lines = (org_queries.in_province_of(Attendance.objects.filter(**held), unit)
             .values("member_id", "status").annotate(count=Count("id"), late=Sum("minutes_late")))
    spoke = dict(Contribution.objects.filter(**held)
                 .values("member_id").annotate(count=Count("meeting_id", distinct=True))
                 .values_list("member_id", "count"))
    records: dict[int, MemberRecord] = {}
    ids = {row["member_id"] for row in lines}
    members = {member.pk: member for member in Member.objects.filter(pk__in=ids)}
    for row in lines:
        record = records.setdefault(row["member_id"], MemberRecord(members[row["member_id"]]))
        record.on_roll += row["count"]
        if row["status"] in (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED,
                             AttendanceStatus.UNEXCUSED):
            setattr(record, row["status"], row["count"])
        record.minutes_late += row["late"] or 0
    for record in records.values():
        record.spoke = spoke.get(record.member.pk, 0)
    return sorted(records.values(), key=lambda record: record.member.sort_key)


def meetings_per_month(unit: Unit, year: int) -> list[dict]:
    """Meetings of the unit's subtree per month of `year`, by kind (from the counters)."""
    return _per_month(rollups.figures_by_period(unit.pk, rollups.year_periods(year), "meetings."))


def _per_month(by_period: dict[str, dict[str, int]]) -> list[dict]:
    return [{"month": int(period[5:]), "total": sum(figures.values()),
             **{kind: figures.get(f"meetings.{kind}", 0) for kind in MeetingKind.values}}
            for period, figures in by_period.items()]


def held_figures(unit: Unit, year: int, now: datetime.datetime | None = None) -> tuple[dict, list[dict]]:
    """The statistics page's summary (as `attendance_summary`) and meetings per month (as `meetings_per_month`)
    of the meetings held in `year`: those begun by `now`, never those still to come.

    A cell's are counted from its own meetings, exactly. A subtree's come from the counters, which count by month:
    the months after `now`'s are left out, so what a committee reads runs through the current month."""
    now = now or timezone.now()
    periods = [period for period in rollups.year_periods(year) if period <= rollups.period_of(now)]
    if not unit.kind.holds_members:
        by_period = rollups.figures_by_period(unit.pk, periods, SUMMARY_METRICS)
        totals: dict[str, int] = {}
        for figures in by_period.values():
            for metric, value in figures.items():
                totals[metric] = totals.get(metric, 0) + value
        meetings_only = {period: {metric: value for metric, value in figures.items() if metric.startswith("meetings.")}
                         for period, figures in by_period.items()}
        return _summary(totals), _per_month(meetings_only)
    held = Meeting.objects.filter(unit=unit, starts_at__year=year, starts_at__lte=now)
    by_period = {period: {} for period in periods}
    totals = {}
    for row in (held.annotate(month=ExtractMonth("starts_at")).values("month", "kind").annotate(count=Count("id"))
                .order_by()):
        metric = f"meetings.{row['kind']}"
        by_period[f"{year:04d}-{row['month']:02d}"][metric] = row["count"]
        totals[metric] = totals.get(metric, 0) + row["count"]
    for row in (org_queries.in_province_of(Attendance.objects.filter(meeting__in=held), unit).values("status")
                .annotate(count=Count("id"), late=Sum("minutes_late")).order_by()):
        totals[f"attendance.{row['status']}"] = row["count"]
        totals["attendance.minutes_late"] = totals.get("attendance.minutes_late", 0) + (row["late"] or 0)
    return _summary(totals), _per_month(by_period)


# The counters a summary reads: only these, never the other apps' figures kept in the same months.
SUMMARY_METRICS = ("meetings.", "attendance.")


def attendance_summary(unit: Unit, year: int) -> dict[str, int | None]:
    """Attendance of the unit's whole subtree in `year`: counts per status, minutes late and the rate. Any unit,
    the country included, reads at most 12 × metrics × slots counter rows."""
    figures = rollups.figures(unit.pk, rollups.year_periods(year), SUMMARY_METRICS)
    return _summary(figures)


def monthly_summaries(unit: Unit, periods: list[str]) -> list[dict]:
    """`attendance_summary` of the unit's subtree for each month of `periods` ("YYYY-MM"), in their order, each
    with its `period`, `year` and `month`: one read of the counters."""
    by_period = rollups.figures_by_period(unit.pk, periods, SUMMARY_METRICS)
    return [{"period": period, "year": int(period[:4]), "month": int(period[5:]), **_summary(by_period[period])}
            for period in periods]


def _summary(figures: dict[str, int]) -> dict:
    summary = {status: figures.get(f"attendance.{status}", 0) for status in AttendanceStatus.values}
    summary["minutes_late"] = figures.get("attendance.minutes_late", 0)
    summary["meetings"] = sum(value for metric, value in figures.items() if metric.startswith("meetings."))
    summary["lines"] = sum(summary[status] for status in AttendanceStatus.values)
    summary["rate"] = rate(summary["present"] + summary["late"], sum(summary[status] for status in MARKED))
    return summary


def children_summaries(unit: Unit, year: int) -> list[tuple[Unit, dict]]:
    children = list(unit.children.filter(active_until__isnull=True).select_related("kind").order_by("sort_key"))
    figures = rollups.figures_of_units([child.pk for child in children], rollups.year_periods(year),
                                       SUMMARY_METRICS)
    return [(child, _summary(figures.get(child.pk, {}))) for child in children]


# Groups of fewer people than this are not counted aloud: beside the names of the silent members, a band of one or
# two would tell whose age (a part of the date of birth, which is personal data) it is.
SMALL_GROUP = 3


@dataclass(frozen=True)
class GroupRow:
    """One band of a statistics table as shown to anyone: counts under SMALL_GROUP read "< 3"."""

    label: str
    silent: str
    on_roll: str


def shown_count(count: int) -> str:
    return str(count) if count >= SMALL_GROUP else _("< %(count)s") % {"count": SMALL_GROUP}


def _rows(grouping: dict[str, tuple[int, int]]) -> list[GroupRow]:
    return [GroupRow(label, shown_count(silent), shown_count(everyone))
            for label, (silent, everyone) in grouping.items()]


@dataclass
class SilentMembers:
    meetings: int
    members: list[Member] = field(default_factory=list)
    by_age: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_admission: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def age_rows(self) -> list[GroupRow] | None:
        """The age table as shown, or None when it would place the members named as silent in one age band (they
        all share it): the table stands next to their names, and their age is personal data."""
        if sum(1 for silent, _everyone in self.by_age.values() if silent) <= 1:
            return None
        return _rows(self.by_age)

    @property
    def admission_rows(self) -> list[GroupRow]:
        return _rows(self.by_admission)


# Age bands, youngest first: the order every table lists them in ("< 30" before "30–39", never by their text).
AGE_BANDS = ((0, 30, "< 30"), (30, 40, "30–39"), (40, 50, "40–49"), (50, 60, "50–59"), (60, 200, "≥ 60"))
UNKNOWN = "unknown"


def age_of(member: Member, today: datetime.date) -> int | None:
    """Age in whole years on `today` (None without a date of birth)."""
    born = member.date_of_birth
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def age_band(member: Member, today: datetime.date) -> str:
    """The member's AGE_BANDS label, or UNKNOWN without a date of birth."""
    age = age_of(member, today)
    if age is None:
        return UNKNOWN
    return next(label for low, high, label in AGE_BANDS if low <= age < high)


def admission_decade(member: Member) -> str:
    if member.admission_date is None:
        return UNKNOWN
    decade = member.admission_date.year // 10 * 10
    return f"{decade}–{decade + 9}"


def _band_order(label: str) -> tuple[int, str]:
    """Bands by age (AGE_BANDS' order), decades by year, the unknown last."""
    if label == UNKNOWN:
        return (1, "")
    ages = [band[2] for band in AGE_BANDS]
    return (0, f"{ages.index(label):04d}" if label in ages else label)


def _labelled(grouping: dict) -> dict:
    """The grouping in band order, the unknown band named in the reader's language."""
    return {(_("unknown") if label == UNKNOWN else label): value
            for label, value in sorted(grouping.items(), key=lambda item: _band_order(item[0]))}


def silent_members(unit: Unit, today: datetime.date | None = None,
                   now: datetime.datetime | None = None) -> SilentMembers:
    """Members on the roll of the cell's last MEETING_SILENT_AFTER held meetings (all those held while there are
    fewer) who spoke in none of them, with (silent, all) counts by age band and by admission decade, so "young
    members rarely speak" shows. A meeting is held once it has ended by `now`."""
    today = today or timezone.localdate()
    last = list(Meeting.objects.filter(unit=unit, ends_at__lte=now or timezone.now())
                .order_by("-starts_at").values_list("pk", flat=True)[:settings.MEETING_SILENT_AFTER])
    result = SilentMembers(meetings=len(last))
    if not last:
        return result
    on_roll = list(Member.objects.filter(attendance__meeting__in=last).distinct().order_by("sort_key"))
    spoke = set(Contribution.objects.filter(meeting__in=last).values_list("member_id", flat=True))
    result.members = [member for member in on_roll if member.pk not in spoke]
    for target, key in (("by_age", lambda member: age_band(member, today)), ("by_admission", admission_decade)):
        grouping: dict[str, tuple[int, int]] = {}
        for member in on_roll:
            silent, everyone = grouping.get(key(member), (0, 0))
            grouping[key(member)] = (silent + (member.pk not in spoke), everyone + 1)
        setattr(result, target, _labelled(grouping))
    return result


@dataclass(frozen=True)
class AgeGroupRow:
    """One age band of the cell's year as shown to anyone: how many members, and their attendance rate. A band of
    fewer than SMALL_GROUP people shows no rate: beside the member table it would tell whose band (and so whose
    age) it is. Who spoke is left to the silent members' tables, which keep their own rule."""

    label: str
    members: str
    rate: int | None


def age_groups(records: list[MemberRecord], today: datetime.date | None = None) -> list[AgeGroupRow]:
    """The year's member records (`member_records`) by age band, youngest first, the unknown last."""
    today = today or timezone.localdate()
    bands: dict[str, list[MemberRecord]] = {}
    for record in records:
        bands.setdefault(age_band(record.member, today), []).append(record)
    rows = []
    for label, group in _labelled(bands).items():
        attended = sum(record.present + record.late for record in group)
        marked = attended + sum(record.excused + record.unexcused for record in group)
        rows.append(AgeGroupRow(label, shown_count(len(group)),
                                None if len(group) < SMALL_GROUP else rate(attended, marked)))
    return rows


# --- topics and plans ----------------------------------------------------------------------------------------


def topic_available_to(unit: Unit, pk) -> Topic | None:
    """A topic of the unit's own library or of a committee above it (what its meetings may take up); None for
    any other id, or one that is not a number."""
    if not (str(pk or "").isascii() and str(pk or "").isdigit()) or len(str(pk)) > 18:
        return None
    return Topic.objects.filter(pk=int(pk), unit__path__in=[*unit.ancestor_paths(), unit.path]).first()


def topics_of(unit: Unit) -> QuerySet[Topic]:
    """A committee's own topic library, by title."""
    return Topic.objects.filter(unit=unit).order_by("title")


def topics_available_to(unit: Unit) -> QuerySet[Topic]:
    """The topics of the unit's library and of the libraries above it, by title (what its plan may pick)."""
    return Topic.objects.filter(unit__path__in=[*unit.ancestor_paths(), unit.path]).order_by("title")


def topic_plan(unit: Unit, year: int) -> TopicPlan | None:
    return TopicPlan.objects.filter(unit=unit, year=year).prefetch_related("topics").first()


def published_plans_for(unit: Unit, year: int) -> list[TopicPlan]:
    return list(TopicPlan.objects.filter(unit__path__in=[*unit.ancestor_paths(), unit.path], year=year,
                                         published_at__isnull=False).select_related("unit")
                .prefetch_related("topics").order_by("unit__path"))


def quarter_of(moment: datetime.datetime) -> int:
    return (timezone.localtime(moment).month - 1) // 3 + 1


def cells_without_thematic(unit: Unit, year: int, quarter: int, *, limit: int = 200) -> tuple[list[Unit], int]:
    """Cells of the unit's subtree with neither a topic picked nor a thematic session scheduled for the quarter:
    the first `limit` by name, and how many there are."""
    months = range(3 * quarter - 2, 3 * quarter + 1)
    planned = CellTopic.objects.filter(plan__year=year, quarter=quarter).values("plan__unit_id")
    held = (Meeting.objects.filter(kind__in=THEMATIC_KINDS, starts_at__year=year)
            .annotate(month=ExtractMonth("starts_at")).filter(month__in=months).values("unit_id"))
    cells = (Unit.objects.filter(path__startswith=unit.path, kind__holds_members=True, active_until__isnull=True)
             .exclude(pk__in=planned).exclude(pk__in=held))
    return list(cells.order_by("sort_key")[:limit]), cells.count()


def cell_plan(unit: Unit, year: int) -> CellPlan | None:
    return CellPlan.objects.filter(unit=unit, year=year).prefetch_related("topics__topic").first()


def next_planned_start(plan: CellPlan, quarter: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """The plan's fixed day in the quarter, the first one not yet past (else the quarter's first)."""
    now = now or timezone.now()
    days = [plan.day_in(month) for month in range(3 * quarter - 2, 3 * quarter + 1)]
    return next((day for day in days if day > now), days[0])


# --- my meetings and calendar links ---------------------------------------------------------------------------


def member_of_user(user) -> Member | None:
    """The member linked to the login, with their cell (None for logins of no member)."""
    return Member.objects.filter(user=user).select_related("cell").first()


def feeds_of(user) -> list[CalendarFeed]:
    """The person's calendar links: their own (no unit) and one per unit, by the unit's name."""
    return list(CalendarFeed.objects.filter(user=user).select_related("unit").order_by("unit__sort_key"))


def feed_meetings(user, unit: Unit | None) -> QuerySet[Meeting]:
    """Meetings for a calendar feed: the person's own (as on the roll or as liaison), or a unit's subtree,
    from 60 days back, at most 500. A feed is fetched without a login, so every fetch asks what the owner may read
    now: a member suspended or gone from the roll, or a liaison who lost the role, sees those meetings no more."""
    since = timezone.now() - datetime.timedelta(days=60)
    if unit is None:
        member = Member.objects.filter(user=user).first()
        if member is None:
            return Meeting.objects.none()
        meetings = Meeting.objects.filter(Q(attendance__member=member) | Q(liaison=member))
    else:
        meetings = Meeting.objects.filter(unit__path__startswith=unit.path)
    meetings = meetings.filter(access.scope_for(user).unit_filter("unit__"))
    return meetings.filter(starts_at__gte=since).select_related("unit").distinct().order_by("starts_at")[:500]


# --- what waits for a person (meetings/agenda.py) ------------------------------------------------------------

AGENDA_LIMIT = 10
# Held meetings whose roll or minutes are still open are followed up for this long.
FOLLOW_UP_DAYS = 60


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def meetings_of_member(member_id: int, first: datetime.date, last: datetime.date) -> list[Meeting]:
    """The member's meetings (on their roll) from the start of `first` to the end of `last` that have not ended,
    each with the status of their line of the roll (`my_status`)."""
    return list(Meeting.objects.filter(attendance__member_id=member_id, ends_at__gte=timezone.now(),
                                       starts_at__gte=_local_day_start(first),
                                       starts_at__lt=_local_day_start(last + datetime.timedelta(days=1)))
                .annotate(my_status=F("attendance__status"))
                .select_related("unit").order_by("starts_at")[:AGENDA_LIMIT])


def preparation_of(cells: list[int], today: datetime.date, last: datetime.date) -> list[tuple[Meeting, str]]:
    """What the cells' meetings still need: documents not sent for a meeting coming by `last` ("documents"), a
    held meeting's roll with lines unmarked ("roll"), or its minutes not approved ("minutes")."""
    now = timezone.now()
    found: list[tuple[Meeting, str]] = []
    coming = (Meeting.objects.filter(unit_id__in=cells, starts_at__gte=now, documents_published_at__isnull=True,
                                     starts_at__lt=_local_day_start(last + datetime.timedelta(days=1)),
                                     documents__isnull=False)
              .distinct().select_related("unit").order_by("starts_at")[:AGENDA_LIMIT])
    found += [(meeting, "documents") for meeting in coming]
    held = (Meeting.objects.filter(unit_id__in=cells, ends_at__lt=now,
                                   starts_at__gte=now - datetime.timedelta(days=FOLLOW_UP_DAYS))
            .select_related("unit").order_by("starts_at"))
    unmarked = set(Attendance.objects.filter(meeting__in=held, status=AttendanceStatus.UNMARKED)
                   .values_list("meeting_id", flat=True))
    approved = set(Minutes.objects.filter(meeting__in=held, status=MinutesStatus.APPROVED)
                   .values_list("meeting_id", flat=True))
    for meeting in held:
        if meeting.pk in unmarked:
            found.append((meeting, "roll"))
        elif meeting.pk not in approved:
            found.append((meeting, "minutes"))
        if len(found) >= 2 * AGENDA_LIMIT:
            break
    return found


def cells_of_exception(exception: MeetingRuleException) -> list[int]:
    """The cells a lower minimum is for as they stand today: its one cell, or the cells of the committee's subtree
    with at most `max_members` members on a roll (who is told when it is set or ended)."""
    if exception.cell_id:
        return [exception.cell_id]
    return list(Unit.objects.filter(path__startswith=exception.committee.path, kind__holds_members=True)
                .annotate(roll=Count("members", filter=Q(members__status__in=ROLL_STATUSES)))
                .filter(roll__lte=exception.max_members).order_by("path").values_list("pk", flat=True))


# --- votes in meetings -----------------------------------------------------------------------------------------


def motions_of(meeting: Meeting) -> list:
    """The meeting's motions in the order they were opened, with their rules and agenda items."""
    return list(meeting.motions.select_related("rule", "agenda_item").order_by("opened_at", "pk"))


def open_votes_for(member_pk: int) -> list[tuple[Motion, str]]:
    """The open motions the member has not voted on in meetings where they are marked present or late, with the
    member status their line kept (the rule may leave probationary members out): what waits for their vote now."""
    statuses = dict(Attendance.objects.filter(member_id=member_pk, status__in=ATTENDED,
                                              meeting__motions__status=MotionStatus.OPEN)
                    .values_list("meeting_id", "member_status"))
    if not statuses:
        return []
    motions = (Motion.objects.filter(status=MotionStatus.OPEN, meeting_id__in=statuses)
               .exclude(voters__member_id=member_pk).select_related("meeting", "rule").order_by("opened_at", "pk"))
    return [(motion, statuses[motion.meeting_id]) for motion in motions[:AGENDA_LIMIT]]


def motions_voted_by(meeting: Meeting, member_pk: int | None) -> set[int]:
    """The meeting's motions on which the member has voted (whatever the method: the list of who voted)."""
    if member_pk is None:
        return set()
    return set(meeting.motions.filter(voters__member_id=member_pk).values_list("pk", flat=True))


def names_by_choice(meeting: Meeting) -> dict[int, dict[str, list[str]]]:
    """For the open votes of the meeting, who voted each way ({motion: {choice: [names]}}, names in the Vietnamese
    order); a secret ballot's voters have no choice and are left out."""
    grouped: dict[int, dict[str, list[str]]] = {}
    rows = (meeting.motions.filter(secret=False, voters__isnull=False)
            .order_by("voters__member__sort_key")
            .values_list("pk", "voters__choice", "voters__member__full_name"))
    for motion_pk, choice, name in rows:
        grouped.setdefault(motion_pk, {}).setdefault(choice, []).append(name)
    return grouped
