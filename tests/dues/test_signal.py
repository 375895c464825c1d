"""The early warning on dues: a member with the rule's count of months in a row unpaid raises one warning for the
cell, its secretary is told through the inbox, a second run refreshes it, and paying resolves it."""

import datetime

from django.utils import timezone

from soisua.alerts import services as alerts
from soisua.alerts.defaults import DEFAULT_RULES
from soisua.alerts.enums import AlertStatus, Check
from soisua.alerts.models import Alert
from soisua.core.actors import SYSTEM
from soisua.dues import services
from soisua.dues.enums import add_months, month_of
from soisua.notifications.models import Notification
from tests.factories import make_member

THRESHOLD = DEFAULT_RULES["dues_unpaid"][0]


def months_ago(count: int) -> datetime.date:
    return add_months(month_of(timezone.localdate()), -count)


def behind(cast, unpaid: int):
    """A member of the cell, recorded for a year, who paid every ended month but the last `unpaid` ones."""
    services.start_recording(cast.cell, month=months_ago(12), by=SYSTEM)
    member = make_member(cast.cell, "Quách Văn Nợ", joined_on=months_ago(24))
    for count in range(12, unpaid, -1):
        pay(member, months_ago(count))
    return member


def pay(member, month):
    services.record_payment(member, month=month, amount=20_000, collected_on=timezone.localdate(), by=SYSTEM)


def run():
    return alerts.evaluate(by=SYSTEM, today=timezone.localdate(), checks=[Check.DUES_UNPAID])


def warnings_about(member):
    return list(Alert.objects.filter(kind=Check.DUES_UNPAID, member=member))


def test_months_unpaid_in_a_row_raise_one_warning_for_the_cell_told_to_its_secretary(cast):
    member = behind(cast, THRESHOLD)

    run()
    run()

    [alert] = warnings_about(member)
    assert (alert.unit, alert.owner, alert.status, alert.figures) == (
        cast.cell, cast.cell, AlertStatus.OPEN, {"count": THRESHOLD})
    assert alert.evidence["missing"] == [months_ago(count).strftime("%Y-%m") for count in range(THRESHOLD, 0, -1)]
    assert Notification.objects.filter(recipient=cast.users["secretary"], kind="alerts.raised").count() == 1
    assert not Notification.objects.filter(recipient=cast.users["member"], kind="alerts.raised").exists()


def test_one_month_fewer_raises_nothing(cast):
    member = behind(cast, THRESHOLD - 1)

    run()

    assert warnings_about(member) == []


def test_paying_the_months_owed_resolves_the_warning(cast):
    member = behind(cast, THRESHOLD)
    run()

    pay(member, months_ago(2))
    run()

    [alert] = warnings_about(member)
    assert alert.status == AlertStatus.RESOLVED


def test_months_before_the_cell_began_recording_are_not_counted(cast):
    services.start_recording(cast.cell, month=months_ago(1), by=SYSTEM)
    member = make_member(cast.cell, "Quách Văn Mới", joined_on=months_ago(24))

    run()

    assert warnings_about(member) == []


def test_a_cell_that_does_not_record_dues_raises_nothing(cast):
    member = make_member(cast.cell, "Quách Văn Giấy", joined_on=months_ago(24))

    run()

    assert warnings_about(member) == []
