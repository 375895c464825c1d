"""The warnings of a subtree as a spreadsheet (what the page lists, every row)."""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soisua.documents.writers import Column, Sheet
from soisua.org.models import Unit

from . import policy
from .enums import AlertStatus, Check
from .models import Alert

COLUMNS = [
    Column("check", gettext_lazy("Warning"), "text", 34),
    Column("unit", gettext_lazy("Unit"), "text", 34),
    Column("member", gettext_lazy("Member"), "text", 24),
    Column("owner", gettext_lazy("Owner"), "text", 30),
    Column("status", gettext_lazy("Status"), "text", 14),
    Column("count", gettext_lazy("Figure"), "number", 9),
    Column("opened", gettext_lazy("Opened on"), "date", 12),
    Column("times", gettext_lazy("Times opened"), "number", 9),
    Column("note", gettext_lazy("Note"), "text", 40),
]


def rows(alerts, reader) -> Iterator[list[Any]]:
    """One row per warning; its member named only where the reader may read them (policy.named_member)."""
    for alert in alerts.iterator(chunk_size=2000):
        member = policy.named_member(reader, alert)
        yield [alert.get_kind_display(), alert.unit.name, member.full_name if member else "",
               alert.owner.name, alert.get_status_display(), figure(alert),
               timezone.localtime(alert.opened_at).date(), alert.times_opened, alert.acknowledgement]


def sheet(unit: Unit, alerts, reader, *, status: str = "", check: str = "") -> Sheet:
    """The page's list as a printable sheet: the subtree and the filter above, the warnings counted by status
    below."""
    scope = [_("Warnings of %(unit)s and the units under it") % {"unit": unit.name}]
    if status in AlertStatus.values:
        scope.append(_("Status: %(status)s") % {"status": AlertStatus(status).label})
    if check in Check.values:
        scope.append(_("Warning: %(check)s") % {"check": Check(check).label})
    return Sheet(_("Early warnings"), COLUMNS, rows(alerts, reader), issuer=unit.name, title=_("Early warnings"),
                 scope=scope, breakdown="status")


def figure(alert: Alert) -> int | None:
    """The warning's main figure: a count, or the attendance rate."""
    return alert.figures.get("count", alert.figures.get("rate"))
