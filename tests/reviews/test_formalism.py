"""Near-duplicates: the earlier review's leadership is told once; the signal links to the resembled review for
those who may read it, and only states the fact to others."""

from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org.enums import Role
from soisua.org.services import grant_role
from soisua.reviews import services
from soisua.reviews.models import Review
from tests.factories import UserFactory, complete_review
from tests.reviews.test_cycles import open_for

TEXT = " ".join(["Luôn chấp hành nghiêm chủ trương, đường lối của Đảng, gương mẫu trong công tác chuyên môn được "
                 "giao, tích cực tham gia sinh hoạt chi bộ và các phong trào của thôn"] * 8)
EARLIER = "Trần Thị Bình"
LATER = "Phạm Thị Dung"


def copied_across_cells(cast):
    """The member of Thôn 1 submits first; the member of Thôn 2 submits the same text later."""
    cycle = open_for(cast.commune, enforce_order=False)
    earlier = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"],
                              text=TEXT)
    later = complete_review(Review.objects.get(cycle=cycle, member=cast.members["sibling"]), cast.users["sibling"],
                            text=TEXT)
    return cycle, earlier, later


def test_the_earlier_reviews_leadership_is_told_once(cast):
    _cycle, earlier, later = copied_across_cells(cast)
    services.return_review(later, reason="Viết lại bằng lời của mình", by=cast.users["parent_staff"])
    complete_review(later, cast.users["sibling"], text=TEXT)

    told = Notification.objects.filter(kind="reviews.copied")

    assert [notification.recipient for notification in told] == [cast.users["secretary"]]
    notification = told.get()
    assert notification.title.startswith(f"Một bản kiểm điểm rất giống bản của {EARLIER}")
    assert LATER not in notification.title + notification.body  # the secretary of Thôn 1 may not read it
    assert notification.url == reverse("reviews:reviews.detail", args=[earlier.pk])
    assert [signal["code"] for signal in Review.objects.get(pk=later.pk).signals if signal.get("review")] == [
        "copied_peer"]


def test_the_signal_links_to_the_resembled_review_for_those_who_may_read_it(cast):
    _cycle, earlier, later = copied_across_cells(cast)

    page = cast.client("parent_staff").get(reverse("reviews:reviews.detail", args=[later.pk])).content.decode()

    link = reverse("reviews:reviews.detail", args=[earlier.pk])
    assert f'<a href="{link}">' in page
    assert f"bản kiểm điểm của {EARLIER}" in page


def test_the_signal_states_only_the_fact_to_those_who_may_not_read_the_resembled_review(cast):
    _cycle, earlier, later = copied_across_cells(cast)
    sibling_secretary = UserFactory(username="bithu2")
    grant_role(sibling_secretary, unit=cast.sibling_cell, role=Role.SECRETARY, by=SYSTEM)
    client = cast.client("anonymous")
    client.force_login(sibling_secretary)

    page = client.get(reverse("reviews:reviews.detail", args=[later.pk])).content.decode()

    assert "signals-title" in page
    assert "một bản kiểm điểm khác của cùng tổ chức trong đợt này" in page
    assert EARLIER not in page
    assert reverse("reviews:reviews.detail", args=[earlier.pk]) not in page
