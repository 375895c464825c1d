"""What the directive services refuse whoever calls them, and what they keep right when two people act at once."""

import datetime

import pytest

from soisua.core.actors import SYSTEM
from soisua.counters import rollups
from soisua.directives import services
from soisua.directives.enums import TargetMode, TaskStatus
from soisua.directives.models import Directive, Receipt, Report
from tests.directives.test_directives import ISSUED_ON, draft, figures_at, issued, period, receipt_of, task


def test_a_draft_with_more_reporting_dates_than_allowed_is_refused(cast):
    every_day = [ISSUED_ON + datetime.timedelta(days=day) for day in range(services.MAX_REPORTING_DATES + 1)]

    with pytest.raises(services.DirectiveError) as refusal:
        draft(cast, report_dates=every_day)

    assert refusal.value.code == "too_many_dates"
    assert not Directive.objects.exists()


@pytest.mark.parametrize(("fields", "code"), [({"kind": "XX"}, "kind"), ({"target_mode": "everyone"}, "target_mode")])
def test_a_draft_with_a_kind_or_addressing_the_product_does_not_know_is_refused(cast, fields, code):
    with pytest.raises(services.DirectiveError) as refusal:
        draft(cast, **fields)

    assert refusal.value.code == code
    assert not Directive.objects.exists()


def test_a_report_with_a_status_the_product_does_not_know_is_refused(cast):
    directive = issued(cast)

    with pytest.raises(services.DirectiveError) as refusal:
        services.file_report(receipt_of(directive, cast.cell), key_task=task(directive, 1), period=period(directive),
                             percent=100, status="approved", by=cast.users["secretary"])

    assert refusal.value.code == "status"
    assert not Report.objects.exists()


def test_two_acknowledgements_at_once_count_once(cast):
    directive = issued(cast)
    first, second = receipt_of(directive, cast.cell), receipt_of(directive, cast.cell)  # both loaded before either

    services.acknowledge(first, by=cast.users["secretary"])
    with pytest.raises(services.DirectiveError) as refusal:
        services.acknowledge(second, by=cast.users["member"])

    assert refusal.value.code == "acknowledged"
    assert Receipt.objects.get(pk=first.pk).acknowledged_by == cast.users["secretary"]
    assert figures_at(directive, cast.commune)["acknowledged"] == 1


def test_two_reports_on_the_same_key_task_and_period_keep_one_report_and_one_count(cast):
    directive = issued(cast)
    first, second = receipt_of(directive, cast.cell), receipt_of(directive, cast.cell)

    for receipt, percent, who in ((first, 40, "secretary"), (second, 70, "committee")):
        services.file_report(receipt, key_task=task(directive, 1), period=period(directive), percent=percent,
                             status=TaskStatus.IN_PROGRESS, by=cast.users[who])

    assert Report.objects.get().percent == 70
    figures = figures_at(directive, cast.commune)
    assert figures["tasks"][1] == 35 and figures["reported"] == {str(period(directive).pk): 1}
    assert figures["acknowledged"] == 1
    assert rollups.rebuild(["dir."]) == {"dir.": 0}


def test_chosen_units_beyond_the_issuer_are_refused_and_kinds_reach_only_below_it(cast):
    with pytest.raises(services.DirectiveError) as refusal:
        draft(cast, target_mode=TargetMode.UNITS, target_units=[cast.cell, cast.other_cell])

    by_kind = issued(cast, target_mode=TargetMode.KINDS, target_kinds=[cast.other_cell.kind])

    assert refusal.value.code == "outside"
    assert set(by_kind.receipts.values_list("unit", flat=True)) == {cast.cell.pk, cast.sibling_cell.pk}


def test_a_basis_directive_the_issuer_neither_issued_nor_received_is_refused(cast):
    elsewhere = services.issue(draft(cast, issuer=cast.other_commune, by=SYSTEM, number="09", issuer_symbol="ĐUX"),
                               version=None, by=SYSTEM)
    own_draft = draft(cast, number="10")

    refusals = []
    for cited in (elsewhere, own_draft):
        with pytest.raises(services.DirectiveError) as refusal:
            draft(cast, number="11", basis_directives=[cited])
        refusals.append(refusal.value.code)

    assert refusals == ["basis", "basis"]
    assert not Directive.objects.filter(number="11").exists()
