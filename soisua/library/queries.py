"""Reads of the library; they never refuse anything (the policy module decides who reads what)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from soisua.core.text import fold
from soisua.meetings.enums import AttendanceStatus
from soisua.meetings.models import Attendance, Meeting
from soisua.org.models import PATH_STEP, Member, Unit

from .enums import STUDY_STATUSES
from .models import Bookmark, LibraryDocument, SessionDocument, StudyRecord

PAGE = 20


def at_or_above(path: str) -> list[str]:
    """The paths of a unit and of its ancestors."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def search_text(*parts: str) -> str:
    """What the search reads of a document: its number, title, summary and issuer, folded."""
    return fold(" ".join(part for part in parts if part))


def search(documents: QuerySet[LibraryDocument], *, text: str = "", kind: str = "",
           year: int | None = None) -> QuerySet[LibraryDocument]:
    """Documents whose number, title, summary or issuer hold every word of `text`, ignoring diacritics and case
    ("nghi quyet 57" finds "Nghị quyết số 57-NQ/TW"); of a kind, issued in a year; latest issued first."""
    for word in fold(text).split():
        documents = documents.filter(search_text__contains=word)
    if kind:
        documents = documents.filter(kind=kind)
    if year:
        documents = documents.filter(issued_on__gte=datetime.date(year, 1, 1),
                                     issued_on__lte=datetime.date(year, 12, 31))
    return documents.select_related("unit").order_by("-issued_on", "-pk")


def years_of(documents: QuerySet[LibraryDocument]) -> list[int]:
    return list(documents.annotate(year=ExtractYear("issued_on")).order_by("-year")
                .values_list("year", flat=True).distinct())


def bookmarked_ids(user, documents) -> set[int]:
    ids = [document.pk for document in documents]
    return set(Bookmark.objects.filter(user=user, document_id__in=ids).values_list("document_id", flat=True))


def studied_ids(member: Member | None, documents) -> set[int]:
    if member is None:
        return set()
    ids = [document.pk for document in documents]
    return set(StudyRecord.objects.filter(member=member, document_id__in=ids).values_list("document_id", flat=True))


def saved_by(user, visible: Q) -> QuerySet[Bookmark]:
    """The reader's bookmarks of documents they still read, latest saved first."""
    return (Bookmark.objects.filter(user=user).filter(visible).select_related("document", "document__unit")
            .order_by("-created_at", "-pk"))


def asked_members(document: LibraryDocument) -> QuerySet[Member]:
    """The members asked to study a required document: those of the cells of its subtree who take part in
    activity (enums.STUDY_STATUSES), whatever their cell when it was published."""
    return Member.objects.filter(cell__path__startswith=document.unit.path, status__in=STUDY_STATUSES)


def studies_owed(member: Member) -> QuerySet[LibraryDocument]:
    """The required documents, not withdrawn, published at the member's cell or above, that the member has not
    confirmed studying, the nearest deadline first; none for a member who does not take part in activity."""
    if member.status not in STUDY_STATUSES:
        return LibraryDocument.objects.none()
    return (LibraryDocument.objects.filter(unit__path__in=at_or_above(member.cell.path), required=True,
                                           withdrawn_at__isnull=True)
            .exclude(studies__member=member).order_by("study_due", "pk"))


def study_of(document: LibraryDocument, member: Member | None) -> StudyRecord | None:
    if member is None:
        return None
    return StudyRecord.objects.filter(document=document, member=member).first()


@dataclass
class CellProgress:
    cell: Unit
    asked: int
    studied: int

    @property
    def waiting(self) -> int:
        return self.asked - self.studied

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.asked) if self.asked else 0


@dataclass
class Totals:
    asked: int
    studied: int

    @property
    def waiting(self) -> int:
        return self.asked - self.studied

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.asked) if self.asked else 0


def progress_by_cell(document: LibraryDocument, cells: Q) -> list[CellProgress]:
    """Members asked and members who confirmed, per cell of `cells` (a Q on Unit) with anyone asked: two grouped
    counts and the cells, whatever the number of cells. A confirmation counts in the member's cell of now."""
    asked_members_q = asked_members(document)
    unit_ids = Unit.objects.filter(cells).values("pk")
    asked = dict(asked_members_q.filter(cell_id__in=unit_ids).values("cell_id").annotate(n=Count("pk"))
                 .values_list("cell_id", "n"))
    studied = dict(asked_members_q.filter(cell_id__in=unit_ids, pk__in=StudyRecord.objects.filter(
        document=document).values("member_id")).values("cell_id").annotate(n=Count("pk")).values_list("cell_id", "n"))
    units = Unit.objects.filter(pk__in=list(asked)).order_by("path")
    return [CellProgress(unit, asked[unit.pk], studied.get(unit.pk, 0)) for unit in units]


def totals_of(rows: list[CellProgress]) -> Totals:
    return Totals(sum(row.asked for row in rows), sum(row.studied for row in rows))


@dataclass
class MemberStudy:
    member: Member
    record: StudyRecord | None
    attended: list[Meeting]
    late: bool = False


def cell_study(document: LibraryDocument, cell: Unit) -> list[MemberStudy]:
    """The cell's members asked to study the document, by Vietnamese name order, each with their confirmation
    and the linked sessions they attended (present or late). Three queries whatever the cell's size."""
    members = list(asked_members(document).filter(cell=cell).order_by("sort_key", "pk"))
    records = {record.member_id: record for record in StudyRecord.objects.filter(
        document=document, member_id__in=[member.pk for member in members])}
    attended: dict[int, list[Meeting]] = {}
    lines = (Attendance.objects.filter(
        meeting__unit=cell, member_id__in=[member.pk for member in members],
        status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE],
        meeting_id__in=SessionDocument.objects.filter(document=document).values("meeting_id"))
        .select_related("meeting").order_by("meeting__starts_at"))
    for line in lines:
        attended.setdefault(line.member_id, []).append(line.meeting)
    due = document.study_due
    return [MemberStudy(member, records.get(member.pk), attended.get(member.pk, []),
                        late=bool(due and member.pk in records
                                  and timezone.localtime(records[member.pk].confirmed_at).date() > due))
            for member in members]


def documents_for_cell(unit: Unit) -> QuerySet[LibraryDocument]:
    """The documents that reach a cell (published at it or above) and are not withdrawn: what its sessions may
    study, latest issued first."""
    return (LibraryDocument.objects.filter(unit__path__in=at_or_above(unit.path), withdrawn_at__isnull=True)
            .order_by("-issued_on", "-pk"))


def documents_of_meeting(meeting: Meeting) -> list[SessionDocument]:
    return list(SessionDocument.objects.filter(meeting=meeting).select_related("document")
                .order_by("document__issued_on", "pk"))


def sessions_of(document: LibraryDocument, visible_units: Q) -> list[SessionDocument]:
    """The sessions that studied the document, in cells the reader reads."""
    return list(SessionDocument.objects.filter(document=document).filter(visible_units)
                .select_related("meeting", "meeting__unit").order_by("-meeting__starts_at", "pk"))
