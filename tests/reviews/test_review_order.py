"""The review order follows those who can submit; the cell records members without a login on paper or
excludes them; the cycle's pages say who holds up whom."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.org import services as org_services
from soisua.org.enums import PostKind
from soisua.reviews.models import Review
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for
from tests.reviews.test_editor import full_form

DEPUTY = "Cao Thị Ngọc"
# The story happens in the review season of the 2026 cycle, whatever day the suite runs.
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
TODAY = "20/11/2026"


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def ordered(cast):
    """Chi bộ Thôn 1 with a deputy secretary who has no login, in a cycle that enforces the review order."""
    deputy = make_member(cast.cell, DEPUTY)
    org_services.assign_post(deputy, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=SYSTEM)
    cycle = open_for(cast.commune)
    return cycle, Review.objects.get(cycle=cycle, member=deputy)


def submit_collective_and_head(cast, cycle):
    secretary = cast.users["secretary"]
    complete_review(Review.objects.get(cycle=cycle, unit=cast.cell, member=None), secretary)
    complete_review(Review.objects.get(cycle=cycle, member=cast.members["secretary"]), secretary)


def member_review(cast, cycle) -> Review:
    return Review.objects.get(cycle=cycle, member=cast.members["member"])


def test_a_deputy_without_a_login_holds_nobody_up(cast, ordered):
    cycle, deputy = ordered
    submit_collective_and_head(cast, cycle)
    review = member_review(cast, cycle)

    response = cast.client("member").post(reverse("reviews:reviews.edit", args=[review.pk]),
                                          full_form(review) | {"submit": "1"})

    review.refresh_from_db()
    assert response.status_code == 302
    assert review.status == "submitted"
    assert Review.objects.get(pk=deputy.pk).status == "expected"


def test_a_deputy_with_a_login_still_holds_up_the_members(cast):
    for name, user in ((DEPUTY, None), ("Vũ Minh Tuấn", UserFactory(username="tuan"))):
        deputy = make_member(cast.cell, name, user=user)
        org_services.assign_post(deputy, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=SYSTEM)
    cycle = open_for(cast.commune)
    submit_collective_and_head(cast, cycle)
    review = member_review(cast, cycle)

    response = cast.client("member").post(reverse("reviews:reviews.edit", args=[review.pk]),
                                          full_form(review) | {"submit": "1"})
    page = cast.client("member").get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk]))

    assert "Chưa được: Vũ Minh Tuấn phải nộp trước" in response.content.decode()
    assert member_review(cast, cycle).status == "draft"
    assert "Vũ Minh Tuấn chưa nộp nên Trần Thị Bình chưa thể nộp." in page.content.decode()


def test_the_cycle_pages_say_who_holds_up_whom(cast, ordered):
    cycle, _deputy = ordered
    secretary = cast.users["secretary"]
    complete_review(Review.objects.get(cycle=cycle, unit=cast.cell, member=None), secretary)

    detail = cast.client("secretary").get(reverse("reviews:cycles.detail", args=[cycle.pk])).content.decode()
    unit_page = cast.client("member").get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk]))

    sentence = "Lê Văn Cường chưa nộp nên Trần Thị Bình chưa thể nộp."
    assert sentence in detail
    assert sentence in unit_page.content.decode()
    assert f"Chưa có tài khoản: {DEPUTY}." in detail


def test_the_collective_holds_up_everyone_until_it_is_submitted(cast, ordered):
    cycle, _deputy = ordered

    page = cast.client("secretary").get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])).content

    assert "Báo cáo kiểm điểm tập thể chưa nộp nên Lê Văn Cường, Trần Thị Bình chưa thể nộp." in page.decode()


def test_the_secretary_records_a_member_without_a_login_as_reviewed_on_paper(cast, ordered):
    cycle, deputy = ordered
    submit_collective_and_head(cast, cycle)
    client = cast.client("secretary")
    cell_page = client.get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])).content.decode()

    form = client.get(reverse("reviews:reviews.on_paper", args=[deputy.pk])).content.decode()
    response = client.post(reverse("reviews:reviews.on_paper", args=[deputy.pk]), {"paper_on": "18/11/2026"})
    complete_review(member_review(cast, cycle), cast.users["member"])
    detail = client.get(reverse("reviews:cycles.detail", args=[cycle.pk])).content.decode()

    deputy.refresh_from_db()
    assert reverse("reviews:reviews.on_paper", args=[deputy.pk]) in cell_page
    assert reverse("reviews:reviews.exclude", args=[deputy.pk]) in cell_page
    assert f'value="{TODAY}"' in form
    assert response.status_code == 302
    assert (deputy.status, deputy.paper_on) == ("submitted", datetime.date(2026, 11, 18))
    assert deputy.submitted_at.date() == datetime.date(2026, 11, 18)
    assert deputy.events.get().action == "on_paper"
    entry = AuditEntry.objects.get(action="reviews.review.on_paper")
    assert (entry.actor_id, entry.changes) == (cast.users["secretary"].pk, {"paper_on": "2026-11-18"})
    assert "Tất cả đã nộp." in detail
    assert "(trên giấy, 18/11/2026)" in client.get(
        reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])).content.decode()


@pytest.mark.parametrize(("paper_on", "message"), [
    ("21/11/2026", "Ngày kiểm điểm trên giấy không thể ở tương lai."),
    ("31/12/2025", "Ngày kiểm điểm trên giấy không thể trước kỳ được kiểm điểm."),
])
def test_a_paper_date_outside_the_period_or_in_the_future_is_refused(cast, ordered, paper_on, message):
    _cycle, deputy = ordered

    response = cast.client("secretary").post(reverse("reviews:reviews.on_paper", args=[deputy.pk]),
                                              {"paper_on": paper_on})

    assert message in response.content.decode()
    assert paper_on in response.content.decode()
    assert Review.objects.get(pk=deputy.pk).status == "expected"


def test_the_secretary_excludes_a_member_without_a_login_with_a_reason(cast, ordered):
    cycle, deputy = ordered
    client = cast.client("secretary")
    before = client.get(reverse("reviews:cycles.detail", args=[cycle.pk])).context["progress"]["expected"]

    refused = client.post(reverse("reviews:reviews.exclude", args=[deputy.pk]), {"reason": "  "})
    response = client.post(reverse("reviews:reviews.exclude", args=[deputy.pk]),
                           {"reason": "Đi lao động ở nước ngoài cả năm"})
    after = client.get(reverse("reviews:cycles.detail", args=[cycle.pk]))

    deputy.refresh_from_db()
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert response.status_code == 302
    assert (deputy.status, deputy.excluded_reason) == ("excluded", "Đi lao động ở nước ngoài cả năm")
    assert after.context["progress"]["expected"] == before - 1
    assert deputy.pk not in [review.pk for review in after.context["waiting"]]  # no longer "not submitted yet"
    assert deputy.events.get().reason == "Đi lao động ở nước ngoài cả năm"
    assert AuditEntry.objects.get(action="reviews.review.exclude").changes == {
        "reason": "Đi lao động ở nước ngoài cả năm"}


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("parent_staff", 403), ("inspector", 403),
                                             ("sibling", 404), ("unrelated_staff", 404)])
@pytest.mark.parametrize("name", ["reviews:reviews.on_paper", "reviews:reviews.exclude"])
def test_only_the_cells_leadership_records_members_without_a_login(cast, ordered, who, status, name):
    _cycle, deputy = ordered

    response = cast.client(who).post(reverse(name, args=[deputy.pk]),
                                     {"paper_on": "18/11/2026", "reason": "Không rõ"})

    assert response.status_code == status
    assert Review.objects.get(pk=deputy.pk).status == "expected"


def test_a_member_with_a_login_writes_their_own_review(cast, ordered):
    cycle, _deputy = ordered
    review = member_review(cast, cycle)

    response = cast.client("secretary").get(reverse("reviews:reviews.on_paper", args=[review.pk]))

    assert response.status_code == 403
