"""A unit's page leads to its Data exchange page everyone who may use it: those who may export the subtree (who may
see the members' personal data: the cell's secretary, the committee, staff, inspectors) as well as administrators,
and nobody else."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(("role", "unit"), [("committee", "commune"), ("inspector", "commune"),
                                            ("parent_staff", "commune"), ("secretary", "cell")])
def test_those_who_may_export_find_the_exchange_page_on_the_unit_page(cast, role, unit):
    unit = getattr(cast, unit)
    client = cast.client(role)
    exchange = reverse("documents:exchange", args=[unit.pk])

    page = client.get(reverse("org:units.detail", args=[unit.pk])).text

    assert f'href="{exchange}"' in page
    assert client.get(exchange).status_code == 200


def test_a_member_is_not_led_to_the_exchange_page(cast):
    exchange = reverse("documents:exchange", args=[cast.cell.pk])

    page = cast.client("member").get(reverse("org:units.detail", args=[cast.cell.pk])).text

    assert f'href="{exchange}"' not in page
    assert cast.client("member").get(exchange).status_code == 403
