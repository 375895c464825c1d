"""Who is expected to pay party dues each month (docs/domain.md, "Đảng phí")."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from soisua.org.enums import MemberStatus

# Official and probationary members owe dues every month. Members exempt from work and activity and suspended
# members may still pay, and their payments are kept, but no month is counted against them; members who left the
# roll are no longer expected and nothing more is recorded for them.
EXPECTED_STATUSES = frozenset({MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY})
MAY_PAY_STATUSES = EXPECTED_STATUSES | {MemberStatus.EXEMPT, MemberStatus.SUSPENDED}



class PaymentChannel(models.TextChoices):
    """How the member paid (Quy định 01-QĐ/TW, 03/02/2026): through the national public service portal, or in cash
    to the cell."""

    CASH = "cash", _("In cash to the cell")
    PORTAL = "portal", _("Through the national public service portal")


# A payment may be recorded ahead of time for at most this many months after the current one.
MONTHS_AHEAD = 12


def month_of(day: datetime.date) -> datetime.date:
    """The first day of `day`'s month: how a payment names the month it pays for."""
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from `first` to `last`, both included (first days of months); empty when first is after last."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def label(month: datetime.date) -> str:
    """"11/2026": how pages, messages and warnings write a month."""
    return f"{month.month:02d}/{month.year}"
