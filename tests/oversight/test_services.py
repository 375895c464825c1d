"""What the inspection services refuse whoever calls them."""

import datetime

import pytest
from django.utils import timezone

from soisua.oversight import services
from soisua.oversight.models import Inspection
from tests.oversight.test_inspections import planned, under_way


@pytest.mark.parametrize("days_after_today", [None, 1], ids=["before_the_period", "in_the_future"])
def test_a_conclusion_dated_before_the_inspection_began_or_after_today_is_refused(cast, days_after_today):
    inspection = under_way(cast)
    date = (inspection.period_start - datetime.timedelta(days=1) if days_after_today is None
            else timezone.localdate() + datetime.timedelta(days=days_after_today))

    with pytest.raises(services.InspectionError) as refusal:
        services.conclude(inspection, number="09-KL/ĐUX", date=date, conclusion="Kết luận",
                          by=cast.users["committee"])

    assert refusal.value.code == "date"
    assert not Inspection.objects.get(pk=inspection.pk).is_concluded


def test_an_inspection_of_a_kind_the_product_does_not_know_is_refused(cast):
    with pytest.raises(services.InspectionError) as refusal:
        planned(cast, kind="secret_investigation")

    assert refusal.value.code == "kind"
    assert not Inspection.objects.exists()
