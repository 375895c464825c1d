"""The payments import page lists its columns with whether each is required: the transaction reference is required of
a payment made through the portal (the default channel), as the check of each row says, not of a cash payment."""

import re

from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.dues import services
from soisua.dues.enums import add_months, month_of


def test_the_reference_column_is_required_for_a_portal_payment(cast):
    services.start_recording(cast.cell, month=add_months(month_of(timezone.localdate()), -3), by=SYSTEM)

    page = cast.client("secretary").get(reverse("dues:import", args=[cast.cell.pk])).content.decode()

    row = re.search(r'<tr><td>[^<]*</td><td lang="vi">Mã giao dịch</td><td>([^<]*)</td></tr>', page)
    assert row is not None and row.group(1) == "khi nộp qua Cổng"
