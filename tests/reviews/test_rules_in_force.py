"""The rules of 2025.2 at work: forcing conditions found from the facts recorded on the rating page, a quarterly
evaluation of leaders from opening to decision and into the annual review, and an open cycle moved to newer rules
on request."""

import datetime

import pytest
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.reviews import services
from soisua.reviews.models import Review, RuleSet
from tests.factories import complete_review
from tests.reviews.test_cycles import open_for

NOT_COMPLETED = "Không hoàn thành nhiệm vụ"


def submitted_member_review(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    return complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"],
                           level="good")


def propose(cast, review, **facts):
    data = {"level": "good", "comment": "", **{f"fact_{name}": value for name, value in facts.items()}}
    return cast.client("secretary").post(reverse("reviews:reviews.propose", args=[review.pk]), data)


def test_the_rating_page_asks_for_the_facts_the_conditions_read(cast):
    review = submitted_member_review(cast)

    page = cast.client("secretary").get(reverse("reviews:reviews.propose", args=[review.pk])).content.decode()

    assert 'name="fact_discipline"' in page and 'name="fact_discipline_tied_to_duties"' in page
    assert 'name="fact_tasks_not_completed_percent"' in page
    assert 'name="fact_led_units_not_completed_percent"' not in page  # a leaders' case, and this is a member
    assert 'value="member_example_responsibility"' in page  # judged by the committee: a box to tick


def test_a_reprimand_for_a_duty_violation_forces_the_lowest_level_and_a_lesser_form_does_not(cast):
    review = submitted_member_review(cast)

    propose(cast, review, discipline="none", discipline_tied_to_duties="on")
    review.refresh_from_db()
    assert (review.cell_level, review.forcing) == ("good", [])
    services.cancel_rating(review, reason="Xem lại kỷ luật", by=cast.users["parent_staff"])

    review = complete_review(review, cast.users["member"], level="good")
    propose(cast, review, discipline="reprimand", discipline_tied_to_duties="on")
    review.refresh_from_db()
    assert review.forcing == ["member_discipline"]
    assert review.facts == {"discipline": "reprimand", "discipline_tied_to_duties": True}
    with pytest.raises(services.RuleViolation) as refused:
        services.decide_level(review, level="good", by=cast.users["parent_staff"])
    assert [check.code for check in refused.value.checks] == ["forcing"]
    decided = services.decide_level(review, level="not_completed", reason="Bị khiển trách do vi phạm nhiệm vụ",
                                    facts=review.facts, by=cast.users["parent_staff"])
    assert decided.forcing == ["member_discipline"] and decided.overrides == []


def test_more_than_half_of_the_tasks_not_completed_forces_it_and_exactly_half_does_not(cast):
    review = submitted_member_review(cast)

    services.propose_level(review, level="good", comment="", facts={"tasks_not_completed_percent": 50},
                           by=cast.users["secretary"])
    assert Review.objects.get(pk=review.pk).forcing == []
    services.propose_level(review, level="good", comment="", facts={"tasks_not_completed_percent": "50.5"},
                           by=cast.users["secretary"])
    assert Review.objects.get(pk=review.pk).forcing == ["member_tasks_not_completed_over_half"]


def test_an_impossible_share_is_refused_and_the_form_keeps_what_was_typed(cast):
    review = submitted_member_review(cast)

    response = propose(cast, review, tasks_not_completed_percent="130")

    assert response.status_code == 200
    assert 'value="130"' in response.content.decode()
    assert Review.objects.get(pk=review.pk).cell_level == ""


def test_a_quarterly_evaluation_of_leaders_runs_end_to_end_and_feeds_the_annual_review(cast):
    secretary = cast.members["secretary"]
    quarter = open_for(cast.commune, kind="quarter", title="Đánh giá quý III năm 2026",
                       period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 9, 30),
                       self_review_due=datetime.date(2026, 10, 5), appraisal_due=datetime.date(2026, 10, 10),
                       decision_due=datetime.date(2026, 10, 15))
    review = Review.objects.get(cycle=quarter)
    assert (review.member, review.form.code) == (secretary, "05")

    review = complete_review(review, cast.users["secretary"], level="good")
    services.propose_level(review, level="good", comment="Hoàn thành các sản phẩm của quý",
                           by=cast.users["committee"])
    services.decide_level(review, level="good", by=cast.users["parent_staff"])
    services.close_cycle(quarter, by=cast.users["committee"])
    year = open_for(cast.commune)
    annual = Review.objects.get(cycle=year, member=secretary)

    page = cast.client("secretary").get(reverse("reviews:reviews.edit", args=[annual.pk])).content.decode()

    assert annual.form.code == "2A"
    assert "Đánh giá quý III năm 2026: <strong>Hoàn thành tốt nhiệm vụ</strong>" in page


def test_an_open_cycle_moves_to_the_newer_rules_only_on_request_and_not_after_a_decision(cast):
    old = RuleSet.objects.get(code="2025")
    cycle = open_for(cast.commune, rule_set=old)
    member_review = Review.objects.get(cycle=cycle, member=cast.members["member"])

    services.move_cycle(cycle, RuleSet.objects.get(code="2025.2"), by=SYSTEM)

    member_review.refresh_from_db()
    assert member_review.form.code == "2B"  # by audience: 2025's 2A (members) is 2025.2's 2B
    assert AuditEntry.objects.filter(action="reviews.cycle.move_rules").exists()
    closed = open_for(cast.other_commune, rule_set=old)
    services.close_cycle(closed, by=SYSTEM)
    with pytest.raises(services.RuleSetError) as error:
        services.move_cycle(closed, RuleSet.objects.get(code="2025.2"), by=SYSTEM)
    assert error.value.code == "closed"


def test_the_cycle_page_shows_how_long_a_review_session_lasts(cast):
    cycle = open_for(cast.commune)

    page = cast.client("secretary").get(reverse("reviews:cycles.detail", args=[cycle.pk])).content.decode()

    assert "Thời gian hội nghị kiểm điểm" in page
    assert "Các tập thể, cá nhân: ít nhất 1 ngày (43-HD/BTCTW (31/10/2025), Mục 2, điểm 2.1 d)" in page


def test_the_review_page_says_which_conditions_were_found_to_apply(cast):
    review = submitted_member_review(cast)
    services.propose_level(review, level="not_completed", comment="", by=cast.users["secretary"],
                           facts={"discipline": "warning", "discipline_tied_to_duties": True})

    page = cast.client("member").get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()

    assert f"buộc xếp loại mức “{NOT_COMPLETED}”" in page
    assert "vi phạm liên quan đến hoạt động công vụ bị xử lý kỷ luật từ khiển trách trở lên" in page
