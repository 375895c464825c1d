"""Administrators are not a unit's directly superior committee, except through an explicit, audited stand-in
with a reason, which the committee hears of."""

from django.test import Client
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org import services
from soisua.org.enums import Role
from soisua.org.models import StandIn
from soisua.reviews import services as review_services
from soisua.reviews.models import Review
from tests.factories import UserFactory, complete_review
from tests.reviews.test_cycles import open_for

REASON = "Đảng ủy xã đang kiện toàn, chưa có ủy viên phụ trách"


def administrator(cast) -> Client:
    admin = UserFactory(username="quantri.tinh")
    services.grant_role(admin, unit=cast.province, role=Role.ADMIN, by=SYSTEM)
    client = Client()
    client.force_login(admin)
    return client


def proposed_review(cast) -> Review:
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"],
                             level="good")
    review_services.propose_level(review, level="good", comment="", by=cast.users["secretary"])
    return review


def test_an_administrator_cannot_decide_without_standing_in(cast):
    client = administrator(cast)
    review = proposed_review(cast)

    response = client.post(reverse("reviews:reviews.decide", args=[review.pk]), {"level": "good"})

    assert response.status_code == 403
    review.refresh_from_db()
    assert review.decided_at is None


def test_standing_in_with_a_reason_lets_the_administrator_decide_and_tells_the_committee(cast):
    client = administrator(cast)
    review = proposed_review(cast)

    stand_in = client.post(reverse("org:units.stand_in", args=[cast.commune.pk]), {"reason": REASON})
    decided = client.post(reverse("reviews:reviews.decide", args=[review.pk]), {"level": "good"})

    assert stand_in.status_code == 302 and decided.status_code == 302
    review.refresh_from_db()
    assert review.decided_level == "good"
    entry = AuditEntry.objects.get(action="org.standin.create")
    assert entry.changes["reason"] == REASON and entry.actor.username == "quantri.tinh"
    notice = Notification.objects.get(recipient=cast.users["parent_staff"], kind="org.standin")
    assert REASON in notice.body


def test_a_stand_in_needs_a_reason_and_keeps_what_was_typed(cast):
    client = administrator(cast)

    response = client.post(reverse("org:units.stand_in", args=[cast.commune.pk]), {"reason": "vì"})

    assert response.status_code == 200
    assert "ít nhất mười ký tự" in response.content.decode()
    assert "vì</textarea>" in response.content.decode()
    assert not StandIn.objects.exists()


def test_a_stand_in_ends_and_the_power_with_it(cast):
    client = administrator(cast)
    review = proposed_review(cast)
    client.post(reverse("org:units.stand_in", args=[cast.commune.pk]), {"reason": REASON})
    record = StandIn.objects.get()

    client.post(reverse("org:units.stand_in.end", args=[cast.commune.pk, record.pk]))
    response = client.post(reverse("reviews:reviews.decide", args=[review.pk]), {"level": "good"})

    assert response.status_code == 403


def test_committee_staff_may_not_stand_in(cast):
    response = cast.client("parent_staff").post(reverse("org:units.stand_in", args=[cast.commune.pk]),
                                                {"reason": REASON})

    assert response.status_code == 403
    assert not StandIn.objects.exists()
