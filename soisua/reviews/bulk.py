"""A review cycle and its reviews for bulk loads, in the states the services leave them.

A loader that stands up a cycle at scale (the national generator) opens it here, then writes one row per review
from plain values it chose (who, where each review stands, when it was submitted, the level decided): the fields
the services derive follow from them as `open_cycle`, `save_review`, `submit_review`, `mark_reviewed_on_paper`,
`exclude_review`, `propose_level` and `decide_level` leave them — the form of the reviewed person's audience, the
rank, the version, the proposal that preceded a decision. Rows are dicts keyed by attribute name. The figures each
row adds to the subtree counters are named as the cycle's rollup source names them (`reviews.rollup`), so
`rebuild_rollups` finds no drift.
"""

import datetime
import secrets

from django.utils import timezone

from soisua.org.enums import MemberStatus

from . import rollup
from .enums import Audience, CycleKind, CycleStatus, ReviewRank, ReviewStatus
from .models import Cycle, Review, RuleSet
from .scope import audiences_of, form_for

TABLES = (Review,)

# A review's version counts its saves: created (1), then each save; submitting, proposing and deciding one more
# each. The loader's reviews were saved once before they were submitted.
VERSIONS = {ReviewStatus.EXPECTED: 1, ReviewStatus.DRAFT: 2, ReviewStatus.SUBMITTED: 3, ReviewStatus.RETURNED: 4,
            ReviewStatus.EXCLUDED: 2}


def open_cycle(unit, *, rule_set: RuleSet, title: str, period_start: datetime.date, period_end: datetime.date,
               self_review_due: datetime.date, appraisal_due: datetime.date, decision_due: datetime.date,
               opened_at: datetime.datetime, closed_at: datetime.datetime | None = None) -> Cycle:
    """The cycle row of `unit`'s subtree, as `open_cycle` creates it at `opened_at` (and `close_cycle` closes it
    when `closed_at` is given: its feedback secret erased); its reviews are the loader's to write."""
    if not period_start <= period_end or not self_review_due <= appraisal_due <= decision_due:
        raise ValueError("A cycle's period and stages follow each other.")
    closed = {"status": CycleStatus.CLOSED, "closed_at": closed_at, "feedback_secret": ""} if closed_at else {
        "feedback_secret": secrets.token_hex(32)}
    cycle = Cycle.objects.create(unit=unit, title=title, kind="year", period_start=period_start,
                                 period_end=period_end, self_review_due=self_review_due, appraisal_due=appraisal_due,
                                 decision_due=decision_due, rule_set=rule_set, **closed)
    Cycle.objects.filter(pk=cycle.pk).update(opened_at=opened_at)  # auto_now_add sets it on create only
    cycle.opened_at = opened_at
    return cycle


def forms(rule_set: RuleSet, kind: str = CycleKind.YEAR) -> dict[tuple[str, ...], int]:
    """The form id for each chain of audiences `audiences` returns, in a cycle of `kind` (as `scope.form_for`
    chooses it), plus the collective's under (COLLECTIVE,)."""
    rows = list(rule_set.forms.all())
    chains = [(Audience.COLLECTIVE,), *{audiences(status, rank) for status in MemberStatus.values
                                        for rank in ReviewRank.values}]
    found = {chain: form_for(rows, chain, kind) for chain in chains}
    return {chain: form.pk for chain, form in found.items() if form is not None}


def audiences(status: str, rank: int) -> tuple[str, ...]:
    """`scope.audiences_of` for the generated organisation, whose members all work in the political system."""
    return audiences_of(status, rank)


def review_row(*, id: int, cycle: Cycle, unit_id: int, province_id: int | None, form_id: int, rank: int,
               member_id: int | None = None, status: ReviewStatus = ReviewStatus.EXPECTED,
               submitted_at: datetime.datetime | None = None, paper_on: datetime.date | None = None,
               excluded_reason: str = "", decided_level: str = "", decided_at: datetime.datetime | None = None,
               self_level: str = "") -> dict:
    """One expected review of `cycle` (a member's, or the collective review of `unit_id` without `member_id`).

    Submitted at `submitted_at` (reviewed on paper on `paper_on` for a member without a login: submitted at noon
    that day); excluded with `excluded_reason`; decided at `decided_level` at `decided_at` after the cell proposed
    the same level."""
    if (submitted_at is not None or paper_on is not None) != (status == ReviewStatus.SUBMITTED):
        raise ValueError("A review has a submission time (or a paper's date) once it is submitted, and only then.")
    if (status == ReviewStatus.EXCLUDED) != bool(excluded_reason) or (excluded_reason and member_id is None):
        raise ValueError("Only a member's review is excluded, and always with a reason.")
    if bool(decided_level) != (decided_at is not None) or (decided_level and status != ReviewStatus.SUBMITTED):
        raise ValueError("A submitted review is decided at a level and a time, or not decided at all.")
    if paper_on is not None:
        submitted_at = timezone.make_aware(datetime.datetime.combine(paper_on, datetime.time(12)))
    version = VERSIONS[status] + (2 if decided_level else 0)
    row = {"id": id, "cycle_id": cycle.pk, "unit_id": unit_id, "member_id": member_id, "province_id": province_id,
           "form_id": form_id, "rank": rank, "status": status, "submitted_at": submitted_at, "paper_on": paper_on,
           "excluded_reason": excluded_reason, "version": version, "self_level": self_level,
           "decided_level": decided_level, "decided_at": decided_at}
    if decided_level:
        row.update(cell_level=decided_level, cell_at=decided_at - datetime.timedelta(days=7))
    return row


def counter_figures(cycle: Cycle, row: dict) -> dict[tuple[str, str], int]:
    """What a review row adds to the counters of its unit and every ancestor, by (period, metric)."""
    period = rollup.period(cycle)
    return {(period, metric): value for metric, value in rollup.tally_of(
        cycle, status=row["status"], submitted_at=row["submitted_at"], of_member=row["member_id"] is not None,
        decided_level=row["decided_level"], rated_level=row["decided_level"] or row.get("cell_level", "")).items()}
