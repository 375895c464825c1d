"""Self-reviews, feedback and ratings through the services and pages: the rules of docs/domain.md ("Review cycles"
to "Ratings")."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.corrections.enums import Source
from soisua.corrections.models import Shortcoming
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.enums import Role
from soisua.reviews import services
from soisua.reviews.models import Feedback, QuotaSetting, Review, RuleSet
from soisua.reviews.rating_rules import check_rating
from soisua.reviews.services import send_review_prompt
from soisua.reviews.services.feedback import announce_feedback, audit_anonymous_feedback
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for

TEXT = "Luôn chấp hành nghiêm chủ trương, đường lối của Đảng, gương mẫu trong công tác chuyên môn được giao"


def review_of(cycle, member=None, unit=None) -> Review:
    if member is not None:
        return Review.objects.get(cycle=cycle, member=member)
    return Review.objects.get(cycle=cycle, unit=unit, member=None)


def submit_cell_in_order(cast, cycle):
    """The collective, then the secretary (the head): what must come before an ordinary member's review."""
    secretary = cast.users["secretary"]
    complete_review(review_of(cycle, unit=cast.cell), secretary, text="Báo cáo kiểm điểm tập thể chi bộ Thôn 1")
    return complete_review(review_of(cycle, cast.members["secretary"]), secretary, text="Bí thư tự kiểm điểm")


def test_submit_before_the_collective_is_refused(cast):
    cycle = open_for(cast.commune)

    with pytest.raises(services.ReviewError) as error:
        complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)

    assert error.value.code == "order"
    assert review_of(cycle, cast.members["member"]).status == "draft"


def test_submit_in_order_locks_the_review(cast):
    cycle = open_for(cast.commune)
    submit_cell_in_order(cast, cycle)

    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)

    assert review.status == "submitted"
    with pytest.raises(services.ReviewError) as error:
        services.save_review(review, version=review.version, content=services.ReviewContent(),
                             by=cast.users["member"])
    assert error.value.code == "submitted"


def test_submit_without_order_when_the_cycle_allows_it(cast):
    cycle = open_for(cast.commune, enforce_order=False)

    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)

    assert review.status == "submitted"


def test_concurrent_edits_do_not_lose_text(cast):
    cycle = open_for(cast.commune)
    review = review_of(cycle, cast.members["member"])
    loaded = review.version
    services.save_review(review, version=loaded, content=services.ReviewContent(answers={"duty_results": "Tab A"}),
                         by=cast.users["member"])

    with pytest.raises(services.StaleReview) as error:
        services.save_review(review, version=loaded, content=services.ReviewContent(
            answers={"duty_results": "Tab B"}), by=cast.users["member"])

    review.refresh_from_db()
    assert review.answers["duty_results"] == "Tab A"
    assert error.value.current_version == review.version


def test_autosave_from_a_stale_tab_shows_the_conflict_and_keeps_the_saved_text(cast):
    cycle = open_for(cast.commune)
    review = review_of(cycle, cast.members["member"])
    client = cast.client("member")
    client.post(reverse("reviews:reviews.autosave", args=[review.pk]),
                {"version": review.version, "a_duty_results": "Tab A"})

    response = client.post(reverse("reviews:reviews.autosave", args=[review.pk]),
                           {"version": review.version, "a_duty_results": "Tab B"})

    review.refresh_from_db()
    assert review.answers["duty_results"] == "Tab A"
    assert "saved elsewhere" in response.content.decode() or "nơi khác" in response.content.decode()


def test_autosave_saves_and_returns_the_new_version(cast):
    cycle = open_for(cast.commune)
    review = review_of(cycle, cast.members["member"])

    response = cast.client("member").post(reverse("reviews:reviews.autosave", args=[review.pk]),
                                          {"version": review.version, "a_duty_results": "Đã lưu"})

    review.refresh_from_db()
    assert review.answers["duty_results"] == "Đã lưu"
    assert f'name="version" value="{review.version}"' in response.content.decode()


def test_oversized_text_is_refused_and_the_form_keeps_it(cast):
    cycle = open_for(cast.commune)
    review = review_of(cycle, cast.members["member"])
    huge = "Rất dài " * 3000

    response = cast.client("member").post(reverse("reviews:reviews.edit", args=[review.pk]),
                                          {"version": review.version, "a_duty_results": huge})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert huge.strip()[:200] in response.content.decode()
    review.refresh_from_db()
    assert review.answers == {}
    with pytest.raises(services.ReviewError) as error:
        services.save_review(review, version=review.version, content=services.ReviewContent(
            answers={"duty_results": huge}), by=cast.users["member"])
    assert error.value.code == "too_long"


def test_script_in_a_review_is_shown_inert(cast):
    cycle = open_for(cast.commune)
    submit_cell_in_order(cast, cycle)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"],
                             text='<script>alert("x")</script><b>đậm</b>')

    page = cast.client("secretary").get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert "<b>đậm</b>" not in page


def test_self_level_outside_the_score_band_is_refused(cast):
    cycle = open_for(cast.commune, enforce_order=False)

    with pytest.raises(services.ReviewError) as error:
        complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good",
                        general=30, tasks=65)  # 95 points: the excellent band

    assert error.value.code == "threshold"


def test_review_point_must_be_answered_before_submitting(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = review_of(cycle, cast.members["member"])
    prompt = send_review_prompt(review, from_unit=cast.commune, text="Làm rõ việc vắng họp tháng 5",
                                by=cast.users["parent_staff"])

    with pytest.raises(services.ReviewError) as error:
        complete_review(review, cast.users["member"], text=TEXT)

    assert error.value.code == "incomplete"
    assert Notification.objects.filter(recipient=cast.users["member"], kind="oversight.prompt").exists()
    review.refresh_from_db()
    services.save_review(review, version=review.version, content=services.ReviewContent(
        prompt_answers={prompt.pk: "Do ốm, có giấy của trạm y tế"}), by=cast.users["member"])
    prompt.refresh_from_db()
    assert prompt.answer == "Do ốm, có giấy của trạm y tế"


def test_return_keeps_the_reason_in_the_history_and_reopens_the_review(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)

    services.return_review(review, reason="Chưa nêu khuyết điểm cụ thể", by=cast.users["secretary"])

    review.refresh_from_db()
    assert review.status == "returned"
    assert review.events.last().reason == "Chưa nêu khuyết điểm cụ thể"
    page = cast.client("member").get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()
    assert "Chưa nêu khuyết điểm cụ thể" in page
    assert Notification.objects.filter(recipient=cast.users["member"], kind="reviews.returned").exists()


# --- ratings -------------------------------------------------------------------------------------------------


def _propose_and_decide(review, cast, level, **decision):
    services.propose_level(review, level=level, comment="", by=cast.users["secretary"])
    return services.decide_level(review, level=level, by=cast.users["parent_staff"], **decision)


def test_head_above_the_collective_is_refused_unless_overridden(cast):
    cycle = open_for(cast.commune)
    secretary = cast.users["secretary"]
    collective = complete_review(review_of(cycle, unit=cast.cell), secretary, level="completed", general=20,
                                 tasks=40)
    _propose_and_decide(collective, cast, "completed")
    head = complete_review(review_of(cycle, cast.members["secretary"]), secretary, level="good")
    services.propose_level(head, level="good", comment="", by=secretary)

    with pytest.raises(services.RuleViolation) as error:
        services.decide_level(head, level="good", by=cast.users["parent_staff"])

    assert [check.code for check in error.value.checks] == ["head_above_collective"]
    assert "366-QĐ/TW" in error.value.messages[0]
    decided = services.decide_level(head, level="good", override_reason="Tập thể bị hạ do lỗi khách quan",
                                    by=cast.users["parent_staff"])
    assert decided.overrides[0]["code"] == "head_above_collective"
    entry = AuditEntry.objects.get(action="reviews.review.override")
    assert entry.changes["reason"] == "Tập thể bị hạ do lỗi khách quan"
    dashboard = cast.client("parent_staff").get(reverse("reviews:cycles.detail", args=[cycle.pk])).content.decode()
    assert "Tập thể bị hạ do lỗi khách quan" in dashboard


def test_quota_of_excellent_fires_per_grassroots_organisation(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    goods = [make_member(cast.sibling_cell, f"Nguyễn Văn {name}") for name in ("An", "Bảo", "Cường", "Duy")]
    cycle = open_for(cast.province, title="Kiểm điểm quý", kind="term", enforce_order=False)
    for member in goods:
        review = review_of(cycle, member)
        user = UserFactory()
        org_services.link_account(member, user=user, by=SYSTEM)
        review = complete_review(review, user, level="good")
        # The quota's base counts the cell's proposals (and decisions), never self-proposals.
        services.propose_level(review, level="good", comment="", by=cast.users["parent_staff"])
    excellent = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="excellent",
                                general=28, tasks=65)

    checks = check_rating(excellent, "excellent", forcing=[])

    assert [check.code for check in checks] == ["quota"]
    assert "Đảng ủy xã Hòa An" in checks[0].message
    QuotaSetting.objects.create(unit=cast.commune, percent=Decimal(25))
    assert check_rating(excellent, "excellent", forcing=[]) == []


def test_excellent_needs_earlier_shortcomings_fixed(cast):
    Shortcoming.objects.create(unit=cast.cell, member=cast.members["member"], text="Chưa đóng đảng phí đúng hạn")
    cycle = open_for(cast.commune, enforce_order=False)
    QuotaSetting.objects.create(unit=cast.commune, percent=Decimal(100), base_level="excellent")
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="excellent",
                             general=28, tasks=65)

    codes = [check.code for check in check_rating(review, "excellent", forcing=[])]

    assert "earlier_fixes" in codes


def test_forcing_condition_forces_the_lowest_level(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good")

    codes = [check.code for check in check_rating(review, "good", forcing=["member_discipline"])]

    assert codes == ["forcing"]
    assert check_rating(review, "not_completed", forcing=["member_discipline"]) == []


def test_decision_outside_the_thresholds_is_refused(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good")
    services.propose_level(review, level="good", comment="", by=cast.users["secretary"])

    with pytest.raises(services.RuleViolation) as error:
        services.decide_level(review, level="completed", reason="Hạ một bậc", by=cast.users["parent_staff"])

    assert [check.code for check in error.value.checks] == ["threshold"]


def test_a_level_other_than_the_cells_needs_a_reason(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good")
    services.propose_level(review, level="good", comment="", by=cast.users["secretary"])

    with pytest.raises(services.ReviewError) as error:
        services.decide_level(review, level="completed", by=cast.users["parent_staff"])

    assert error.value.code == "reason"


@pytest.mark.parametrize(("who", "status"), [("unrelated_staff", 404), ("inspector", 403), ("secretary", 403),
                                             ("member", 403)])
def test_decision_by_someone_outside_the_superior_committee_is_refused(cast, who, status):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good")
    services.propose_level(review, level="good", comment="", by=cast.users["secretary"])

    response = cast.client(who).post(reverse("reviews:reviews.decide", args=[review.pk]), {"level": "good"})

    assert response.status_code == status
    review.refresh_from_db()
    assert review.decided_at is None


def test_a_province_grant_is_not_the_directly_superior_committee(cast):
    provincial = UserFactory()
    org_services.grant_role(provincial, unit=cast.province, role=Role.STAFF, by=SYSTEM)
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good")

    client = Client()
    client.force_login(provincial)

    response = client.get(reverse("reviews:reviews.decide", args=[review.pk]))

    assert response.status_code == 403


def test_closed_cycle_keeps_its_rules_after_the_rule_set_is_edited(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good")
    _propose_and_decide(review, cast, "good")
    services.close_cycle(cycle, by=cast.users["committee"])
    shipped = RuleSet.objects.get(code="2025.2")
    before = list(shipped.levels.values_list("code", "min_score"))

    copy = services.copy_rule_set(shipped, code="2027", name="Quy định 2027", by=SYSTEM)
    services.update_thresholds(copy, minimum_scores={"excellent": 95, "good": 80, "completed": 60,
                                                     "not_completed": 0}, quota_percent=Decimal(15), by=SYSTEM)
    services.publish_rule_set(copy, by=SYSTEM)

    cycle.refresh_from_db()
    assert cycle.rule_set == shipped
    assert list(cycle.rule_set.levels.values_list("code", "min_score")) == before
    review = Review.objects.get(pk=review.pk)
    assert review.decided_level == "good"
    with pytest.raises(services.RuleSetError):
        services.update_thresholds(shipped, minimum_scores={"good": 60}, quota_percent=Decimal(20), by=SYSTEM)
    with pytest.raises(services.ReviewError) as error:
        services.cancel_rating(review, reason="Làm lại", by=cast.users["parent_staff"])
    assert error.value.code == "closed"


# --- feedback and anonymity ----------------------------------------------------------------------------------


def _colleagues(cast, count):
    people = []
    for index in range(count):
        user = UserFactory(username=f"dongchi{index}")
        make_member(cast.cell, f"Đồng Chí Số {['Một', 'Hai', 'Ba', 'Bốn'][index]}", user=user)
        people.append(user)
    return people


def _feedback_cycle(cast, anonymity):
    colleagues = _colleagues(cast, 3)
    cycle = open_for(cast.commune, enforce_order=False, anonymity=anonymity)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)
    return review, colleagues


def _give(review, cast, user, text):
    return services.give_feedback(review=review, from_unit=cast.cell, kind="shortcoming", text=text, by=user)


def test_full_anonymity_stores_no_author_and_withholds_below_three_people(cast):
    review, colleagues = _feedback_cycle(cast, "anonymous")
    _give(review, cast, colleagues[0], "Góp ý thứ nhất về tác phong")
    _give(review, cast, colleagues[1], "Góp ý thứ hai về kỷ luật")

    page = cast.client("member").get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()
    api = json.loads(cast.client("member").get(f"/api/reviews/{review.pk}/feedback").content)

    assert Feedback.objects.filter(review=review, author__isnull=False).count() == 0
    assert "Góp ý thứ nhất" not in page
    assert api == {"withheld": True, "items": []}
    assert not Notification.objects.filter(recipient=cast.users["member"], kind="reviews.feedback").exists()


def test_full_anonymity_hides_the_author_in_every_channel(cast, admin_user):
    review, colleagues = _feedback_cycle(cast, "anonymous")
    for index, user in enumerate(colleagues):
        _give(review, cast, user, f"Góp ý số {index} về tinh thần tự phê bình")
    names = ["Đồng Chí Số Một", "Đồng Chí Số Hai", "Đồng Chí Số Ba", "dongchi0", "dongchi1", "dongchi2"]
    admin = Client()
    admin.force_login(admin_user)

    for client in (cast.client("member"), cast.client("secretary"), cast.client("parent_staff"), admin):
        page = client.get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()
        api = client.get(f"/api/reviews/{review.pk}/feedback").content.decode()
        assert "Góp ý số 0" in page
        assert all(name not in page for name in names)
        assert all(name not in api for name in names)
        assert all(item["author"] is None for item in json.loads(api)["items"])
    assert not AuditEntry.objects.filter(action="reviews.feedback.give").exists()  # nothing dated to the minute
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert audit_anonymous_feedback() == 3
        assert announce_feedback() == 1
    audit = AuditEntry.objects.filter(action="reviews.feedback.give")
    assert audit.count() == 3
    assert all(entry.at.astimezone(timezone.get_current_timezone()).time() == datetime.time() for entry in audit)
    assert all(entry.actor_id is None and entry.actor_label == "" for entry in audit)
    assert all(str(user.pk) not in json.dumps(entry.changes) for entry in audit for user in colleagues)
    notification = Notification.objects.get(recipient=cast.users["member"], kind="reviews.feedback")
    assert all(name not in notification.title + notification.body for name in names)


def test_anonymous_to_the_person_shows_the_author_to_the_secretary_only(cast):
    review, colleagues = _feedback_cycle(cast, "secretary")
    _give(review, cast, colleagues[0], "Cần đúng giờ hơn")

    secretary_page = cast.client("secretary").get(reverse("reviews:reviews.detail", args=[review.pk])).content
    member_page = cast.client("member").get(reverse("reviews:reviews.detail", args=[review.pk])).content
    member_api = json.loads(cast.client("member").get(f"/api/reviews/{review.pk}/feedback").content)

    assert "Đồng Chí Số Một" in secretary_page.decode()
    assert "Đồng Chí Số Một" not in member_page.decode()
    assert member_api["items"][0]["author"] is None
    assert AuditEntry.objects.get(action="reviews.feedback.give").actor_id is None


def test_named_feedback_shows_the_author(cast):
    review, colleagues = _feedback_cycle(cast, "named")
    _give(review, cast, colleagues[0], "Cần đúng giờ hơn")

    api = json.loads(cast.client("member").get(f"/api/reviews/{review.pk}/feedback").content)

    assert api["items"][0]["author"] == "Đồng Chí Số Một"


def test_accepted_feedback_becomes_a_shortcoming_and_a_dispute_needs_a_reason(cast):
    review, colleagues = _feedback_cycle(cast, "named")
    accepted = _give(review, cast, colleagues[0], "Chưa gương mẫu trong sinh hoạt")
    disputed = _give(review, cast, colleagues[1], "Hay đi muộn")

    services.respond_to_feedback(accepted, accept=True, by=cast.users["member"])
    with pytest.raises(services.ReviewError):
        services.respond_to_feedback(disputed, accept=False, reason="", by=cast.users["member"])
    services.respond_to_feedback(disputed, accept=False, reason="Có giấy phép đi công tác", by=cast.users["member"])

    shortcoming = Shortcoming.objects.get(source=Source.FEEDBACK)
    assert shortcoming.member == cast.members["member"]
    assert shortcoming.text == "Chưa gương mẫu trong sinh hoạt"
    disputed.refresh_from_db()
    assert (disputed.response, disputed.response_reason) == ("disputed", "Có giấy phép đi công tác")


def test_feedback_on_ones_own_review_is_refused(cast):
    review, _ = _feedback_cycle(cast, "named")

    response = cast.client("member").post(reverse("reviews:feedback.create", args=[review.pk]),
                                          {"kind": "strength", "text": "Tôi rất tốt"})

    assert response.status_code == 403
    assert not Feedback.objects.exists()


# --- formalism -----------------------------------------------------------------------------------------------


def test_copied_review_and_empty_shortcomings_are_signalled(cast):
    colleague = _colleagues(cast, 1)[0]
    cycle = open_for(cast.commune, enforce_order=False)
    long_text = " ".join([TEXT] * 8)
    first = complete_review(review_of(cycle, cast.members["secretary"]), cast.users["secretary"], text=long_text)
    services.add_review_shortcoming(review_of(cycle, colleague.member), text="Không có khuyết điểm",
                                    cause="subjective", by=colleague)

    second = complete_review(review_of(cycle, colleague.member), colleague, text=long_text)

    codes = {signal["code"] for signal in second.signals}
    assert codes == {"copied_peer", "no_shortcomings"}
    assert next(signal for signal in second.signals if signal["code"] == "copied_peer")["review"] == first.pk
    page = cast.client("secretary").get(reverse("reviews:reviews.detail", args=[second.pk])).content.decode()
    assert "Lê Văn Cường" in page
    member_page = cast.client("member").get(reverse("reviews:reviews.detail", args=[second.pk])).content.decode()
    assert "signals-title" not in member_page


def test_review_close_to_a_known_template_is_signalled(cast):
    template = " ".join([TEXT, "trong năm qua bản thân luôn hoàn thành tốt nhiệm vụ được giao"] * 6)
    services.add_template_text(title="Mẫu bán trên mạng", text=template, by=SYSTEM)
    cycle = open_for(cast.commune, enforce_order=False)

    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=template)

    signal = next(signal for signal in review.signals if signal["code"] == "template")
    assert signal["title"] == "Mẫu bán trên mạng"
    assert signal["similarity"] >= 0.8


def test_no_one_appraises_or_decides_their_own_review(cast):
    org_services.grant_role(cast.users["secretary"], unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)
    cycle = open_for(cast.commune, enforce_order=False)
    own = complete_review(review_of(cycle, cast.members["secretary"]), cast.users["secretary"], level="good")
    client = cast.client("secretary")

    statuses = [client.get(reverse(name, args=[own.pk])).status_code
                for name in ("reviews:reviews.propose", "reviews:reviews.decide", "reviews:reviews.return")]

    assert statuses == [403, 403, 403]


def test_rule_checks_follow_the_level_being_chosen(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good")
    services.propose_level(review, level="good", comment="", by=cast.users["secretary"])
    url = reverse("reviews:reviews.decide", args=[review.pk])
    client = cast.client("parent_staff")

    good = client.get(url + "?level=good", HTTP_HX_REQUEST="true").content.decode()
    excellent = client.get(url + "?level=excellent", HTTP_HX_REQUEST="true").content.decode()

    assert 'id="rule-checks"' in good and "status-ok" in good
    assert "status-bad" in excellent and "366-QĐ/TW" in excellent
    assert "<html" not in excellent
