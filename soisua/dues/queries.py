"""Reads of party dues: each member's standing (months expected, paid, owed), a cell's list by arrears, the
collection sheet of a meeting, this month's figure, and the members whose unpaid months run on (the early
warning). Never refuses anything: the dues policy decides who reads what."""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from soisua.meetings.models import Attendance, Meeting
from soisua.org.models import CellMembership, Member, Unit

from .enums import EXPECTED_STATUSES, MAY_PAY_STATUSES, add_months, month_of, months_between
from .models import DuesBook, Payment

PAGE = 50
CHUNK = 1000  # members read at a time by the early-warning check


@dataclass
class Standing:
    """A member's dues up to a month: what is expected of them (from `start`), what they paid, what they owe."""

    member: Member
    start: datetime.date | None  # the first month expected of them; None when nothing is expected
    through: datetime.date
    paid: set[datetime.date] = field(default_factory=set)
    last_amount: int | None = None

    @property
    def expected(self) -> list[datetime.date]:
        return months_between(self.start, self.through) if self.start else []

    @property
    def owed(self) -> list[datetime.date]:
        return [month for month in self.expected if month not in self.paid]

    @property
    def arrears(self) -> int:
        return len(self.owed)

    @property
    def paid_expected(self) -> int:
        return sum(1 for month in self.expected if month in self.paid)


def book_of(unit: Unit) -> DuesBook | None:
    return DuesBook.objects.filter(unit_id=unit.pk).first()


def first_expected(book: DuesBook | None, member: Member, joined: datetime.date | None) -> datetime.date | None:
    """The later of the month the cell began recording, the member's admission and their joining the cell; None
    when the cell does not record dues or the member is not expected to pay (docs/domain.md, "Đảng phí")."""
    if book is None or member.status not in EXPECTED_STATUSES:
        return None
    return max(month_of(day) for day in (book.starts_on, member.admission_date, joined) if day is not None)


def joined_cells(member_ids: list[int]) -> dict[int, datetime.date]:
    """The day each member joined their present cell."""
    return dict(CellMembership.objects.filter(member_id__in=member_ids, ended_on__isnull=True)
                .values_list("member_id", "started_on"))


def standings(members: Iterable[Member], *, through: datetime.date,
              books: dict[int, DuesBook | None]) -> list[Standing]:
    """Each member's standing through `through`'s month, in the order given: three queries whatever the number of
    members (their cells' books are given)."""
    members = list(members)
    ids = [member.pk for member in members]
    joined = joined_cells(ids)
    through = month_of(through)
    result = [Standing(member, first_expected(books.get(member.cell_id), member, joined.get(member.pk)), through)
              for member in members]
    by_member = {standing.member.pk: standing for standing in result}
    # Newest month first, so the first amount seen is the last one paid.
    for member_id, month, amount in (Payment.objects.filter(member_id__in=ids).order_by("member_id", "-month")
                                     .values_list("member_id", "month", "amount")):
        standing = by_member[member_id]
        standing.paid.add(month)
        if standing.last_amount is None:
            standing.last_amount = amount
    return result


def member_standing(member: Member, today: datetime.date) -> Standing:
    return standings([member], through=today, books={member.cell_id: book_of(member.cell)})[0]


def payments_of(member: Member) -> QuerySet[Payment]:
    """The member's payments, newest month first, with where and by whom each was collected."""
    return (Payment.objects.filter(member=member).select_related("meeting", "collected_by", "unit")
            .order_by("-month", "-pk"))


def expected_members(unit: Unit) -> QuerySet[Member]:
    return Member.objects.filter(cell=unit, status__in=EXPECTED_STATUSES).order_by("sort_key", "pk")


def cell_arrears(unit: Unit, today: datetime.date) -> list[Standing]:
    """The cell's members expected to pay, the most months owed first, then in the Vietnamese order of names."""
    rows = standings(expected_members(unit), through=today, books={unit.pk: book_of(unit)})
    return sorted(rows, key=lambda row: (-row.arrears, row.member.sort_key, row.member.pk))


def month_figure(unit: Unit, today: datetime.date) -> tuple[int, int] | None:
    """(paid, expected) for this month in the cell, or None when the cell does not record dues (or expects nobody).
    One query: the cell page shows it on every cold rendering."""
    month = month_of(today)
    rows = (Member.objects.filter(cell=unit, status__in=EXPECTED_STATUSES)
            .annotate(book_start=Subquery(DuesBook.objects.filter(unit_id=OuterRef("cell_id")).values("starts_on")[:1]),
                      joined=Subquery(CellMembership.objects.filter(member_id=OuterRef("pk"), ended_on__isnull=True)
                                      .values("started_on")[:1]),
                      paid=Exists(Payment.objects.filter(member_id=OuterRef("pk"), month=month)))
            .values_list("book_start", "admission_date", "joined", "paid").order_by())
    expected = [paid for starts_on, admitted, joined, paid in rows if starts_on is not None
                and max(month_of(day) for day in (starts_on, admitted, joined) if day is not None) <= month]
    if not rows or rows[0][0] is None:
        return None
    return sum(expected), len(expected)


@dataclass
class SheetRow:
    """A line of a meeting's collection sheet: the member, the months offered (those owed through the meeting's
    month; for a member who may pay but is not expected, the meeting's month), the amount to prefill."""

    standing: Standing
    months: list[datetime.date]

    @property
    def member(self) -> Member:
        return self.standing.member


def meeting_month(meeting: Meeting) -> datetime.date:
    return month_of(timezone.localtime(meeting.starts_at).date())


def sheet(meeting: Meeting, book: DuesBook | None) -> list[SheetRow]:
    """The roll's members in its order, each with the months they may pay at this meeting."""
    month = meeting_month(meeting)
    members = [line.member for line in Attendance.objects.filter(meeting=meeting).select_related("member")
               .order_by("member__sort_key", "pk")]
    rows = []
    for standing in standings(members, through=month, books={meeting.unit_id: book}):
        if standing.start is not None:
            months = standing.owed
        elif standing.member.status in MAY_PAY_STATUSES and month not in standing.paid:
            months = [month]
        else:
            months = []
        rows.append(SheetRow(standing, months))
    return rows


def paid_months(member_ids: list[int], months: list[datetime.date]) -> dict[int, set[datetime.date]]:
    paid: dict[int, set[datetime.date]] = defaultdict(set)
    for member_id, month in Payment.objects.filter(member_id__in=member_ids, month__in=months).values_list(
            "member_id", "month"):
        paid[member_id].add(month)
    return paid


def unpaid_runs(today: datetime.date, *, months: int, threshold: int) -> list[tuple[int, int, list[datetime.date]]]:
    """(cell id, member id, the months of the run) of the members expected to pay whose longest run of unpaid
    months, among the last `months` ended months counted for them, is at least `threshold` months long: only cells
    that record dues, in the cell the member belongs to now. Two queries for the books and the members, then two
    per thousand members (their joining and their payments in the window)."""
    window = [add_months(month_of(today), -step) for step in range(months, 0, -1)]
    recording = DuesBook.objects.filter(starts_on__lte=window[-1])
    books = dict(recording.values_list("unit_id", "starts_on"))
    if not books:
        return []
    found = []
    rows = (Member.objects.filter(cell__in=recording.values("unit_id"), status__in=EXPECTED_STATUSES)
            .order_by("pk").values_list("pk", "cell_id", "admission_date").iterator(chunk_size=CHUNK))
    while chunk := list(itertools.islice(rows, CHUNK)):
        ids = [pk for pk, _cell, _admitted in chunk]
        joined, paid = joined_cells(ids), paid_months(ids, window)
        for pk, cell_id, admitted in chunk:
            first = max(month_of(day) for day in (books[cell_id], admitted, joined.get(pk)) if day is not None)
            run: list[datetime.date] = []
            longest: list[datetime.date] = []
            for month in window:
                if month >= first and month not in paid[pk]:
                    run = [*run, month]
                    longest = run if len(run) > len(longest) else longest
                else:
                    run = []
            if longest and len(longest) >= max(threshold, 1):
                found.append((cell_id, pk, longest))
    return found
