"""Exports of the organisation: the roster (one row generator for XLSX, CSV, Word and PDF) and the profile sheet.

Callers decide access first (org.access) and pass `personal`; these functions never widen what the caller may
see. Personal columns are not even loaded from the database when `personal` is False. Column headers are the
names the roster import recognises, so an exported roster can be edited and uploaded again.
Render the spreadsheets inside `translation.override(user.language)`: headers, labels and titles are translated
when used. The Word and PDF papers (`roster_document`, `member_profile_document`) are filed papers, Vietnamese
whatever the reader's language, and personal papers without a number line (docs/documents.md).
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from soisua.core.errors import DomainError
from soisua.core.text import file_name
from soisua.org import access
from soisua.org.enums import ACTIVE_STATUSES, PostKind
from soisua.org.models import Member, Post, Unit
from soisua.org.queries import ancestors, unit_posts

from .background import ExportKind, register
from .exchange import writing as _exchange  # noqa: F401 - registers the exchange file's background export
from .language import filed_paper
from .rendering import Facts, Header, Heading, Paragraph, PartyDocument, Signature, Table, document_date
from .writers import COUNT, Column, Sheet

# Word and PDF lay every row out on paper, and WeasyPrint needs about 10-20 ms a row on two cores: past this the
# request would time out, and the spreadsheet is the sensible format anyway.
DOCUMENT_ROW_LIMIT = 1000

ROSTER_COLUMNS = [
    Column("number", pgettext_lazy("roster column", "No."), "number", 6),
    Column("full_name", gettext_lazy("Full name"), "text", 28, total=COUNT),
    Column("date_of_birth", gettext_lazy("Date of birth"), "date", 12),
    Column("sex", gettext_lazy("Sex"), "text", 8),
    Column("ethnicity", gettext_lazy("Ethnicity"), "text", 12),
    Column("admission_date", gettext_lazy("Admission date"), "date", 14),
    Column("official_date", gettext_lazy("Date made official"), "date", 14),
    Column("card_number", gettext_lazy("Party card number"), "text", 16),
    Column("citizen_id", gettext_lazy("Citizen ID number"), "text", 16),
    Column("phone", gettext_lazy("Phone"), "text", 14),
    Column("email", gettext_lazy("Email"), "text", 26),
    Column("in_political_system", gettext_lazy("Works in the political system"), "text", 12),
    Column("cell_code", gettext_lazy("Cell code"), "text", 14),
    Column("cell", gettext_lazy("Cell"), "text", 32),
    Column("status", gettext_lazy("Status"), "text", 14),
]
# Column widths on paper, roughly in millimetres at the wide-table type size (they are scaled to the page): dates,
# card, citizen ID and phone numbers fit on one line; names and cells may wrap.
PAPER_WIDTHS = {"number": 9, "full_name": 32, "date_of_birth": 19, "sex": 11, "ethnicity": 13, "admission_date": 19,
                "official_date": 19, "card_number": 17, "citizen_id": 24, "phone": 21, "email": 28, "cell_code": 17,
                "cell": 28, "status": 19, "in_political_system": 16}
# Sensitive personal data, shown only to those who may see it (org.access.can_see_personal_data_in). Ethnicity is
# as sensitive as the citizen ID: a plain member's roster does not list it.
PERSONAL_KEYS = frozenset({"date_of_birth", "ethnicity", "card_number", "citizen_id", "phone", "email"})
_MEMBER_FIELDS = ("full_name", "date_of_birth", "sex", "ethnicity", "admission_date", "official_date", "card_number",
                  "citizen_id", "phone", "email", "status", "in_political_system")

# The signing authority on behalf of the collective ("thay mặt"), by whether the unit is a cell.
AUTHORITY_CELL = "T/M CHI BỘ"
AUTHORITY_CELL_COMMITTEE = "T/M CHI ỦY"
AUTHORITY_COMMITTEE = "T/M ĐẢNG ỦY"
POST_SECRETARY = "BÍ THƯ"


def secretary_name(unit: Unit | None) -> str:
    """The full name of the unit's current secretary, for signature blocks ("" if none)."""
    if unit is None:
        return ""
    return next((post.member.full_name for post in unit_posts(unit) if post.kind == PostKind.SECRETARY), "")


def unit_leadership(unit: Unit) -> tuple[str, str]:
    """(who, authority) of a unit's leadership: a cell with an elected committee signs for the committee, a small
    cell (a secretary only, under 9 official members) for the cell, other units for their party committee."""
    if not unit.kind.holds_members:
        return "ĐẢNG ỦY", AUTHORITY_COMMITTEE
    if Post.objects.filter(unit=unit, kind=PostKind.COMMITTEE_MEMBER, ended_on__isnull=True).exists():
        return "CHI ỦY", AUTHORITY_CELL_COMMITTEE
    return "CHI BỘ", AUTHORITY_CELL
FILING_RECIPIENT = "Lưu"


class ExportTooLarge(DomainError):
    """A list too long to lay out as Word or PDF; the message (translated) points to the spreadsheet."""


def roster_columns(personal: bool) -> list[Column]:
    return [column for column in ROSTER_COLUMNS if personal or column.key not in PERSONAL_KEYS]


def _member_fields(personal: bool) -> list[str]:
    return [name for name in _MEMBER_FIELDS if personal or name not in PERSONAL_KEYS]


def roster_members(unit: Unit, *, personal: bool) -> QuerySet[Member]:
    """Active members of the unit's subtree, cell by cell (tree order), Vietnamese name order within a cell."""
    fields = _member_fields(personal)
    return (Member.objects.filter(cell__path__startswith=unit.path, status__in=ACTIVE_STATUSES)
            .select_related("cell").only(*fields, "sort_key", "cell__code", "cell__name", "cell__path")
            .order_by("cell__path", "sort_key", "pk"))


def _labels() -> dict[str, dict[Any, str]]:
    """The words for the coded values of a row, in the active language, looked up once per export: Django's
    get_FOO_display hashes every choice of the field for each call, a third of a long roster's time."""
    return {"sex": {value: str(label) for value, label in Member._meta.get_field("sex").flatchoices},
            "status": {value: str(label) for value, label in Member._meta.get_field("status").flatchoices},
            "in_political_system": {True: _("Yes"), False: _("No")}}


def _roster_values(number: int, member: Member, fields: list[str], labels: dict[str, dict[Any, str]]) -> dict[str, Any]:
    values = {name: getattr(member, name) for name in fields}
    values.update(number=number, sex=labels["sex"].get(member.sex, member.sex),
                  status=labels["status"].get(member.status, member.status),
                  cell_code=member.cell.code, cell=member.cell.name,
                  in_political_system=labels["in_political_system"][bool(member.in_political_system)])
    return values


def roster_rows(unit: Unit, *, personal: bool) -> Iterator[list[Any]]:
    """One list per member in the order of `roster_columns(personal)`; dates stay dates for the writers."""
    columns, fields, labels = roster_columns(personal), _member_fields(personal), _labels()
    members = roster_members(unit, personal=personal).iterator(chunk_size=2000)
    for number, member in enumerate(members, start=1):
        values = _roster_values(number, member, fields, labels)
        yield [values[column.key] for column in columns]


ROSTER_ACTION = "documents.roster.export"


def roster_file_name(unit: Unit) -> str:
    return file_name("Danh sách đảng viên", unit.name)


def profile_file_name(member: Member) -> str:
    return file_name("Lý lịch đảng viên", member.full_name)


def roster_size(unit: Unit) -> int:
    """How many rows the roster of `unit` has: past EXPORT_INLINE_MAX_ROWS it is written in the background."""
    return roster_members(unit, personal=False).count()


def roster_sheet(unit: Unit, *, personal: bool) -> Sheet:
    """The roster as a printable sheet: the unit and the title above, the member count below. Its header row is
    the one the roster import reads (the import stops at the totals row)."""
    scope = [] if unit.kind.holds_members else [
        _("Members of %(unit)s and the units under it") % {"unit": unit.name}]
    return Sheet(unit.code, roster_columns(personal), roster_rows(unit, personal=personal), issuer=unit.name,
                 title=_("List of party members"), scope=scope)


ROSTER = register(ExportKind(
    "documents.roster", load=lambda user, pk: access.get_unit_for_user(user, pk),
    build=lambda user, unit: roster_sheet(unit, personal=access.can_see_personal_data_in(user, unit)),
    title=lambda unit: _("Roster of %(unit)s") % {"unit": unit.name}, file_name=roster_file_name,
    action=ROSTER_ACTION, personal=lambda user, unit: access.can_see_personal_data_in(user, unit)))


# Official documents --------------------------------------------------------------------------------------


def _place(unit: Unit, lineage: list[Unit]) -> str:
    """The unit's place name, or the nearest ancestor's: small units rarely set their own."""
    for candidate in [unit, *reversed(lineage)]:
        if candidate.place:
            return candidate.place
    return ""


def _signature(unit: Unit) -> Signature:
    secretary = next((post.member.full_name for post in unit_posts(unit) if post.kind == PostKind.SECRETARY), "")
    authority = AUTHORITY_CELL if unit.kind.holds_members else AUTHORITY_COMMITTEE
    return Signature(authority=authority, post=POST_SECRETARY, name=secretary)


def _header_and_recipients(unit: Unit, on: datetime.date) -> tuple[Header, list[str]]:
    """The issuing unit under its parent at the top left; the parent first among the recipients."""
    lineage = ancestors(unit)
    superior = lineage[-1].name if lineage else ""
    header = Header(issuer=unit.name, superior=superior, place=_place(unit, lineage), date=on)
    return header, [superior, FILING_RECIPIENT] if superior else [FILING_RECIPIENT]


def _cell(value: Any) -> str:
    if isinstance(value, datetime.date):
        return document_date(value)
    return "" if value is None else str(value)


def roster_document(unit: Unit, *, personal: bool, on: datetime.date | None = None) -> PartyDocument:
    """The roster as an official list in Vietnamese, signed for the unit by its secretary. Raises ExportTooLarge
    (in the reader's language)."""
    count = roster_members(unit, personal=False).count()
    if count > DOCUMENT_ROW_LIMIT:
        raise ExportTooLarge(
            _("The list has %(count)s members, too many for Word or PDF; download the spreadsheet instead.")
            % {"count": count}, code="too_large")
    with filed_paper():
        return _roster_document(unit, personal=personal, count=count, on=on or timezone.localdate())


def _roster_document(unit: Unit, *, personal: bool, count: int, on: datetime.date) -> PartyDocument:
    columns = roster_columns(personal)
    # One cell needs no cell columns; the code column is for spreadsheets and re-import, not for paper.
    hidden = {"cell_code", "cell"} if unit.kind.holds_members else {"cell_code"}
    shown = [index for index, column in enumerate(columns) if column.key not in hidden]
    rows = [[_cell(row[index]) for index in shown] for row in roster_rows(unit, personal=personal)]
    table = Table(columns=[str(columns[index].header) for index in shown], rows=rows,
                  align=tuple("left" if columns[index].kind == "text" else "center" for index in shown),
                  widths=tuple(PAPER_WIDTHS[columns[index].key] for index in shown))
    total = ngettext("Total: %(count)s member as of %(date)s.", "Total: %(count)s members as of %(date)s.",
                     count) % {"count": count, "date": document_date(on)}
    header, recipients = _header_and_recipients(unit, on)
    return PartyDocument(header=header, title=_("LIST OF PARTY MEMBERS"), summary=unit.name,
                         blocks=[table, Paragraph(total)], signature=_signature(unit), recipients=recipients,
                         landscape=len(shown) > 8)


def _profile_facts(member: Member) -> Facts:
    return Facts([
        (_("Full name"), member.full_name),
        (_("Date of birth"), document_date(member.date_of_birth)),
        (_("Sex"), member.get_sex_display()),
        (_("Ethnicity"), member.ethnicity),
        (_("Admission date"), document_date(member.admission_date)),
        (_("Date made official"), document_date(member.official_date)),
        (_("Party card number"), member.card_number),
        (_("Citizen ID number"), member.citizen_id),
        (_("Phone"), member.phone),
        (_("Email"), member.email),
        (_("Cell"), member.cell.name),
        (_("Status"), member.get_status_display()),
        (_("Works in the political system"), _("Yes") if member.in_political_system else _("No")),
    ])


_DATED = ("left", "left", "center", "center")


def _posts_table(member: Member) -> Table:
    posts = member.posts.select_related("unit").order_by("started_on", "pk")
    rows = [[post.get_kind_display(), post.unit.name, document_date(post.started_on), document_date(post.ended_on)]
            for post in posts]
    return Table([_("Post"), _("Unit"), _("From"), _("Until")], rows, align=_DATED, widths=(22, 48, 15, 15))


def _cells_table(member: Member) -> Table:
    memberships = member.memberships.select_related("cell").order_by("started_on", "pk")
    rows = [[membership.cell.name, membership.reason, document_date(membership.started_on),
             document_date(membership.ended_on)] for membership in memberships]
    return Table([_("Cell"), _("Reason"), _("From"), _("Until")], rows, align=_DATED, widths=(45, 25, 15, 15))


def _statuses_table(member: Member) -> Table:
    changes = member.status_changes.order_by("effective_on", "pk")
    rows = [[change.get_status_display(), change.reason, document_date(change.effective_on)] for change in changes]
    return Table([_("Status"), _("Reason"), _("Effective on")], rows, align=_DATED[:3], widths=(25, 58, 17))


def member_profile_document(member: Member, *, on: datetime.date | None = None) -> PartyDocument:
    """A member's profile sheet in Vietnamese: personal facts, posts, cells and statuses over time. Personal data:
    the caller must have checked org.access.can_see_personal_data."""
    on = on or timezone.localdate()
    with filed_paper():
        header, recipients = _header_and_recipients(member.cell, on)
        return PartyDocument(header=header, title=_("PARTY MEMBER PROFILE"), summary=member.full_name,
                             blocks=[_profile_facts(member), Heading(_("Posts")), _posts_table(member),
                                     Heading(_("Cell history")), _cells_table(member),
                                     Heading(_("Status history")), _statuses_table(member)],
                             signature=_signature(member.cell), recipients=recipients)
