import datetime

import pytest

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.org import services as org_services
from soisua.org.enums import MemberStatus, PostKind, Role
from soisua.reviews import services
from soisua.reviews.enums import ReviewRank
from soisua.reviews.models import Cycle, Review, RuleSet
from tests.factories import make_member

DATES = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 12, 31),
         "self_review_due": datetime.date(2026, 12, 10), "appraisal_due": datetime.date(2026, 12, 20),
         "decision_due": datetime.date(2026, 12, 31)}


def open_for(unit, *, by=SYSTEM, **changes):
    return services.open_cycle(unit, by=by, **({"title": "Kiểm điểm năm 2026", "kind": "year", **DATES} | changes))


def test_open_cycle_creates_the_expected_reviews_on_the_right_forms(cast):
    probationary = make_member(cast.cell, "Vũ Thị Lan", status=MemberStatus.PROBATIONARY)
    exempt = make_member(cast.cell, "Đinh Văn Tám", status=MemberStatus.EXEMPT)
    retired = make_member(cast.cell, "Hà Văn Hưu", in_political_system=False)

    cycle = open_for(cast.commune)

    reviews = {review.member_id: review for review in cycle.reviews.select_related("form")}
    assert cycle.rule_set == RuleSet.objects.get(code="2025.2")
    assert reviews[None].form.code == "01"
    assert Review.objects.filter(cycle=cycle, member=None).count() == 2  # the commune's two cells
    # Hướng dẫn 43-HD/BTCTW: 2A for leaders and managers, 2B for other members, 2C outside the political system.
    assert reviews[cast.members["secretary"].pk].form.code == "2A"
    assert reviews[cast.members["secretary"].pk].rank == ReviewRank.HEAD
    assert reviews[cast.members["member"].pk].form.code == "2B"
    assert reviews[retired.pk].form.code == "2C"
    assert reviews[probationary.pk].form.code == "2B"  # the annual review has no form of its own for them
    assert exempt.pk not in reviews
    assert cast.members["other"].pk not in reviews  # another commune
    assert AuditEntry.objects.get(action="reviews.cycle.open").changes["excluded"] == [exempt.pk]


def test_a_cycle_under_the_2025_rules_keeps_its_forms(cast):
    probationary = make_member(cast.cell, "Vũ Thị Lan", status=MemberStatus.PROBATIONARY)

    cycle = open_for(cast.commune, rule_set=RuleSet.objects.get(code="2025"))

    reviews = {review.member_id: review.form.code for review in cycle.reviews.select_related("form")}
    assert (reviews[cast.members["secretary"].pk], reviews[cast.members["member"].pk], reviews[probationary.pk]) == (
        "2B", "2A", "DB")


def test_a_quarterly_cycle_evaluates_leaders_only_on_the_quarterly_form(cast):
    cycle = open_for(cast.commune, kind="quarter", title="Đánh giá quý IV năm 2026",
                     period_start=datetime.date(2026, 10, 1))

    reviews = list(cycle.reviews.select_related("form"))
    assert {(review.member_id, review.form.code) for review in reviews} == {(cast.members["secretary"].pk, "05")}
    assert AuditEntry.objects.get(action="reviews.cycle.open").changes["collectives"] == 0


def test_open_cycle_refuses_stages_out_of_order(cast):
    with pytest.raises(services.RuleSetError) as error:
        open_for(cast.commune, appraisal_due=datetime.date(2026, 12, 1))

    assert error.value.code == "stages"
    assert not Cycle.objects.exists()


def test_open_cycle_refuses_an_overlapping_cycle(cast):
    open_for(cast.commune)

    with pytest.raises(services.RuleSetError) as error:
        open_for(cast.commune, title="Lần hai")

    assert error.value.code == "overlap"


def test_cycle_keeps_its_rule_set_when_rules_change(cast):
    shipped = RuleSet.objects.get(code="2025.2")
    cycle = open_for(cast.commune)
    copy = services.copy_rule_set(shipped, code="2026", name="Mới", by=SYSTEM)
    services.update_thresholds(copy, minimum_scores={"excellent": 95}, quota_percent=30, by=SYSTEM)
    services.publish_rule_set(copy, by=SYSTEM)

    services.close_cycle(cycle, by=cast.users["committee"])

    cycle.refresh_from_db()
    assert cycle.rule_set == shipped
    assert cycle.rule_set.levels.get(code="excellent").min_score == 90
    assert open_for(cast.other_commune).rule_set == copy


def test_cycle_page_shows_progress_and_who_has_not_submitted(cast):
    cycle = open_for(cast.commune)

    staff = cast.client("parent_staff").get(f"/reviews/cycles/{cycle.pk}/")
    secretary = cast.client("secretary").get(f"/reviews/cycles/{cycle.pk}/")

    assert "Chi bộ Thôn 1" in staff.text and "Chi bộ Thôn 2" in staff.text
    assert staff.context["progress"]["expected"] == 5  # two collectives and three members
    assert secretary.context["focus"] == cast.cell
    assert "Trần Thị Bình" in secretary.text  # not submitted yet


def test_cycle_page_hidden_from_other_communes(cast):
    cycle = open_for(cast.commune)

    assert cast.client("unrelated_staff").get(f"/reviews/cycles/{cycle.pk}/").status_code == 404


def test_open_cycle_page_lists_excluded_members_and_opens(cast):
    make_member(cast.cell, "Đinh Văn Tám", status=MemberStatus.EXEMPT)
    client = cast.client("parent_staff")

    page = client.get(f"/reviews/units/{cast.commune.pk}/new-cycle/")
    response = client.post(f"/reviews/units/{cast.commune.pk}/new-cycle/", {
        "title": "Kiểm điểm năm 2026", "kind": "year", "period_start": "01/01/2026", "period_end": "31/12/2026",
        "self_review_due": "10/12/2026", "appraisal_due": "20/12/2026", "decision_due": "31/12/2026",
        "rule_set": RuleSet.objects.get(code="2025").pk, "anonymity": "anonymous", "enforce_order": "on"})

    assert "Đinh Văn Tám" in page.text
    cycle = Cycle.objects.get()
    assert response["Location"] == f"/reviews/cycles/{cycle.pk}/"
    assert cycle.anonymity == "anonymous"


def test_secretary_cannot_open_a_cycle(cast):
    org_services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.GROUP_LEADER, by=SYSTEM)

    response = cast.client("secretary").post(f"/reviews/units/{cast.cell.pk}/new-cycle/", {})

    assert response.status_code == 403


def test_committee_member_closes_a_cycle(cast):
    org_services.grant_role(cast.users["inspector"], unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)
    cycle = open_for(cast.commune)

    cast.client("inspector").post(f"/reviews/cycles/{cycle.pk}/close/")

    cycle.refresh_from_db()
    assert cycle.status == "closed"


def test_remind_not_submitted_tells_each_member_once_a_day(cast, django_capture_on_commit_callbacks):
    from django.core import mail

    from soisua.notifications.models import Notification

    cycle = open_for(cast.commune)
    client = cast.client("secretary")

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/remind/", follow=True)
        client.post(f"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/remind/")

    reminded = Notification.objects.filter(kind="reviews.reminder")
    assert sorted(reminded.values_list("recipient__username", flat=True)) == ["member", "secretary"]
    assert "Kiểm điểm năm 2026" in reminded.first().title
    assert len(mail.outbox) == 2
    assert "2" in first.text and 'class="messages"' in first.text


def test_remind_refused_for_a_closed_cycle_and_for_readers(cast):
    from soisua.notifications.models import Notification

    cycle = open_for(cast.commune)
    reader = cast.client("member").post(f"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/remind/")
    services.close_cycle(cycle, by=SYSTEM)

    cast.client("secretary").post(f"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/remind/")

    assert reader.status_code == 403
    assert not Notification.objects.filter(kind="reviews.reminder").exists()
