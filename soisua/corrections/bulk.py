"""Rows of shortcomings and correction plans for bulk loads, in the states the services leave them.

A loader that writes corrections without the services builds its rows here from plain values it chose (ids,
owners, texts, dates, where each plan stands): the fields the services derive follow from them as
`submit_plan`, `decide_plan`, `refresh_next_due` and `verify` leave them, and so do the figures each shortcoming
adds to the subtree counters (`counter_figures`, named as `corrections.rollup` names them). A shortcoming is open
until its plan is approved; then it is to be fixed by the plan's deadline and due at the plan's earliest
unfinished step, until it is verified. Rows are dicts keyed by attribute name; the columns left out take the
model's defaults.
"""

import datetime
from collections.abc import Iterable

from . import rollup
from .enums import PlanStatus, ResponsibilityKind, ShortcomingStatus
from .models import CorrectionPlan, Measure, RoadmapStep, Shortcoming

# Which plan a shortcoming is fixed by: the table behind CorrectionPlan.shortcomings.
PlanShortcoming = CorrectionPlan.shortcomings.through

# The tables these rows go to, parents first.
TABLES = (Shortcoming, CorrectionPlan, PlanShortcoming, Measure, RoadmapStep)

# A plan's version counts its saves: created, submitted, then approved or returned.
PLAN_VERSIONS = {PlanStatus.DRAFT: 1, PlanStatus.SUBMITTED: 2, PlanStatus.APPROVED: 3, PlanStatus.RETURNED: 3}
# Where a shortcoming of an approved plan stands until its fix is verified.
BEING_FIXED = (ShortcomingStatus.PLANNED, ShortcomingStatus.IN_PROGRESS, ShortcomingStatus.CLAIMED)


def plan_row(*, id: int, unit_id: int, member_id: int | None, province_id: int, deadline: datetime.date,
             status: PlanStatus, created_at: datetime.datetime, submitted_at: datetime.datetime | None = None,
             decided_at: datetime.datetime | None = None) -> dict:
    """A correction plan of a member (or of the unit's collective when `member_id` is None). A plan past its
    draft was submitted; an approved or returned one was decided."""
    if (submitted_at is None) != (status == PlanStatus.DRAFT):
        raise ValueError("A plan has a submission time once it is past its draft, and only then.")
    if (decided_at is None) != (status not in (PlanStatus.APPROVED, PlanStatus.RETURNED)):
        raise ValueError("A plan has a decision time once it is approved or returned, and only then.")
    return {"id": id, "unit_id": unit_id, "member_id": member_id, "province_id": province_id, "deadline": deadline,
            "status": status, "version": PLAN_VERSIONS[status], "created_at": created_at,
            "submitted_at": submitted_at, "decided_at": decided_at}


def measure_row(*, id: int, plan_id: int, text: str, supervisor_id: int | None, deadline: datetime.date,
                order: int = 0) -> dict:
    return {"id": id, "plan_id": plan_id, "text": text, "supervisor_id": supervisor_id, "deadline": deadline,
            "order": order}


def step_row(*, id: int, measure_id: int, order: int, what: str, due: datetime.date, evidence_expected: str = "",
             done_on: datetime.date | None = None) -> dict:
    """A roadmap step of a measure; `done_on` once it is done."""
    return {"id": id, "measure_id": measure_id, "order": order, "what": what, "due": due,
            "evidence_expected": evidence_expected, "done_on": done_on}


def next_due(plan: dict, steps: Iterable[dict]) -> datetime.date | None:
    """What `refresh_next_due` gives the unverified shortcomings of `plan` with these roadmap steps: the earliest
    unfinished step of an approved plan, else its deadline; nothing before the plan is approved."""
    if plan["status"] != PlanStatus.APPROVED:
        return None
    return min((step["due"] for step in steps if step["done_on"] is None), default=plan["deadline"])


def shortcoming_row(*, id: int, unit_id: int, member_id: int | None, province_id: int, text: str, order: int,
                    source: str, created_at: datetime.datetime, plan: dict | None = None,
                    status: ShortcomingStatus = ShortcomingStatus.OPEN, due: datetime.date | None = None,
                    verified_at: datetime.datetime | None = None) -> dict:
    """A shortcoming named at `created_at`, fixed by `plan` when there is one. Open while the plan is not approved;
    under an approved plan, being fixed (`status` one of BEING_FIXED, due on `due`, the plan's `next_due`) or
    verified at `verified_at` (and then due no more)."""
    row = {"id": id, "unit_id": unit_id, "member_id": member_id, "province_id": province_id, "text": text,
           "order": order, "source": source, "created_at": created_at, "status": status, "fix_by": None,
           "next_due": None, "verified_at": None,
           "responsibility_kind": ResponsibilityKind.INDIVIDUAL if member_id else ResponsibilityKind.COLLECTIVE}
    if plan is None or plan["status"] != PlanStatus.APPROVED:
        if status != ShortcomingStatus.OPEN:
            raise ValueError("A shortcoming stays open until its correction plan is approved.")
        return row
    row["fix_by"] = plan["deadline"]
    if status == ShortcomingStatus.VERIFIED:
        if verified_at is None:
            raise ValueError("A verified shortcoming has the time it was verified.")
        row["verified_at"] = verified_at
    elif status in BEING_FIXED and due is not None:
        row["next_due"] = due
    else:
        raise ValueError("A shortcoming of an approved plan is being fixed to a due date, or verified.")
    return row


def plan_link_row(*, id: int, plan_id: int, shortcoming_id: int) -> dict:
    """`shortcoming_id` is one of the shortcomings `plan_id` fixes."""
    return {"id": id, "correctionplan_id": plan_id, "shortcoming_id": shortcoming_id}


def counter_figures(row: dict) -> dict[tuple[str, str], int]:
    """What a shortcoming row adds to the counters of its unit and every ancestor, by (period, metric)."""
    return rollup.tally_of(status=row["status"], recurring=row.get("recurring_of_id") is not None,
                           next_due=row["next_due"])
