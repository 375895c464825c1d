"""Attacker journeys of people inside the organisation, through the pages as a browser sends them: an administrator
(or a superuser) who stands in for a committee, a secretary who reads feedback or opens logins. Each names what the
product refuses or makes visible; docs/security.md ("Threat model") says who is meant to see what. The access
matrix (tests/test_access_matrix.py) already tries every page as the whole cast, and
tests/org/test_escalation_matrix.py every grant and revocation: these journeys are the steps it does not take."""

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from soisua.accounts.models import User
from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.enums import Role
from soisua.org.models import Member, StandIn
from soisua.reviews.models import Feedback, Review
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for
from tests.reviews.test_exports import docx_text

REASON = "Đảng ủy xã đang kiện toàn, chưa có ủy viên phụ trách"
COLLEAGUES = ["Đồng Chí Số Một", "Đồng Chí Số Hai"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submitted_review(cast, anonymity: str) -> Review:
    cycle = open_for(cast.commune, enforce_order=False, anonymity=anonymity)
    return complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"])


def colleagues(cast) -> list[User]:
    users = [UserFactory(username=f"dongchi{index}") for index in range(len(COLLEAGUES))]
    for user, name in zip(users, COLLEAGUES, strict=True):
        make_member(cast.cell, name, user=user)
    return users


def give(client: Client, review: Review, text: str):
    response = client.post(reverse("reviews:feedback.create", args=[review.pk]), {"kind": "shortcoming",
                                                                                 "text": text})
    assert response.status_code == 302
    return response


def what_is_shown(client: Client, review: Review) -> tuple[str, dict, str]:
    """The review page, the API's feedback and the Word document, as `client` gets them."""
    page = client.get(reverse("reviews:reviews.detail", args=[review.pk])).text
    api = client.get(f"/api/reviews/{review.pk}/feedback").json()
    word = client.get(reverse("reviews:reviews.document", args=[review.pk, "docx"]))
    return page, api, docx_text(b"".join(word.streaming_content) if word.streaming else word.content)


# --- administrators and superusers standing in, under "secretary" anonymity --------------------------------

@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_an_administrator_who_stands_in_decides_but_never_reads_the_authors_under_secretary_anonymity(cast, who):
    review = submitted_review(cast, "secretary")
    give(logged_in(colleagues(cast)[0]), review, "Cần đúng giờ hơn trong sinh hoạt chi bộ")
    admin = cast.client(who)

    on_cell = admin.post(reverse("org:units.stand_in", args=[cast.cell.pk]), {"reason": REASON})
    on_commune = admin.post(reverse("org:units.stand_in", args=[cast.commune.pk]), {"reason": REASON})
    page, api, word = what_is_shown(admin, review)
    decide = admin.get(reverse("reviews:reviews.decide", args=[review.pk]))

    # A cell has no committee to stand in for: its leadership is its secretary and cell committee only.
    assert on_cell.status_code == 403
    assert on_commune.status_code == 302
    assert list(StandIn.objects.values_list("unit", flat=True)) == [cast.commune.pk]
    assert decide.status_code == 200  # standing in for the commune makes the administrator its committee ...
    assert "Cần đúng giờ hơn" in page and "Cần đúng giờ hơn" in word
    assert COLLEAGUES[0] not in page and COLLEAGUES[0] not in word  # ... never the cell's secretary
    assert [item["author"] for item in api["items"]] == [None]
    assert COLLEAGUES[0] not in json.dumps(api)


# --- the secretary and the anonymity threshold ----------------------------------------------------------------

def test_the_secretarys_own_feedback_does_not_lift_the_threshold_on_any_channel(cast):
    review = submitted_review(cast, "anonymous")
    secretary = cast.client("secretary")
    give(secretary, review, "Góp ý của bí thư về tác phong")
    for client, text in zip(map(logged_in, colleagues(cast)), ["Góp ý thứ nhất về kỷ luật",
                                                                "Góp ý thứ hai về học tập"], strict=True):
        give(client, review, text)

    page, api, word = what_is_shown(secretary, review)
    _page, member_api, _word = what_is_shown(cast.client("member"), review)

    assert Feedback.objects.filter(review=review).count() == 3
    # Two people other than the secretary gave feedback: below the minimum of three, she reads only her own.
    assert api["withheld"] is True
    assert [(item["text"], item["mine"]) for item in api["items"]] == [("Góp ý của bí thư về tác phong", True)]
    assert "Góp ý thứ nhất" not in page and "Góp ý thứ hai" not in page
    assert "Góp ý thứ nhất" not in word and "được tổng hợp khi có ít nhất 3 người góp ý" in word
    # The reviewed member counts three people other than herself.
    assert member_api["withheld"] is False and len(member_api["items"]) == 3
    assert all(item["author"] is None for item in member_api["items"])


# --- opening a login for a member ----------------------------------------------------------------------------

def test_a_login_for_a_member_without_an_address_sends_nothing_to_an_address_typed_in_the_request(
        cast, django_capture_on_commit_callbacks):
    member = make_member(cast.cell, "Đinh Văn Tám")

    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("secretary").post(reverse("org:members.account", args=[member.pk]), {
            "username": "dinh.tam", "email": "secretary@example.org", "method": "email"})

    # Without an address on record the login is opened with a set-up code, shown to the opener; the typed address
    # is neither recorded nor written to.
    assert response.status_code == 200 and 'id="setup-code"' in response.text
    user = User.objects.get(username="dinh.tam")
    assert user.email == "" and not user.has_usable_password()
    assert Member.objects.get(pk=member.pk).user_id == user.pk
    assert all("secretary@example.org" not in message.to for message in mail.outbox)


def test_a_secretary_who_records_her_own_address_to_open_a_members_login_is_seen(
        cast, django_capture_on_commit_callbacks):
    member = make_member(cast.cell, "Đinh Văn Tám", email="tam@example.org")
    committee = UserFactory(username="chiuy.thon1")
    org_services.grant_role(committee, unit=cast.cell, role=Role.COMMITTEE, by=SYSTEM)
    secretary = cast.client("secretary")

    with django_capture_on_commit_callbacks(execute=True):
        secretary.post(reverse("org:members.edit", args=[member.pk]), {
            "full_name": "Đinh Văn Tám", "email": "secretary@example.org", "version": member.version})
        opened = secretary.post(reverse("org:members.account", args=[member.pk]), {
            "username": "dinh.tam", "email": "elsewhere@example.org"})

    assert opened.status_code == 302
    sent = {tuple(message.to): message.body for message in mail.outbox}
    # The address the member had on record hears that it was replaced, and by whom.
    assert "secretary@example.org" in sent[("tam@example.org",)]
    # The login's link goes to the address on record at that moment, never to one typed in the request.
    assert ("elsewhere@example.org",) not in sent and "dinh.tam" in sent[("secretary@example.org",)]
    # The cell's other leaders are told, and the member's history keeps both steps under the secretary's name.
    notice = Notification.objects.get(recipient=committee, kind="org.login_opened")
    assert "Đinh Văn Tám" in notice.body
    history = logged_in(committee).get(reverse("org:members.history", args=[member.pk])).text
    rows = re.findall(r"<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", history)  # time, by, action
    assert ("secretary", "Hồ sơ của đảng viên được sửa.") in rows
    assert ("secretary", "Tài khoản đăng nhập được gắn với đảng viên.") in rows
    assert "tam@example.org → secretary@example.org" in history
