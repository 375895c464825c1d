# ruff: noqa: S608 - SQL here is built from table names (_meta) and fixed text; every value is a parameter.
"""The checks behind early warnings: one function per `Check`, reading the whole installation set-wise and returning
what it found (`Found`: the unit, what in it, the figures and the rows behind them).

A detector reads only: `services.evaluate` turns findings into warnings. Each one costs a few grouped queries
over its source tables (or the subtree counters), whatever the number of units; those that must compare rows per
cell (silent members) walk the installation one province at a time.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from soisua.corrections.enums import DONE_STATUSES
from soisua.corrections.models import Shortcoming
from soisua.counters.models import Counter
from soisua.directives.enums import DirectiveStatus
from soisua.directives.models import Receipt, Report, ReportingPeriod
from soisua.dues.queries import unpaid_runs
from soisua.meetings.enums import REGULAR_KINDS, THEMATIC_KINDS, AttendanceStatus
from soisua.meetings.models import Attendance, Contribution, Meeting
from soisua.meetings.queries import RulesBook, quarter_end
from soisua.org.enums import ACTIVE_STATUSES
from soisua.org.models import Member, Unit
from soisua.org.queries import cell_began
from soisua.quality.enums import BELOW_FAIR
from soisua.reviews.enums import CycleStatus, ReviewStatus
from soisua.reviews.models import Cycle, Review

from .enums import Check
from .models import Rule

# Rows of evidence kept per warning (the page links each; the figures count them all).
EVIDENCE = 50


@dataclass
class Found:
    unit_id: int
    subject: str = ""
    member_id: int | None = None
    figures: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)


Detector = Callable[[Rule, datetime.date], list[Found]]
DETECTORS: dict[str, Detector] = {}
# What several checks of one run read alike; `services.evaluate` empties it before and after each run.
RUN_CACHE: dict[tuple, object] = {}


def detector(check: str):
    def register(function: Detector) -> Detector:
        DETECTORS[check] = function
        return function
    return register


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def months_back(day: datetime.date, count: int, *, include_current: bool) -> list[str]:
    """Month periods ("YYYY-MM") before `day`'s month, oldest first; with `include_current`, ending with it."""
    index = day.year * 12 + day.month - 1 - (0 if include_current else 1)
    return [f"{(index - step) // 12:04d}-{(index - step) % 12 + 1:02d}" for step in reversed(range(count))]


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _grouped(rows, name: str, *, threshold: int, key=lambda row: (row[0], "", None)) -> list[Found]:
    """(unit id, …, evidence id) rows grouped by `key` → Found with the count and the first ids, as `name`."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row[-1])
    return [Found(unit_id, subject, member_id, {"count": len(ids)}, {name: ids[:EVIDENCE]})
            for (unit_id, subject, member_id), ids in groups.items() if len(ids) >= max(threshold, 1)]


def _cells() -> dict[int, datetime.date | None]:
    """Units expected to meet: those holding members with someone active on the roll, with the day they began
    (org.queries.cell_began)."""
    with_members = Member.objects.filter(status__in=ACTIVE_STATUSES).values("cell_id")
    return dict(Unit.objects.filter(kind__holds_members=True, active_until__isnull=True, pk__in=with_members)
                .annotate(began=cell_began()).values_list("pk", "began"))


# --- corrections -----------------------------------------------------------------------------------------------


@detector(Check.CORRECTIONS_OVERDUE)
def corrections_overdue(rule: Rule, today: datetime.date) -> list[Found]:
    """Units with at least `threshold` unverified shortcomings due more than `period` days ago."""
    rows = (Shortcoming.objects.exclude(status__in=DONE_STATUSES)
            .filter(next_due__lt=today - datetime.timedelta(days=rule.period or 0))
            .order_by("next_due", "pk").values_list("unit_id", "pk"))
    return _grouped(rows, "shortcomings", threshold=rule.threshold)


@detector(Check.RECURRING)
def recurring(rule: Rule, today: datetime.date) -> list[Found]:
    """Units with at least `threshold` unverified shortcomings that repeat one of an earlier cycle."""
    rows = (Shortcoming.objects.exclude(status__in=DONE_STATUSES).filter(recurring_of__isnull=False)
            .order_by("pk").values_list("unit_id", "pk"))
    return _grouped(rows, "shortcomings", threshold=rule.threshold)


# --- meetings --------------------------------------------------------------------------------------------------


def _cell_counters(periods: list[str], metrics: list[str]) -> dict[int, dict[str, dict[str, int]]]:
    """{cell id: {period: {metric: value}}} from the subtree counters of the units that hold members."""
    rows = (Counter.objects.filter(period__in=periods, metric__in=metrics, unit__kind__holds_members=True)
            .values_list("unit_id", "period", "metric").annotate(total=Sum("value")).order_by())
    result: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for unit_id, period, metric, total in rows:
        result[unit_id][period][metric] = total
    return result


@detector(Check.ATTENDANCE_LOW)
def attendance_low(rule: Rule, today: datetime.date) -> list[Found]:
    """Cells whose marked attendance over the last `period` months (this one included) is below `threshold` %."""
    periods = months_back(today, rule.period or 1, include_current=True)
    present = [f"attendance.{status}" for status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)]
    absent = [f"attendance.{status}" for status in (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED)]
    found = []
    for unit_id, months in _cell_counters(periods, present + absent).items():
        came = sum(month.get(metric, 0) for month in months.values() for metric in present)
        marked = came + sum(month.get(metric, 0) for month in months.values() for metric in absent)
        if marked and came * 100 < rule.threshold * marked:
            found.append(Found(unit_id, figures={"rate": round(came * 100 / marked), "marked": marked},
                               evidence={"months": sorted(months)}))
    return found


@detector(Check.UNEXCUSED)
def unexcused(rule: Rule, today: datetime.date) -> list[Found]:
    """Active members absent without reason from at least `threshold` meetings of the last `period` months of the
    cell they belong to now (a member who moved starts afresh: the new cell may not read the old cell's meetings)."""
    since = start_of(add_months(today, -(rule.period or 12)))
    rows = (Attendance.objects.filter(status=AttendanceStatus.UNEXCUSED, meeting__starts_at__gte=since,
                                      meeting__starts_at__lt=start_of(today + datetime.timedelta(days=1)),
                                      member__status__in=ACTIVE_STATUSES, meeting__unit_id=F("member__cell_id"))
            .order_by("meeting__starts_at").values_list("member__cell_id", "member_id", "meeting_id"))
    return _grouped(rows, "meetings", threshold=rule.threshold, key=lambda row: (row[0], f"member:{row[1]}", row[1]))


def _silent_by_cell(count: int, today: datetime.date) -> dict[int, tuple[list[int], list[tuple[int, object]]]]:
    """{cell id: (its last `count` meetings, [(member id, date of birth)] of the active members still in the cell
    present at some of them who spoke at none)}, for cells that held `count` meetings in the last months. Two
    queries over the whole installation: each cell's meetings are ranked in SQL and the speakers left out there, so
    only the silent come back. Kept for the run, since both silent-member checks read it."""
    key = ("silent", count, today)
    if key in RUN_CACHE:
        return RUN_CACHE[key]
    meeting, line = Meeting._meta.db_table, Attendance._meta.db_table
    spoken, member = Contribution._meta.db_table, Member._meta.db_table
    recent = (f"SELECT id, unit_id, starts_at FROM (SELECT id, unit_id, starts_at, ROW_NUMBER() OVER (PARTITION BY "
              f"unit_id ORDER BY starts_at DESC, id DESC) AS position, COUNT(*) OVER (PARTITION BY unit_id) AS held "
              f"FROM {meeting} WHERE starts_at < %s AND starts_at >= %s) ranked WHERE position <= %s AND held >= %s")
    adapt = connection.ops.adapt_datetimefield_value
    window = [adapt(start_of(today + datetime.timedelta(days=1))), adapt(start_of(add_months(today, -(count + 3)))),
              count, count]
    statuses, active = [AttendanceStatus.PRESENT, AttendanceStatus.LATE], sorted(ACTIVE_STATUSES)
    meetings: dict[int, list[int]] = defaultdict(list)
    silent: dict[int, list[tuple[int, object]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT unit_id, id FROM ({recent}) last ORDER BY unit_id, starts_at DESC, id DESC", window)
        for unit_id, meeting_id in cursor.fetchall():
            meetings[unit_id].append(meeting_id)
        cursor.execute(
            f"WITH recent AS ({recent}) "
            f"SELECT DISTINCT recent.unit_id, roll.member_id, person.date_of_birth FROM recent "
            f"JOIN {line} roll ON roll.meeting_id = recent.id JOIN {member} person ON person.id = roll.member_id "
            f"WHERE roll.status IN ({', '.join(['%s'] * len(statuses))}) "
            f"AND person.status IN ({', '.join(['%s'] * len(active))}) AND person.cell_id = recent.unit_id "
            f"AND NOT EXISTS (SELECT 1 FROM {spoken} said JOIN recent spoke ON spoke.id = said.meeting_id "
            f"WHERE said.member_id = roll.member_id AND spoke.unit_id = recent.unit_id) "
            f"ORDER BY recent.unit_id, roll.member_id", [*window, *statuses, *active])
        while rows := cursor.fetchmany(10_000):
            for unit_id, member_id, born in rows:
                silent[unit_id].append((member_id, born))
    RUN_CACHE[key] = {unit_id: (meetings[unit_id], members) for unit_id, members in silent.items()}
    return RUN_CACHE[key]


def _silent(rule: Rule, today: datetime.date, *, age_under: int | None) -> list[Found]:
    """Cells with at least `threshold` active members (younger than `age_under` years when given) who attended
    some of the cell's last `period` meetings and spoke at none of them."""
    count = rule.period or 3
    born_after = datetime.date(today.year - age_under, today.month, min(today.day, 28)) if age_under else None
    found = []
    for unit_id, (meetings, members) in _silent_by_cell(count, today).items():
        ids = [member_id for member_id, born in members if born_after is None or (born and born > born_after)]
        if len(ids) >= max(rule.threshold, 1):
            found.append(Found(unit_id, figures={"count": len(ids), "meetings": count},
                               evidence={"members": ids[:EVIDENCE], "meetings": meetings}))
    return found


@detector(Check.SILENT)
def silent(rule: Rule, today: datetime.date) -> list[Found]:
    return _silent(rule, today, age_under=None)


@detector(Check.YOUNG_SILENT)
def young_silent(rule: Rule, today: datetime.date) -> list[Found]:
    return _silent(rule, today, age_under=rule.age_under or 35)


def _missing(rule: Rule, today: datetime.date, periods: list[list[str]], kinds,
             needed: list[int] | None = None) -> list[Found]:
    """Cells where at least `threshold` of `periods` (each a list of months) had fewer meetings of `kinds` than
    `needed` for that period (one when not given); months before a cell started do not count."""
    months = [month for group in periods for month in group]
    needed = needed or [1] * len(periods)
    held = _cell_counters(months, [f"meetings.{kind}" for kind in kinds])
    found = []
    for unit_id, active_from in _cells().items():
        started = active_from.strftime("%Y-%m") if active_from else ""
        counts = held.get(unit_id, {})
        missing = [group[0] if len(group) == 1 else f"{group[0]}…{group[-1]}"
                   for group, wanted in zip(periods, needed, strict=True)
                   if group[-1] >= started and sum(sum(counts.get(month, {}).values()) for month in group) < wanted]
        if len(missing) >= max(rule.threshold, 1):
            found.append(Found(unit_id, figures={"count": len(missing)}, evidence={"missing": missing}))
    return found


@detector(Check.MEETINGS_MISSING)
def meetings_missing(rule: Rule, today: datetime.date) -> list[Found]:
    """Cells with at least `threshold` of the last `period` ended months without a regular meeting."""
    return _missing(rule, today, [[month] for month in months_back(today, rule.period or 3, include_current=False)],
                    REGULAR_KINDS)


@detector(Check.NO_THEMATIC)
def no_thematic(rule: Rule, today: datetime.date) -> list[Found]:
    """Cells with at least `threshold` of the last `period` ended quarters with fewer thematic sessions than the
    meeting rules in force at each quarter's end ask (MeetingRules.thematic_per_quarter)."""
    first_month_of_quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    quarters = [months_back(add_months(first_month_of_quarter, -3 * step), 3, include_current=False)
                for step in reversed(range(rule.period or 1))]
    book = RulesBook([])
    needed = [book.rules_on(quarter_end(int(group[-1][:4]), (int(group[-1][5:]) - 1) // 3 + 1)).thematic_per_quarter
              for group in quarters]
    return _missing(rule, today, quarters, THEMATIC_KINDS, needed)


@detector(Check.MEETINGS_SHORT)
def meetings_short(rule: Rule, today: datetime.date) -> list[Found]:
    """Cells with at least `threshold` meetings in the last `period` months shorter than their minimum length: the
    meeting rules of each meeting's day, or the lower minimum a committee above set for small cells."""
    book = RulesBook.for_installation()
    rows = (Meeting.objects.filter(starts_at__gte=start_of(add_months(today, -(rule.period or 3))),
                                   ends_at__lt=start_of(today + datetime.timedelta(days=1)))
            .order_by("starts_at").only("pk", "unit_id", "kind", "starts_at", "ends_at")
            .annotate(cell_path=F("unit__path")))
    if book.by_size:
        rows = rows.annotate(roll_size=Count("attendance"))
    short = [(meeting.unit_id, meeting.pk) for meeting in rows.iterator(chunk_size=5000)
             if meeting.minutes_long < book.minimum(meeting, cell_path=meeting.cell_path,
                                                    roll_size=getattr(meeting, "roll_size", None)).minutes]
    return _grouped(short, "meetings", threshold=rule.threshold)


# --- reviews ---------------------------------------------------------------------------------------------------


@detector(Check.REVIEWS_LATE)
def reviews_late(rule: Rule, today: datetime.date) -> list[Found]:
    """Units with at least `threshold` member reviews not submitted `period` days after an open cycle's due date."""
    cycles = Cycle.objects.filter(status=CycleStatus.OPEN,
                                  self_review_due__lt=today - datetime.timedelta(days=rule.period or 0))
    rows = (Review.objects.filter(cycle__in=cycles, member__isnull=False,
                                  status__in=(ReviewStatus.EXPECTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED))
            .order_by("pk").values_list("unit_id", "cycle_id", "pk"))
    return _grouped(rows, "reviews", threshold=rule.threshold, key=lambda row: (row[0], f"cycle:{row[1]}", None))


@detector(Check.FORMALISM)
def formalism(rule: Rule, today: datetime.date) -> list[Found]:
    """Units with at least `threshold` submitted reviews of an open cycle carrying formalism signals."""
    rows = (Review.objects.filter(cycle__status=CycleStatus.OPEN, status=ReviewStatus.SUBMITTED)
            .exclude(Q(signals=[]) | Q(signals__isnull=True)).order_by("pk").values_list("unit_id", "cycle_id", "pk"))
    return _grouped(rows, "reviews", threshold=rule.threshold, key=lambda row: (row[0], f"cycle:{row[1]}", None))


# --- directives ------------------------------------------------------------------------------------------------


@detector(Check.DIRECTIVE_UNACKNOWLEDGED)
def directive_unacknowledged(rule: Rule, today: datetime.date) -> list[Found]:
    """Units with at least `threshold` directives issued to them more than `period` days ago and not acknowledged."""
    rows = (Receipt.objects.filter(acknowledged_at__isnull=True, directive__status=DirectiveStatus.ISSUED,
                                   directive__issued_on__lt=today - datetime.timedelta(days=rule.period or 0))
            .order_by("directive__issued_on", "pk").values_list("unit_id", "directive_id"))
    return _grouped(rows, "directives", threshold=rule.threshold)


@detector(Check.DIRECTIVE_UNREPORTED)
def directive_unreported(rule: Rule, today: datetime.date) -> list[Found]:
    """Units with at least `threshold` reports on directives due more than `period` days ago and not filed (no
    report on any key task for that reporting date)."""
    periods = ReportingPeriod.objects.filter(directive__status=DirectiveStatus.ISSUED,
                                             due_on__lt=today - datetime.timedelta(days=rule.period or 0))
    rows = []
    for period_id, directive_id in periods.order_by("due_on", "pk").values_list("pk", "directive_id"):
        filed = Report.objects.filter(period_id=period_id).values("receipt_id")
        rows += [(unit_id, period_id) for unit_id in Receipt.objects.filter(directive_id=directive_id)
                 .exclude(pk__in=filed).values_list("unit_id", flat=True)]
    return _grouped(rows, "periods", threshold=rule.threshold)



# --- party dues ------------------------------------------------------------------------------------------------


@detector(Check.DUES_UNPAID)
def dues_unpaid(rule: Rule, today: datetime.date) -> list[Found]:
    """Members expected to pay party dues who left at least `threshold` months in a row unpaid among the last
    `period` ended months (only months the cell records and the member owed: docs/domain.md, "Đảng phí"); one
    warning per member, about their current cell."""
    return [Found(unit_id, f"member:{member_id}", member_id, {"count": len(months)},
                  {"members": [member_id], "missing": [month.strftime("%Y-%m") for month in months]})
            for unit_id, member_id, months in unpaid_runs(today, months=rule.period or 12, threshold=rule.threshold)]


# --- meeting quality -------------------------------------------------------------------------------------------


@detector(Check.QUALITY_LOW)
def quality_low(rule: Rule, today: datetime.date) -> list[Found]:
    """Cells whose latest `threshold` regular meetings in a row (of the last `period` months) were assessed below
    fair, fell short of the framework, or were not assessed at all (docs/domain.md, "Meeting quality"). A meeting
    counts once QUALITY_RATING_DAYS have passed since its end: the time the cell has to assess it."""
    threshold = max(rule.threshold, 1)
    rows = (Meeting.objects.filter(kind__in=REGULAR_KINDS,
                                   starts_at__gte=start_of(add_months(today, -(rule.period or 6))),
                                   ends_at__lt=start_of(today) - datetime.timedelta(days=settings.QUALITY_RATING_DAYS))
            .order_by("unit_id", "-starts_at").values_list("unit_id", "pk", "quality__level"))
    latest: dict[int, list[tuple[int, str | None]]] = defaultdict(list)
    for unit_id, pk, level in rows.iterator(chunk_size=5000):
        if len(latest[unit_id]) < threshold:
            latest[unit_id].append((pk, level))
    return [Found(unit_id, "", None, {"count": len(meetings)}, {"meetings": [pk for pk, _level in meetings]})
            for unit_id, meetings in latest.items()
            if len(meetings) >= threshold and all(level is None or level in BELOW_FAIR for _pk, level in meetings)]
