"""Rule checks compare decided levels (or the cell's proposal where the rule allows it), never a self-proposal;
their numbers read the Vietnamese way."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from soisua.audit.models import AuditEntry
from soisua.reviews import services
from soisua.reviews.models import Review
from soisua.reviews.rating_rules import check_rating
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for

LEVEL_EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
LEVEL_GOOD = "Hoàn thành tốt nhiệm vụ"


def review_of(cycle, member=None, unit=None) -> Review:
    if member is not None:
        return Review.objects.get(cycle=cycle, member=member)
    return Review.objects.get(cycle=cycle, unit=unit, member=None)


def messages_of(review, level, forcing=()):
    with translation.override("vi"):
        return {check.code: check.message for check in check_rating(review, level, forcing=list(forcing))}


def _head_self_proposes_excellent(cast):
    """The collective proposed "good" by the cell; the secretary (the head) self-proposes "excellent"."""
    cycle = open_for(cast.commune)
    secretary = cast.users["secretary"]
    collective = complete_review(review_of(cycle, unit=cast.cell), secretary, level="good", general=25, tasks=55)
    services.propose_level(collective, level="good", comment="", by=secretary)
    head = complete_review(review_of(cycle, cast.members["secretary"]), secretary, level="excellent", general=28,
                           tasks=65)
    return cycle, Review.objects.get(pk=collective.pk), head


def test_the_collective_is_decided_first_without_an_override_whatever_the_head_self_proposed(cast):
    _cycle, collective, head = _head_self_proposes_excellent(cast)

    response = cast.client("parent_staff").post(reverse("reviews:reviews.decide", args=[collective.pk]),
                                                {"level": "good"})

    collective.refresh_from_db()
    assert response.status_code == 302
    assert (collective.decided_level, collective.overrides, collective.override_reason) == ("good", [], "")
    assert not AuditEntry.objects.filter(action="reviews.review.override").exists()
    assert head.self_level == "excellent"


def test_the_head_is_held_to_the_collective_saying_which_level_was_compared(cast):
    _cycle, collective, head = _head_self_proposes_excellent(cast)

    proposed = messages_of(head, "excellent")["head_above_collective"]
    services.decide_level(collective, level="good", by=cast.users["parent_staff"])
    decided = messages_of(head, "excellent")["head_above_collective"]

    assert f"mức chi bộ đề xuất cho tập thể: “{LEVEL_GOOD}”" in proposed
    assert f"mức cấp trên đã quyết định cho tập thể: “{LEVEL_GOOD}”" in decided
    assert "head_above_collective" not in messages_of(head, "good")


def test_the_collective_is_compared_with_the_heads_decision_only(cast):
    _cycle, collective, head = _head_self_proposes_excellent(cast)
    services.propose_level(head, level="excellent", comment="", by=cast.users["parent_staff"])

    before_decision = messages_of(collective, "good")
    services.decide_level(head, level="excellent", override_reason="Thành tích đột xuất",
                          by=cast.users["parent_staff"])
    after_decision = messages_of(collective, "good")

    assert "head_above_collective" not in before_decision
    assert after_decision["head_above_collective"].startswith(
        f"Cấp trên đã quyết định xếp người đứng đầu mức “{LEVEL_EXCELLENT}”")


def _sibling_members(cast, count):
    """Members of the sibling cell, each with a login: [(member, user)]."""
    people = []
    for index in range(count):
        user = UserFactory()
        people.append((make_member(cast.sibling_cell, f"Nguyễn Văn Số {index}", user=user), user))
    return people


def _quota_cycle(cast, *, goods=5, self_excellent=3):
    """A commune at the shipped 20 % quota: `goods` members proposed "good" by their cell, `self_excellent`
    drafts self-proposing "excellent", and the member's review proposed "excellent"."""
    people = _sibling_members(cast, goods + self_excellent)
    second = UserFactory(username="quang")
    make_member(cast.cell, "Đinh Văn Quang", user=second)  # a second "excellent" candidate, written later
    cycle = open_for(cast.commune, enforce_order=False)
    for member, user in people[:goods]:
        review = complete_review(review_of(cycle, member), user, level="good")
        services.propose_level(review, level="good", comment="", by=cast.users["parent_staff"])
    for member, user in people[goods:]:
        complete_review(review_of(cycle, member), user, level="excellent", general=28, tasks=65, submit=False)
    excellent = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="excellent",
                                general=28, tasks=65)
    return cycle, excellent


def test_the_quota_counts_decisions_not_drafts_self_proposals(cast):
    _cycle, excellent = _quota_cycle(cast)

    assert "quota" not in messages_of(excellent, "excellent")


def test_the_quota_message_reads_twenty_percent_in_the_proposal_the_decision_and_the_override(cast):
    cycle, first = _quota_cycle(cast)
    services.propose_level(first, level="excellent", comment="", by=cast.users["secretary"])
    services.decide_level(first, level="excellent", by=cast.users["parent_staff"])
    user = UserFactory._meta.model.objects.get(username="quang")
    second = complete_review(review_of(cycle, user.member), user, level="excellent", general=28, tasks=65)
    secretary, staff = cast.client("secretary"), cast.client("parent_staff")
    expected = (f"Đảng ủy xã Hòa An được xếp tối đa 1 “{LEVEL_EXCELLENT}” (20 % của 5 trường hợp đã được quyết "
                f"định hoặc được chi bộ đề xuất “{LEVEL_GOOD}”); đã quyết định 1 “{LEVEL_EXCELLENT}”, nếu quyết "
                "định thêm sẽ là 2.")

    proposal = secretary.get(reverse("reviews:reviews.propose", args=[second.pk]) + "?level=excellent",
                             HTTP_HX_REQUEST="true").content.decode()
    secretary.post(reverse("reviews:reviews.propose", args=[second.pk]), {"level": "excellent"})
    refused = staff.post(reverse("reviews:reviews.decide", args=[second.pk]), {"level": "excellent"})
    staff.post(reverse("reviews:reviews.decide", args=[second.pk]),
               {"level": "excellent", "override_reason": "Thành tích đột xuất được tỉnh khen thưởng"})
    cycle_page = staff.get(reverse("reviews:cycles.detail", args=[cycle.pk])).content.decode()

    second.refresh_from_db()
    assert expected in proposal
    assert expected in refused.content.decode()
    assert [check["message"] for check in second.overrides] == [expected]
    assert expected in cycle_page
    assert "E+" not in proposal + refused.content.decode() + cycle_page


def test_threshold_messages_print_whole_scores(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], level="good")

    message = messages_of(review, "completed")["threshold"]
    with pytest.raises(services.ReviewError) as error, translation.override("vi"):
        complete_review(review_of(cycle, cast.members["secretary"]), cast.users["secretary"], level="good",
                        general=30, tasks=60)

    assert message.startswith(f"Số điểm 85 thuộc khung “{LEVEL_GOOD}” (từ 70 điểm)")
    assert error.value.messages[0].startswith(f"Tự chấm 90 điểm thuộc khung “{LEVEL_EXCELLENT}”")


def test_a_decided_half_point_reads_with_a_decimal_comma(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = review_of(cycle, cast.members["member"])
    review = services.save_review(review, version=review.version, content=services.ReviewContent(
        self_score_general=Decimal("24.50"), self_score_tasks=Decimal("45.00"), self_level="completed"),
        by=cast.users["member"])

    message = messages_of(review, "good")["threshold"]

    assert message.startswith("Số điểm 69,5 thuộc khung “Hoàn thành nhiệm vụ” (từ 50 điểm)")



def test_the_proposal_page_asks_for_a_level_before_checking_one(cast):
    """A review without a self-proposed level (one kept on paper, say): no level shows as chosen, and the rule
    checks wait for one instead of calling the level unknown."""
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"])
    Review.objects.filter(pk=review.pk).update(self_level="")
    secretary = cast.client("secretary")
    url = reverse("reviews:reviews.propose", args=[review.pk])

    page = secretary.get(url).content.decode()
    unchosen = secretary.post(url, {"level": "", "comment": "Chưa chọn mức"})
    review.refresh_from_db()

    select = page[page.index('name="level"'):page.index("</select>", page.index('name="level"'))]
    assert '<option value="" selected>— chọn —</option>' in select
    assert "Chọn mức để xem mức đó có đúng quy định của đợt kiểm điểm không." in page
    assert "Mức xếp loại không hợp lệ" not in page
    assert unchosen.status_code == 200 and "Trường này là bắt buộc." in unchosen.content.decode()
    assert review.cell_level == ""
