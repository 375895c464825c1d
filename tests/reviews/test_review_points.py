"""Review points sent down by the superior committee: who is told, and the sender's list of what they sent."""

from django.core import mail
from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org.enums import Role
from soisua.org.services import grant_role
from soisua.reviews import services
from soisua.reviews.models import Review, ReviewPrompt
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for

POINT = "Làm rõ việc chi bộ chưa tổ chức sinh hoạt chuyên đề quý III"
MEMBER_POINT = "Làm rõ việc vắng sinh hoạt tháng 5"
ANSWER = "Quý III thôn bận chống bão, chi bộ đã bù vào tháng 10"


def collective(cycle, cast) -> Review:
    return Review.objects.get(cycle=cycle, unit=cast.cell, member=None)


def member_review(cycle, cast) -> Review:
    return Review.objects.get(cycle=cycle, member=cast.members["member"])


def send(cast, review, text):
    response = cast.client("parent_staff").post(reverse("reviews:prompts.create", args=[review.pk]), {"text": text})
    assert response.status_code == 302
    return ReviewPrompt.objects.get(review=review, text=text)


def test_a_point_on_the_collective_review_tells_the_cells_leadership_by_inbox_and_mail(
        cast, django_capture_on_commit_callbacks):
    cycle = open_for(cast.commune)

    with django_capture_on_commit_callbacks(execute=True):
        send(cast, collective(cycle, cast), POINT)

    told = Notification.objects.get(kind="oversight.prompt")
    assert told.recipient == cast.users["secretary"]
    assert told.title == f"Gợi ý kiểm điểm cho báo cáo kiểm điểm tập thể của Chi bộ Thôn 1 trong “{cycle.title}”"
    assert POINT in told.body and "mục IV" in told.body
    assert told.url == reverse("reviews:reviews.edit", args=[collective(cycle, cast).pk])
    assert [message.to for message in mail.outbox] == [[cast.users["secretary"].email]]


def test_a_point_on_a_members_review_tells_the_member_and_the_cells_leadership_once_each(cast):
    committee = UserFactory(username="chiuy")
    make_member(cast.cell, "Đặng Thị Lan", user=committee)
    grant_role(committee, unit=cast.cell, role=Role.COMMITTEE, by=SYSTEM)
    cycle = open_for(cast.commune)
    review = member_review(cycle, cast)

    send(cast, review, MEMBER_POINT)

    told = {notification.recipient.username: notification
            for notification in Notification.objects.filter(kind="oversight.prompt")}
    assert sorted(told) == ["chiuy", "member", "secretary"]
    assert told["member"].url == reverse("reviews:reviews.edit", args=[review.pk])
    assert told["secretary"].title == (f"Gợi ý kiểm điểm cho bản kiểm điểm của Trần Thị Bình trong "
                                       f"“{cycle.title}”")
    assert told["secretary"].url == reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])


def test_the_sender_follows_the_points_sent_from_the_cycle_page(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    unanswered = send(cast, collective(cycle, cast), POINT)
    review = member_review(cycle, cast)
    answered = send(cast, review, MEMBER_POINT)
    services.save_review(review, version=review.version, content=services.ReviewContent(
        prompt_answers={answered.pk: ANSWER}), by=cast.users["member"])
    client = cast.client("parent_staff")
    url = reverse("reviews:cycles.prompts", args=[cycle.pk, cast.commune.pk])

    cycle_page = client.get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.commune.pk])).content.decode()
    detail_page = client.get(reverse("reviews:cycles.detail", args=[cycle.pk])).content.decode()
    while_draft = client.get(url).content.decode()
    review = complete_review(review, cast.users["member"])
    services.propose_level(review, level="good", comment="", by=cast.users["secretary"])
    services.decide_level(review, level="good", by=cast.users["parent_staff"])
    decided = client.get(url).content.decode()

    assert url in cycle_page and url in detail_page
    assert POINT in while_draft and MEMBER_POINT in while_draft
    assert while_draft.count("Chưa trả lời") >= 1 and "Đã trả lời" in while_draft
    assert ANSWER not in while_draft  # a draft's answer stays its author's
    assert "Đã được chấp nhận" in decided
    assert ANSWER in decided
    assert unanswered.answer == ""


def test_the_list_of_points_sent_is_the_committees(cast):
    cycle = open_for(cast.commune)
    url = reverse("reviews:cycles.prompts", args=[cycle.pk, cast.commune.pk])

    statuses = {who: cast.client(who).get(url).status_code
                for who in ("member", "secretary", "sibling", "parent_staff", "unrelated_staff", "inspector")}

    assert statuses == {"member": 404, "secretary": 404, "sibling": 404, "parent_staff": 200,
                        "unrelated_staff": 404, "inspector": 403}
    cell_page = cast.client("secretary").get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk]))
    assert "review-points" not in cell_page.content.decode()
