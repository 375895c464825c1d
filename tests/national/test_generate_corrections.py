"""The generated shortcomings and correction plans stand as the corrections services would have left them."""

import pytest
from django.core.management import call_command

from soisua.corrections import services
from soisua.corrections.enums import PlanStatus, ShortcomingStatus
from soisua.corrections.models import CorrectionPlan, Measure, Shortcoming
from soisua.national.dates import REFERENCE_DAY

TINY = {"provinces": 2, "communes": 3, "cells": 6, "members": 60, "seed": 7, "meetings": 0, "verbosity": 0}


@pytest.fixture
def generated(db):
    call_command("generate_national", **TINY)


def test_generate_corrections_due_dates_are_what_the_services_compute(generated):
    stored = dict(Shortcoming.objects.values_list("pk", "next_due"))

    for plan in CorrectionPlan.objects.filter(status=PlanStatus.APPROVED):
        services.refresh_next_due(plan)

    assert dict(Shortcoming.objects.values_list("pk", "next_due")) == stored
    assert any(due is not None and due < REFERENCE_DAY for due in stored.values())


def test_generate_corrections_shortcomings_stay_open_until_their_plan_is_approved(generated):
    shortcomings = list(Shortcoming.objects.prefetch_related("plans"))

    assert shortcomings
    for shortcoming in shortcomings:
        plans = list(shortcoming.plans.all())
        assert len(plans) <= 1
        approved = plans and plans[0].status == PlanStatus.APPROVED
        assert (shortcoming.status == ShortcomingStatus.OPEN) == (not approved)
        assert shortcoming.fix_by == (plans[0].deadline if approved else None)
        assert (shortcoming.verified_at is not None) == (shortcoming.status == ShortcomingStatus.VERIFIED)
        if shortcoming.status in (ShortcomingStatus.OPEN, ShortcomingStatus.VERIFIED):
            assert shortcoming.next_due is None


def test_generate_corrections_plans_were_submitted_decided_and_supervised_by_someone_else(generated):
    plans = list(CorrectionPlan.objects.prefetch_related("measures__steps"))

    assert {plan.status for plan in plans} == {PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.APPROVED}
    for plan in plans:
        assert [len(measure.steps.all()) >= 2 for measure in plan.measures.all()] == [True]
        assert plan.version == {PlanStatus.DRAFT: 1, PlanStatus.SUBMITTED: 2, PlanStatus.APPROVED: 3}[plan.status]
        assert (plan.submitted_at is None) == (plan.status == PlanStatus.DRAFT)
        assert (plan.decided_at is None) == (plan.status != PlanStatus.APPROVED)
    for measure in Measure.objects.select_related("plan"):
        assert measure.supervisor_id != measure.plan.member_id
