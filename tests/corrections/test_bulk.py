"""Bulk rows of shortcomings and plans follow the states the services leave them in."""

import datetime

import pytest

from soisua.corrections import bulk
from soisua.corrections.enums import PlanStatus, ShortcomingStatus

MADE = datetime.datetime(2025, 1, 15, 10, tzinfo=datetime.UTC)
OWNER = {"unit_id": 1, "member_id": 2, "province_id": 3}


def plan(status=PlanStatus.APPROVED, deadline=datetime.date(2025, 12, 31)):
    decided = MADE + datetime.timedelta(days=7) if status == PlanStatus.APPROVED else None
    submitted = None if status == PlanStatus.DRAFT else MADE + datetime.timedelta(days=2)
    return bulk.plan_row(id=10, **OWNER, deadline=deadline, status=status, created_at=MADE, submitted_at=submitted,
                         decided_at=decided)


def shortcoming(**values):
    return bulk.shortcoming_row(id=20, **OWNER, text="Đóng đảng phí chưa đúng hạn", order=0, source="self_review",
                                created_at=MADE, **values)


def test_bulk_next_due_is_the_earliest_unfinished_step_else_the_deadline():
    steps = [bulk.step_row(id=number, measure_id=5, order=number, what="Báo cáo", due=datetime.date(2025, month, 1),
                           done_on=datetime.date(2025, month, 1) if done else None)
             for number, (month, done) in enumerate([(3, True), (6, False), (9, False)])]

    assert bulk.next_due(plan(), steps) == datetime.date(2025, 6, 1)
    assert bulk.next_due(plan(), steps[:1]) == datetime.date(2025, 12, 31)
    assert bulk.next_due(plan(PlanStatus.SUBMITTED), steps) is None


def test_bulk_shortcoming_of_an_approved_plan_is_fixed_by_its_deadline():
    planned = shortcoming(plan=plan(), status=ShortcomingStatus.PLANNED, due=datetime.date(2025, 6, 1))
    verified = shortcoming(plan=plan(), status=ShortcomingStatus.VERIFIED, verified_at=MADE,
                           due=datetime.date(2025, 6, 1))

    assert (planned["fix_by"], planned["next_due"]) == (datetime.date(2025, 12, 31), datetime.date(2025, 6, 1))
    assert (verified["fix_by"], verified["next_due"]) == (datetime.date(2025, 12, 31), None)
    assert shortcoming(plan=plan(PlanStatus.DRAFT))["status"] == ShortcomingStatus.OPEN


@pytest.mark.parametrize("values", [
    {"plan": None, "status": ShortcomingStatus.PLANNED, "due": datetime.date(2025, 6, 1)},
    {"plan": "submitted", "status": ShortcomingStatus.IN_PROGRESS, "due": datetime.date(2025, 6, 1)},
    {"plan": "approved", "status": ShortcomingStatus.OPEN},
    {"plan": "approved", "status": ShortcomingStatus.PLANNED},
    {"plan": "approved", "status": ShortcomingStatus.VERIFIED},
], ids=["planned-without-plan", "in-progress-before-approval", "open-after-approval", "planned-without-due",
        "verified-without-time"])
def test_bulk_shortcoming_refuses_a_state_the_services_never_leave(values):
    values["plan"] = values["plan"] and plan(PlanStatus(values["plan"]))

    with pytest.raises(ValueError):
        shortcoming(**values)


def test_bulk_plan_refuses_times_that_do_not_match_its_status():
    with pytest.raises(ValueError):
        bulk.plan_row(id=10, **OWNER, deadline=datetime.date(2025, 12, 31), status=PlanStatus.APPROVED,
                      created_at=MADE, submitted_at=MADE)
