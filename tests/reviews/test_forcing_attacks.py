"""Facts and forcing conditions as each attacker tries them: another cell's people posting the rating form, a
judged condition of another audience ticked by hand, facts no condition reads, and shares no form would send."""

import pytest
from django.urls import reverse

from soisua.reviews import services
from soisua.reviews.models import Review
from tests.reviews.test_rules_in_force import propose, submitted_member_review


def stored(review) -> tuple:
    review = Review.objects.get(pk=review.pk)
    return review.cell_level, review.forcing, review.facts


@pytest.mark.parametrize("who", ["member", "sibling", "unrelated_staff", "anonymous"])
def test_nobody_but_the_cells_leadership_proposes_a_level_or_records_facts(cast, who):
    review = submitted_member_review(cast)
    before = stored(review)

    response = cast.client(who).post(reverse("reviews:reviews.propose", args=[review.pk]), {
        "level": "not_completed", "comment": "", "fact_tasks_not_completed_percent": "90"})

    assert response.status_code in (302, 403, 404)
    assert stored(review) == before


def test_the_cell_does_not_decide_its_own_proposal(cast):
    review = submitted_member_review(cast)
    propose(cast, review)

    response = cast.client("secretary").post(reverse("reviews:reviews.decide", args=[review.pk]), {
        "level": "excellent", "comment": "Tự quyết"})

    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).decided_level == ""


def test_a_leaders_judged_condition_cannot_be_ticked_on_a_members_review(cast):
    review = submitted_member_review(cast)

    page = cast.client("secretary").post(reverse("reviews:reviews.propose", args=[review.pk]), {
        "level": "good", "comment": "", "forcing": ["leader_socio_economic_targets"]})

    assert page.status_code == 200
    assert stored(review) == ("", [], {})
    with pytest.raises(services.ReviewError):
        services.propose_level(review, level="good", comment="", forcing=["leader_socio_economic_targets"],
                               by=cast.users["secretary"])
    assert stored(review) == ("", [], {})


def test_facts_no_condition_of_the_review_reads_are_not_stored(cast):
    review = submitted_member_review(cast)

    propose(cast, review, led_units_not_completed_percent="90", low_confidence_percent="80", mood="bad")
    services.propose_level(review, level="good", comment="", by=cast.users["secretary"],
                           facts={"led_units_not_completed_percent": 90, "mood": "<b>bad</b>"})

    assert stored(review) == ("good", [], {})


@pytest.mark.parametrize("share", ["1e309", "NaN", "Infinity", "-Infinity", "sNaN", "50,5", "-1", "100.001",
                                   "1" * 400])
def test_a_share_no_form_would_send_is_refused_and_nothing_is_stored(cast, share):
    review = submitted_member_review(cast)

    response = propose(cast, review, tasks_not_completed_percent=share)

    assert response.status_code == 200
    assert stored(review) == ("", [], {})


def test_a_negative_zero_share_is_stored_as_zero(cast):
    review = submitted_member_review(cast)

    propose(cast, review, tasks_not_completed_percent="-0")

    assert stored(review) == ("good", [], {"tasks_not_completed_percent": 0})


@pytest.mark.parametrize("share", ["NaN", "sNaN", "Infinity", "-Infinity", "1e309", float("nan"), float("inf"),
                                   "-1", 101, True, [50], {"a": 1}])
def test_the_service_refuses_a_share_that_is_not_a_number_from_0_to_100(cast, share):
    review = submitted_member_review(cast)

    with pytest.raises(services.ReviewError):
        services.propose_level(review, level="good", comment="", facts={"tasks_not_completed_percent": share},
                               by=cast.users["secretary"])

    assert stored(review) == ("", [], {})


@pytest.mark.parametrize("value", ["severe", "<script>", 3, True])
def test_the_service_refuses_a_form_of_discipline_it_does_not_know(cast, value):
    review = submitted_member_review(cast)

    with pytest.raises(services.ReviewError):
        services.propose_level(review, level="good", comment="", facts={"discipline": value},
                               by=cast.users["secretary"])

    assert stored(review) == ("", [], {})


@pytest.mark.parametrize("value", ["false", "0", "no", 1, "on"])
def test_the_service_takes_only_yes_or_no_for_a_yes_no_fact(cast, value):
    review = submitted_member_review(cast)

    with pytest.raises(services.ReviewError):
        services.propose_level(review, level="good", comment="", facts={"concluded_degradation": value},
                               by=cast.users["secretary"])

    assert stored(review) == ("", [], {})


def test_a_yes_no_fact_unticked_on_the_page_forces_nothing(cast):
    review = submitted_member_review(cast)

    propose(cast, review, concluded_degradation="false")

    assert stored(review) == ("good", [], {})
