"""Demo party dues: the school cell records its dues from six months back, each month collected at its meeting
(or, in a month without one, paid through the national portal on the fifth), and one member has left the last three
months unpaid, so the member's page, the cell's list and the early warning show arrears (soisua.demo loads it after
the meetings)."""

import datetime

from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.core.demo import on_day
from soisua.meetings.models import Meeting
from soisua.org.models import CellMembership, Member, Unit

from . import services
from .enums import EXPECTED_STATUSES, PaymentChannel, add_months, month_of

MONTHS = 6
BEHIND = 3
AMOUNTS = (30_000, 40_000, 50_000, 60_000)


def load_demo_dues(today: datetime.date) -> None:
    school = Unit.objects.get(code="DL-EK-EKM-MTB")
    this_month = month_of(today)
    first = add_months(this_month, -MONTHS)
    with on_day(first):
        services.start_recording(school, month=first, by=SYSTEM)
    members = list(Member.objects.filter(cell=school, status__in=EXPECTED_STATUSES).order_by("sort_key", "pk"))
    joined = dict(CellMembership.objects.filter(member__in=members, ended_on__isnull=True)
                  .values_list("member_id", "started_on"))
    # The one behind: a member of long standing who is not the secretary (she collects).
    behind = next(member for member in reversed(members) if joined[member.pk] < add_months(first, -12)
                  and not member.posts.filter(ended_on__isnull=True).exists())
    now = timezone.now()
    for step in range(MONTHS + 1):
        month = add_months(first, step)
        meeting = (Meeting.objects.filter(unit=school, starts_at__year=month.year, starts_at__month=month.month,
                                          starts_at__lte=now).order_by("starts_at").first())
        day = timezone.localtime(meeting.starts_at).date() if meeting else month.replace(day=5)
        if day > today:
            continue
        payers = [member for member in members if month_of(max(joined[member.pk], member.admission_date or first))
                  <= month and not (member == behind and month > add_months(this_month, -BEHIND - 1))]
        with on_day(day):
            if meeting is not None:
                services.record_collection(meeting, rows=[
                    services.Collected(member, [month], AMOUNTS[member.pk % len(AMOUNTS)]) for member in payers],
                    by=SYSTEM)
            else:  # paid through the national portal that month, each under the portal's reference
                for member in payers:
                    services.record_payment(member, month=month, amount=AMOUNTS[member.pk % len(AMOUNTS)],
                                            collected_on=day, by=SYSTEM, channel=PaymentChannel.PORTAL,
                                            reference=f"DVC-{month:%Y%m}-{member.pk:05d}")
