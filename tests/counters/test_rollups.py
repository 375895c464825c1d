"""Subtree counters of reviews and corrections: what a write keeps, what a move carries, what a rebuild repairs."""

import datetime

from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.corrections import rollup as corrections_rollup
from soisua.corrections import services as corrections
from soisua.counters import rollups
from soisua.meetings import services as meetings
from soisua.org import services as org_services
from soisua.reviews import rollup as review_rollup
from soisua.reviews import services as reviews
from tests.factories import complete_review, make_member, make_unit
from tests.reviews.test_cycles import open_for


def due_yesterday() -> dict:
    """Self-reviews due yesterday (a review submitted today is late), the later stages in a week."""
    today = timezone.localdate()
    return {"self_review_due": today - datetime.timedelta(days=1), "appraisal_due": today + datetime.timedelta(days=7),
            "decision_due": today + datetime.timedelta(days=7)}


def review_figures(cycle, unit) -> dict:
    return review_rollup.progress(cycle, rollups.figures(unit.pk, [review_rollup.period(cycle)],
                                                         review_rollup.prefix(cycle)))


def planned(cast, *, step_in_days: int, deadline_in_days: int = 60):
    """A member's shortcoming with an approved plan whose one step is due in `step_in_days`."""
    today = timezone.localdate()
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"],
                                                 text="Chậm nộp đảng phí", by=SYSTEM)
    plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                   deadline=today + datetime.timedelta(days=deadline_in_days), by=SYSTEM)
    measure = corrections.add_measure(plan, text="Nộp đúng hạn", supervisor=cast.members["secretary"],
                                      deadline=plan.deadline, by=SYSTEM)
    step = corrections.add_step(measure, what="Nộp biên lai", due=today + datetime.timedelta(days=step_in_days),
                                by=SYSTEM)
    corrections.submit_plan(plan, by=SYSTEM)
    corrections.decide_plan(plan, approve=True, by=SYSTEM)
    return shortcoming, step


def test_a_cycle_counts_its_expected_reviews_at_every_level_and_follows_a_submission(cast):
    cycle = open_for(cast.province, enforce_order=False,
                     **due_yesterday())
    review = cycle.reviews.get(member=cast.members["member"])

    complete_review(review, cast.users["member"])

    assert review_figures(cycle, cast.cell) == {"expected": 3, "drafted": 0, "submitted": 1, "late": 1}
    # Collectives of both communes and three cells, and the four members.
    assert review_figures(cycle, cast.province)["expected"] == 9
    assert rollups.rebuild(["rev."]) == {"rev.": 0}


def test_overdue_corrections_are_read_for_any_day_from_their_due_dates(cast):
    _, step = planned(cast, step_in_days=10)

    def overdue(unit, days: int) -> int:
        day = timezone.localdate() + datetime.timedelta(days=days)
        return corrections_rollup.of_units([unit.pk], day)[unit.pk]["overdue"]

    before = {days: overdue(cast.province, days) for days in (0, 10, 11, 59, 61, 400)}
    corrections.complete_step(step, by=SYSTEM)  # now due on the plan's deadline, in 60 days

    assert before == {0: 0, 10: 0, 11: 1, 59: 1, 61: 1, 400: 1}
    assert {days: overdue(cast.commune, days) for days in (11, 60, 61)} == {11: 0, 60: 0, 61: 1}
    assert rollups.rebuild(["corr."]) == {"corr.": 0}


def test_removing_a_shortcoming_ends_the_recurrence_of_those_repeating_it(cast):
    first = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Chậm nộp đảng phí",
                                           by=SYSTEM)
    corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Chậm nộp đảng phí",
                                   by=SYSTEM)
    before = corrections_rollup.of_units([cast.cell.pk], timezone.localdate())[cast.cell.pk]

    corrections.remove_shortcoming(first, by=SYSTEM)

    assert before["recurring"] == 1
    assert corrections_rollup.of_units([cast.cell.pk], timezone.localdate())[cast.cell.pk] == {
        "open": 1, "verified": 0, "recurring": 0, "overdue": 0}
    assert rollups.rebuild(["corr."]) == {"corr.": 0}


def test_a_cell_moved_from_a_section_straight_under_its_commune_is_counted_once_above(cast):
    section = make_unit(cast.commune, "section", "Đảng bộ bộ phận Thôn")
    cell = make_unit(section, "cell", "Chi bộ Thôn 9")
    member = make_member(cell, "Vũ Thị Hoa")
    starts = timezone.now() - datetime.timedelta(days=3)
    meetings.schedule_meeting(cell, title="Sinh hoạt chi bộ", starts_at=starts,
                              ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
    corrections.record_shortcoming(unit=cell, member=member, text="Chậm nộp đảng phí", by=SYSTEM)

    org_services.move_unit(cell, new_parent=cast.commune, by=SYSTEM)

    month = [rollups.period_of(starts)]
    assert rollups.figures(cast.commune.pk, month, "meetings.") == {"meetings.regular": 1}
    assert rollups.figures(section.pk, month, "meetings.") == {"meetings.regular": 0}
    assert rollups.figures(cell.pk, month, "meetings.") == {"meetings.regular": 1}
    assert corrections_rollup.of_units([cast.province.pk], timezone.localdate())[cast.province.pk]["open"] == 1
    assert set(rollups.rebuild().values()) == {0}


def test_a_decision_and_its_cancellation_move_the_members_level(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(cycle.reviews.get(member=cast.members["member"]), cast.users["member"])
    review = reviews.propose_level(review, level="good", comment="Đồng ý", by=cast.users["secretary"])
    review = reviews.decide_level(review, level="good", by=cast.users["parent_staff"])
    figures = rollups.figures(cast.commune.pk, [review_rollup.period(cycle)], review_rollup.prefix(cycle))

    reviews.cancel_rating(review, reason="Xem xét lại", by=cast.users["parent_staff"])

    after = rollups.figures(cast.commune.pk, [review_rollup.period(cycle)], review_rollup.prefix(cycle))
    assert review_rollup.levels(cycle, figures) == {"good": 1}
    assert review_rollup.levels(cycle, after) == {"good": 0}
    assert review_rollup.progress(cycle, after)["drafted"] == 1
