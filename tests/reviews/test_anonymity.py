"""Anonymity that holds against insiders and against the data itself: administrators are not a cell's leadership,
thresholds count people other than the reader, the superior committee cannot place a lone author by their cell,
and a database copy plus the installation's secrets cannot link a closed cycle's anonymous items to people."""

import datetime
import hashlib
import hmac
import json

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.enums import Role
from soisua.reviews import services
from soisua.reviews.jobs import audit_and_announce_anonymous_feedback
from soisua.reviews.models import Cycle, Feedback, Review
from soisua.reviews.queries import author_key
from tests.factories import UserFactory, complete_review, make_member
from tests.files import docx_text
from tests.reviews.test_cycles import open_for

TEXT = "Luôn chấp hành nghiêm chủ trương, đường lối của Đảng, gương mẫu trong công tác chuyên môn được giao"
NAMES = ["Đồng Chí Số Một", "Đồng Chí Số Hai", "Đồng Chí Số Ba"]


def colleagues(cast, count=3, cell=None):
    people = []
    for index in range(count):
        user = UserFactory(username=f"dongchi{index}{(cell or cast.cell).pk}")
        make_member(cell or cast.cell, NAMES[index], user=user)
        people.append(user)
    return people


def reviewed_member(cast, anonymity):
    cycle = open_for(cast.commune, enforce_order=False, anonymity=anonymity)
    return complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"],
                           text=TEXT)


def give(review, user, text, cell):
    return services.give_feedback(review=review, from_unit=cell, kind="shortcoming", text=text, by=user)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_does_not_see_authors_under_secretary_anonymity(cast):
    admin = UserFactory(username="quantri")
    org_services.grant_role(admin, unit=cast.province, role=Role.ADMIN, by=SYSTEM)
    review = reviewed_member(cast, "secretary")
    give(review, colleagues(cast, 1)[0], "Cần đúng giờ hơn trong sinh hoạt", cast.cell)

    page = logged_in(admin).get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()
    api = json.loads(logged_in(admin).get(f"/api/reviews/{review.pk}/feedback").content)
    word = logged_in(admin).get(reverse("reviews:reviews.document", args=[review.pk, "docx"]))
    secretary_page = cast.client("secretary").get(reverse("reviews:reviews.detail", args=[review.pk])).content

    assert "Cần đúng giờ hơn" in page and NAMES[0] not in page
    assert api["items"][0]["author"] is None
    word_text = docx_text(b"".join(word.streaming_content) if word.streaming else word.content)
    assert "Cần đúng giờ hơn" in word_text and NAMES[0] not in word_text
    assert NAMES[0] in secretary_page.decode()


def test_the_secretary_does_not_count_towards_the_threshold_she_reads(cast):
    review = reviewed_member(cast, "anonymous")
    secretary = cast.users["secretary"]
    two = colleagues(cast, 2)
    give(review, secretary, "Góp ý của bí thư", cast.cell)
    give(review, two[0], "Góp ý thứ nhất về tác phong", cast.cell)
    give(review, two[1], "Góp ý thứ hai về kỷ luật", cast.cell)

    secretary_page = cast.client("secretary").get(reverse("reviews:reviews.detail", args=[review.pk])).content
    member_page = cast.client("member").get(reverse("reviews:reviews.detail", args=[review.pk])).content

    assert "Góp ý thứ nhất" not in secretary_page.decode()  # only two people other than her
    assert "Góp ý thứ nhất" in member_page.decode()  # three people other than the reviewed member


def test_superior_feedback_under_full_anonymity_names_no_cell(cast):
    cycle = open_for(cast.commune, enforce_order=False, anonymity="anonymous")
    authors = [*colleagues(cast, 2), colleagues(cast, 1, cell=cast.sibling_cell)[0]]
    for index, user in enumerate(authors):
        cell = cast.cell if index < 2 else cast.sibling_cell
        services.give_feedback(superior=cast.commune, from_unit=cell, kind="suggestion",
                               text=f"Ý kiến số {index} gửi Đảng ủy xã", by=user)

    page = cast.client("parent_staff").get(
        reverse("reviews:cycles.unit", args=[cycle.pk, cast.commune.pk])).content.decode()

    assert "Ý kiến số 2" in page
    assert "Chi bộ Thôn 2" not in page.split("Ý kiến số 0")[1]


def test_a_closed_cycle_keeps_no_key_that_links_an_item_to_its_author(cast):
    review = reviewed_member(cast, "anonymous")
    authors = colleagues(cast)
    for index, user in enumerate(authors):
        give(review, user, f"Góp ý số {index}", cast.cell)
    cycle = Cycle.objects.get(pk=review.cycle_id)
    old_scheme = {hmac.new(settings.SECRET_KEY.encode(), f"feedback:{cycle.pk}:{user.pk}".encode(),
                           hashlib.sha256).hexdigest() for user in authors}

    services.close_cycle(cycle, by=cast.users["parent_staff"])

    cycle.refresh_from_db()
    keys = set(Feedback.objects.filter(review=review).values_list("author_key", flat=True))
    assert cycle.feedback_secret == ""
    assert not keys & old_scheme
    assert all(author_key(cycle, user, review=review) == "" for user in authors)
    assert Feedback.objects.filter(review=review, author__isnull=False).count() == 0


def test_anonymous_feedback_leaves_no_moment_in_the_audit_trail_or_the_inbox(cast):
    moment = datetime.datetime(2026, 11, 20, 9, 47, 13, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        review = reviewed_member(cast, "anonymous")
        for index, user in enumerate(colleagues(cast)):
            give(review, user, f"Góp ý số {index}", cast.cell)
        assert not AuditEntry.objects.filter(action="reviews.feedback.give").exists()
        assert not Notification.objects.filter(recipient=cast.users["member"], kind="reviews.feedback").exists()

    with time_machine.travel(moment + datetime.timedelta(days=1), tick=False):
        audit_and_announce_anonymous_feedback()

    entries = AuditEntry.objects.filter(action="reviews.feedback.give")
    assert entries.count() == 3
    assert {entry.at.astimezone(datetime.UTC) for entry in entries} == {
        datetime.datetime(2026, 11, 19, 17, 0, tzinfo=datetime.UTC)}  # midnight in Hà Nội, the day only
    assert all(entry.actor_id is None and entry.actor_label == "" for entry in entries)
    assert Notification.objects.filter(recipient=cast.users["member"], kind="reviews.feedback").count() == 1
