"""A required study waits on the home page of each member asked to study it, with its deadline, until the member
confirms it; a document not required, or withdrawn, and members outside its subtree see nothing."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from soisua.core import agenda
from soisua.library import services

from .helpers import publish

TITLE = ("Văn bản cần học tập: 57-NQ/TW Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và "
         "chuyển đổi số quốc gia")


def studies(user) -> list[agenda.Item]:
    return [item for item in agenda.agenda_for(user, timezone.localdate()) if item.title.startswith("Văn bản cần")]


def test_a_required_study_waits_on_the_members_home_until_confirmed(cast):
    document = publish(cast, due_in=5)
    client = cast.client("member")

    items = studies(cast.users["member"])
    page = client.get(reverse("org:dashboard")).text

    assert [item.title for item in items] == [TITLE]
    assert items[0].when == document.study_due and items[0].detail.startswith("Phải học tập trước ngày")
    assert items[0].url == reverse("library:detail", args=[document.pk]) + "#study"
    assert TITLE in page and client.get(items[0].url).status_code == 200
    services.confirm_study(document, member=cast.members["member"], by=cast.users["member"])
    assert studies(cast.users["member"]) == []
    assert [item.title for item in studies(cast.users["secretary"])] == [TITLE]


def test_a_study_past_its_day_is_overdue(cast):
    document = publish(cast, due_in=2)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3), tick=False):
        items = studies(cast.users["member"])

    assert items[0].overdue and items[0].when == document.study_due


def test_no_study_waits_for_a_document_not_required_withdrawn_or_published_elsewhere(cast):
    publish(cast, required=False, number="1-HD/TW")
    publish(cast, unit=cast.other_commune, by=cast.users["unrelated_staff"], number="2-NQ/TU")
    withdrawn = publish(cast, number="3-NQ/TU")
    services.withdraw_document(withdrawn, reason="Ban hành nhầm", version=None, by=cast.users["committee"])

    assert studies(cast.users["member"]) == []
    assert studies(cast.users["committee"]) == []
