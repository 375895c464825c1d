"""The corrections part of the JSON API: shortcomings, their plans and progress, with the pages' rules."""

import datetime

import pytest
from django.test import override_settings

from soisua.audit.models import AuditEntry
from soisua.corrections import policy, services
from soisua.corrections.models import ProgressEntry, Shortcoming
from soisua.reviews.models import Review
from tests.corrections.test_plans import approved_plan, shortcoming_of
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_api import get, post
from tests.reviews.test_cycles import open_for

# Written with the review season's deadlines (31/12/2026 is ahead): the clock travels there.
pytestmark = pytest.mark.usefixtures("in_review_season")

READERS = ("member", "secretary", "sibling", "parent_staff", "unrelated_staff", "inspector", "committee", "admin",
           "superuser")


def world(cast) -> dict[str, Shortcoming]:
    """A member's shortcoming, the collective's, one in the sibling cell, one in another commune, and one named in
    the member's draft review."""
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"],
                             submit=False)
    return {
        "member": shortcoming_of(cast),
        "collective": services.record_shortcoming(unit=cast.cell, text="Sinh hoạt chưa đều",
                                                  by=cast.users["secretary"]),
        "sibling": services.record_shortcoming(unit=cast.sibling_cell, member=cast.members["sibling"],
                                               text="Vắng họp", by=cast.users["parent_staff"]),
        "other": services.record_shortcoming(unit=cast.other_cell, member=cast.members["other"], text="Vắng họp",
                                             by=cast.users["unrelated_staff"]),
        "draft": services.record_shortcoming(unit=cast.cell, member=cast.members["member"], review=review,
                                             text="Còn nể nang", by=cast.users["member"]),
    }


def ids(body) -> set[int]:
    return {row["id"] for row in body["items"]}


def test_each_reader_lists_the_shortcomings_they_may_see(cast):
    rows = world(cast)
    everything = list(Shortcoming.objects.select_related("unit", "member", "review", "followed_by"))

    for name in READERS:
        status, body = get(cast.users[name], "/shortcomings")
        assert status == 200
        assert ids(body) == {row.pk for row in everything if policy.can_see_shortcoming(cast.users[name], row)}, name
    _status, member = get(cast.users["member"], "/shortcomings")
    _status, secretary = get(cast.users["secretary"], "/shortcomings")
    assert rows["draft"].pk in ids(member) and rows["draft"].pk not in ids(secretary)
    assert rows["other"].pk not in ids(secretary)


def test_members_shortcomings_open_to_the_cell_when_the_installation_says_so(cast):
    rows = world(cast)
    everything = list(Shortcoming.objects.select_related("unit", "member", "review", "followed_by"))

    with override_settings(CORRECTIONS_OPEN_TO_CELL=True):
        for name in ("sibling", "member", "secretary"):
            _status, body = get(cast.users[name], "/shortcomings")
            assert ids(body) == {row.pk for row in everything if policy.can_see_shortcoming(cast.users[name], row)}
        _status, sibling = get(cast.users["sibling"], "/shortcomings")
    assert rows["sibling"].pk in ids(sibling)


def test_a_supervisor_lists_what_they_supervise(cast):
    supervised, other = shortcoming_of(cast), shortcoming_of(cast, text="Chưa gương mẫu")
    colleague = UserFactory(username="dongchi")
    supervisor = make_member(cast.cell, "Đồng Chí Giám Sát", user=colleague)
    plan = services.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[supervised],
                                deadline=datetime.date(2027, 2, 28), by=cast.users["member"])
    services.add_measure(plan, text="Đóng đảng phí đúng hạn", supervisor=supervisor,
                         deadline=datetime.date(2027, 2, 28), by=cast.users["member"])

    _status, body = get(colleague, "/shortcomings")

    assert ids(body) == {supervised.pk}
    assert other.pk not in ids(body)


def test_shortcomings_filtered_by_unit_status_member_and_due_date(cast):
    rows = world(cast)
    approved_plan(cast, rows["member"])
    staff = cast.users["parent_staff"]

    _status, sibling_cell = get(staff, f"/shortcomings?unit={cast.sibling_cell.pk}")
    _status, planned = get(staff, "/shortcomings?status=planned")
    _status, of_member = get(staff, f"/shortcomings?member={cast.members['member'].pk}")
    _status, due_soon = get(staff, "/shortcomings?from=2026-12-01&to=2026-12-31")
    hidden, _body = get(staff, f"/shortcomings?unit={cast.other_cell.pk}")
    bad_date, _body = get(staff, "/shortcomings?from=31/12/2026")

    assert ids(sibling_cell) == {rows["sibling"].pk}
    assert ids(planned) == {rows["member"].pk}
    assert ids(of_member) == {rows["member"].pk}
    assert ids(due_soon) == {rows["member"].pk}  # its plan's first step is due on 10/12/2026
    assert hidden == 404
    assert bad_date == 422


def test_a_shortcoming_with_its_plan_measures_and_supervisors(cast):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)

    status, body = get(cast.users["member"], f"/shortcomings/{shortcoming.pk}")
    stranger, _body = get(cast.users["unrelated_staff"], f"/shortcomings/{shortcoming.pk}")
    sibling, _body = get(cast.users["sibling"], f"/shortcomings/{shortcoming.pk}")

    assert status == 200
    assert body["text"] == "Chưa đóng đảng phí đúng hạn"
    assert body["status"] == "planned"
    (plan,) = body["plans"]
    assert plan["status"] == "approved" and plan["deadline"] == "2027-02-28"
    (measure,) = plan["measures"]
    assert measure["supervisor"] == {"id": cast.members["secretary"].pk, "full_name": "Lê Văn Cường"}
    assert [step["due"] for step in measure["steps"]] == ["2026-12-10", "2027-01-15"]
    assert (stranger, sibling) == (404, 404)


def test_a_draft_reviews_shortcoming_is_its_writers_only(cast):
    rows = world(cast)

    writer, _body = get(cast.users["member"], f"/shortcomings/{rows['draft'].pk}")
    secretary, _body = get(cast.users["secretary"], f"/shortcomings/{rows['draft'].pk}")

    assert (writer, secretary) == (200, 404)


def test_progress_reported_by_the_owner_and_read_back(cast):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)

    status, entry = post(cast.users["member"], f"/shortcomings/{shortcoming.pk}/progress",
                         {"note": "Đã nộp đảng phí tháng 11", "link": "https://example.org/bien-lai"})
    _status, timeline = get(cast.users["secretary"], f"/shortcomings/{shortcoming.pk}/progress")

    assert status == 200
    assert entry["kind"] == "update" and entry["author"] == "Trần Thị Bình"
    assert [row["note"] for row in timeline["items"]] == ["Đã nộp đảng phí tháng 11"]
    assert timeline["items"][0]["link"] == "https://example.org/bien-lai"
    assert Shortcoming.objects.get(pk=shortcoming.pk).status == "in_progress"
    assert AuditEntry.objects.filter(action="corrections.progress.update").count() == 1


def test_progress_is_refused_to_who_the_page_refuses(cast):
    shortcoming = shortcoming_of(cast)

    secretary, refusal = post(cast.users["secretary"], f"/shortcomings/{shortcoming.pk}/progress", {"note": "Xong"})
    stranger, _refusal = post(cast.users["unrelated_staff"], f"/shortcomings/{shortcoming.pk}/progress",
                              {"note": "Xong"})
    empty, required = post(cast.users["member"], f"/shortcomings/{shortcoming.pk}/progress", {"note": "  "})

    assert (secretary, stranger, empty) == (403, 404, 422)
    assert refusal["code"] == "forbidden"
    assert required["code"] == "required"
    assert not ProgressEntry.objects.exists()


def test_progress_with_a_bad_body_is_refused(cast):
    shortcoming = shortcoming_of(cast)
    path = f"/shortcomings/{shortcoming.pk}/progress"

    unknown, _body = post(cast.users["member"], path, {"note": "Xong", "evidence": "bien-lai.pdf"})
    wrong_type, _body = post(cast.users["member"], path, {"note": ["Xong"]})
    bad_link, _body = post(cast.users["member"], path, {"note": "Xong", "link": "javascript:alert(1)"})

    assert (unknown, wrong_type, bad_link) == (422, 422, 422)
    assert not ProgressEntry.objects.exists()


def test_progress_on_a_verified_fix_is_refused(cast):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)
    services.claim_fix(shortcoming, note="Đã khắc phục", by=cast.users["member"])
    services.verify_fix(Shortcoming.objects.get(pk=shortcoming.pk), by=cast.users["secretary"])

    status, refusal = post(cast.users["member"], f"/shortcomings/{shortcoming.pk}/progress", {"note": "Thêm"})

    assert status == 422 and refusal["code"] == "closed"
