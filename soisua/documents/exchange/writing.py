"""Writing a subtree as an exchange file: the manifest, the units and the members, as writers.Sheet tables (XLSX, or
a zip of CSV files). The caller decides access first (documents.policy) and passes the user, whose right to see
personal data limits the members listed (org.access personal_data_filter)."""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.core.text import file_name
from soisua.org import access
from soisua.org.enums import MemberStatus, Sex
from soisua.org.models import Member, Unit

from .. import policy
from ..background import ExportKind, register
from ..writers import Column, Sheet
from .format import FORMAT_NAME, FORMAT_VERSION, INFO, INFO_ITEMS, MEMBERS, UNITS, Table

WIDTHS = {"full_name": 28, "name": 36, "email": 26, "value": 30, "item": 20}


def exchange_sheet(table: Table, rows: Iterator[list[Any]], *, widths: dict[str, int], width: int = 16) -> Sheet:
    """A table of an exchange file: the Vietnamese header, the row of machine keys, then the rows; columns as wide as
    `widths` says, else `width`."""
    def with_keys() -> Iterator[list[Any]]:
        yield [column.key for column in table.columns]
        yield from rows

    columns = [Column(column.key, column.header, column.kind, widths.get(column.key, width))
               for column in table.columns]
    return Sheet(table.sheet, columns, with_keys())


def units_of(scope: Unit):
    return Unit.objects.filter(path__startswith=scope.path).select_related("kind", "parent").order_by("path")


def members_of(user, scope: Unit):
    return (Member.objects.filter(cell__path__startswith=scope.path)
            .filter(access.scope_for(user).personal_data_filter())
            .select_related("cell").order_by("cell__path", "sort_key", "pk"))


def exchange_size(user, scope: Unit) -> int:
    return units_of(scope).count() + members_of(user, scope).count()


def _info_rows(scope: Unit) -> Iterator[list[Any]]:
    values = {"format": FORMAT_NAME, "version": str(FORMAT_VERSION), "exported_at": timezone.localtime(),
              "unit_code": scope.code, "unit_name": scope.name}
    for key, item in INFO_ITEMS:
        yield [key, item, values[key]]


def _unit_rows(scope: Unit) -> Iterator[list[Any]]:
    for unit in units_of(scope).iterator(chunk_size=2000):
        yield [unit.code, unit.name, unit.kind.code, unit.parent.code if unit.parent else "", unit.active_from,
               unit.active_until]


def _member_rows(user, scope: Unit) -> Iterator[list[Any]]:
    sexes, statuses = dict(Sex.choices), dict(MemberStatus.choices)
    for member in members_of(user, scope).iterator(chunk_size=2000):
        yield [member.card_number, member.citizen_id, member.full_name, member.date_of_birth,
               str(sexes[member.sex]) if member.sex else "", member.ethnicity, member.admission_date,
               member.official_date, str(statuses[member.status]), member.cell.code, member.phone, member.email]


def exchange_sheets(user, scope: Unit) -> list[Sheet]:
    """The file's tables; labels (sex, status) in the language active when the rows are written (Vietnamese)."""
    return [exchange_sheet(INFO, _info_rows(scope), widths=WIDTHS),
            exchange_sheet(UNITS, _unit_rows(scope), widths=WIDTHS),
            exchange_sheet(MEMBERS, _member_rows(user, scope), widths=WIDTHS)]


def exchange_file_name(scope: Unit) -> str:
    return file_name("Trao doi du lieu", scope.name, timezone.localdate().isoformat())


EXCHANGE_ACTION = "documents.exchange.export"
EXCHANGE = register(ExportKind(
    "documents.exchange", load=lambda user, pk: policy.get_unit_for_exchange(user, pk),
    build=exchange_sheets, title=lambda unit: _("Data exchange file of %(unit)s") % {"unit": unit.name},
    file_name=exchange_file_name, action=EXCHANGE_ACTION, personal=policy.can_export_exchange))
