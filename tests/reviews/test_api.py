"""The reviews part of the JSON API: cycles, a cycle's reviews, ratings and feedback, with the pages' rules."""

import json

from django.test import Client

from soisua.accounts.services import issue_api_token
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.org import services as org_services
from soisua.org.enums import Role
from soisua.reviews import policy, services
from soisua.reviews.models import Feedback, Review
from tests.conftest import give_authenticator
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for

TEXT = "Luôn chấp hành nghiêm chủ trương, đường lối của Đảng, gương mẫu trong công tác chuyên môn được giao"


def api(user) -> Client:
    """A client sending `user`'s API token, as a mobile or integration client does."""
    token = issue_api_token(user, name="Ứng dụng di động", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def get(user, path: str):
    response = api(user).get(f"/api{path}")
    return response.status_code, response.json()


def post(user, path: str, body):
    response = api(user).post(f"/api{path}", data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def review_of(cycle, member=None, unit=None) -> Review:
    if member is not None:
        return Review.objects.get(cycle=cycle, member=member)
    return Review.objects.get(cycle=cycle, unit=unit, member=None)


def colleagues(cast, count: int) -> list:
    people = []
    for index in range(count):
        user = UserFactory(username=f"dongchi{index}")
        make_member(cast.cell, f"Đồng Chí Số {['Một', 'Hai', 'Ba', 'Bốn'][index]}", user=user)
        people.append(user)
    return people


# --- cycles ------------------------------------------------------------------------------------------------------


def test_cycles_list_those_the_caller_sees(cast):
    commune_cycle = open_for(cast.commune, title="Kiểm điểm Hòa An")
    other_cycle = open_for(cast.other_commune, title="Kiểm điểm Hòa Bình")

    _status, member = get(cast.users["member"], "/cycles")
    _status, unrelated = get(cast.users["unrelated_staff"], "/cycles")
    _status, admin = get(cast.users["admin"], "/cycles")

    assert [row["id"] for row in member["items"]] == [commune_cycle.pk]
    assert member["items"][0]["rule_set"] == "2025.2"
    assert [row["id"] for row in unrelated["items"]] == [other_cycle.pk]
    assert {row["id"] for row in admin["items"]} == {commune_cycle.pk, other_cycle.pk}


def test_cycles_filtered_by_unit_status_and_kind(cast):
    commune_cycle = open_for(cast.commune)
    other_cycle = open_for(cast.other_commune)
    services.close_cycle(other_cycle, by=cast.users["admin"])

    _status, in_cell = get(cast.users["admin"], f"/cycles?unit={cast.cell.pk}")
    _status, closed = get(cast.users["admin"], "/cycles?status=closed")
    _status, quarterly = get(cast.users["admin"], "/cycles?kind=quarter")
    _status, this_year = get(cast.users["admin"], "/cycles?from=2026-06-01&to=2026-06-30")
    _status, next_year = get(cast.users["admin"], "/cycles?from=2027-01-01")
    hidden_unit, _body = get(cast.users["member"], f"/cycles?unit={cast.other_cell.pk}")
    bad_status, _body = get(cast.users["admin"], "/cycles?status=half-open")

    assert [row["id"] for row in in_cell["items"]] == [commune_cycle.pk]
    assert [row["id"] for row in closed["items"]] == [other_cycle.pk]
    assert quarterly["items"] == []
    assert {row["id"] for row in this_year["items"]} == {commune_cycle.pk, other_cycle.pk}
    assert next_year["items"] == []
    assert hidden_unit == 404
    assert bad_status == 422


def test_cycle_detail_counts_the_callers_part(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)

    status, member = get(cast.users["member"], f"/cycles/{cycle.pk}")
    _status, staff = get(cast.users["parent_staff"], f"/cycles/{cycle.pk}")
    stranger, _body = get(cast.users["unrelated_staff"], f"/cycles/{cycle.pk}")

    assert status == 200
    assert member["focus_unit_id"] == cast.cell.pk
    assert member["counts"]["submitted"] == 1
    assert member["counts"]["expected"] == 2  # the collective and the secretary, in Thôn 1 only
    assert staff["focus_unit_id"] == cast.commune.pk
    assert staff["counts"]["expected"] == 4  # Thôn 1's three and Thôn 2's two, less the one submitted
    assert stranger == 404


# --- a cycle's reviews -------------------------------------------------------------------------------------------


def test_a_draft_is_listed_to_its_writer_only(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    draft = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT, submit=False)
    submitted = complete_review(review_of(cycle, cast.members["secretary"]), cast.users["secretary"], text=TEXT)

    _status, writer = get(cast.users["member"], f"/cycles/{cycle.pk}/reviews")
    _status, secretary = get(cast.users["secretary"], f"/cycles/{cycle.pk}/reviews")
    _status, staff = get(cast.users["parent_staff"], f"/cycles/{cycle.pk}/reviews")
    _status, sibling = get(cast.users["sibling"], f"/cycles/{cycle.pk}/reviews")

    assert {row["id"] for row in writer["items"]} == {draft.pk, submitted.pk}
    assert draft.pk not in {row["id"] for row in secretary["items"]}
    assert draft.pk not in {row["id"] for row in staff["items"]}
    assert submitted.pk in {row["id"] for row in staff["items"]}
    assert submitted.pk not in {row["id"] for row in sibling["items"]}  # a sibling cell reads its own cell only


def test_the_list_of_reviews_is_what_each_reader_may_read(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT, submit=False)
    complete_review(review_of(cycle, cast.members["secretary"]), cast.users["secretary"], text=TEXT)
    complete_review(review_of(cycle, unit=cast.sibling_cell), cast.users["admin"], text=TEXT, submit=False)
    everyone = list(Review.objects.filter(cycle=cycle).select_related("cycle", "unit", "member", "member__user"))

    for name in ("member", "secretary", "sibling", "parent_staff", "unrelated_staff", "inspector", "committee",
                 "admin", "superuser"):
        user = cast.users[name]
        _status, body = get(user, f"/cycles/{cycle.pk}/reviews?unit={cast.commune.pk}") if name not in (
            "member", "secretary", "sibling", "unrelated_staff") else get(user, f"/cycles/{cycle.pk}/reviews")
        readable = {review.pk for review in everyone if policy.can_read_review(user, review)}
        assert {row["id"] for row in body.get("items", [])} == readable, name


def test_a_cycles_reviews_filtered_by_unit(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    mine = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)
    theirs = complete_review(review_of(cycle, cast.members["sibling"]), cast.users["sibling"], text=TEXT)

    _status, body = get(cast.users["parent_staff"], f"/cycles/{cycle.pk}/reviews?unit={cast.sibling_cell.pk}")

    assert theirs.pk in {row["id"] for row in body["items"]}
    assert mine.pk not in {row["id"] for row in body["items"]}


# --- ratings -----------------------------------------------------------------------------------------------------


def test_the_rating_shows_its_three_steps(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)
    services.propose_level(review, level="good", comment="Hoàn thành tốt nhiệm vụ", by=cast.users["secretary"])
    services.decide_level(review, level="good", by=cast.users["parent_staff"])

    status, body = get(cast.users["member"], f"/reviews/{review.pk}/rating")
    stranger, _body = get(cast.users["unrelated_staff"], f"/reviews/{review.pk}/rating")

    assert status == 200
    assert body["self_level"]["code"] == "good"
    assert body["self_score_general"] == "25.00"
    assert body["cell_level"] == {"code": "good", "name": body["self_level"]["name"]}
    assert body["cell_comment"] == "Hoàn thành tốt nhiệm vụ"
    assert body["decided_level"]["code"] == "good"
    assert body["decided_on"] is not None
    assert body["forcing_conditions"] == []
    assert stranger == 404


def test_the_rating_of_a_draft_is_its_writers_only(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT, submit=False)

    writer, body = get(cast.users["member"], f"/reviews/{review.pk}/rating")
    secretary, _body = get(cast.users["secretary"], f"/reviews/{review.pk}/rating")

    assert writer == 200
    assert body["decided_level"] is None and body["cell_level"] is None
    assert secretary == 404


# --- feedback ----------------------------------------------------------------------------------------------------


def test_feedback_through_the_api_under_full_anonymity_names_nobody(cast):
    people = colleagues(cast, 3)
    cycle = open_for(cast.commune, enforce_order=False, anonymity="anonymous")
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)
    answers = [post(user, f"/reviews/{review.pk}/feedback",
                    {"kind": "shortcoming", "text": f"Góp ý số {index} về tác phong", "checklist_items": []})
               for index, user in enumerate(people)]
    names = ["Đồng Chí Số", "dongchi"]

    assert [status for status, _body in answers] == [200, 200, 200]
    assert Feedback.objects.filter(review=review).count() == 3
    assert not Feedback.objects.filter(review=review, author__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="reviews.feedback.give").exists()
    for _status, body in answers:
        assert set(body) == {"id", "created_on"}
    for reader in (cast.users["member"], cast.users["secretary"], cast.users["parent_staff"], people[0]):
        _status, body = get(reader, f"/reviews/{review.pk}/feedback")
        text = json.dumps(body, ensure_ascii=False)
        assert "Góp ý số 0" in text
        assert all(name not in text for name in names)
        assert all(item["author"] is None for item in body["items"])


def test_feedback_under_secretary_anonymity_is_audited_without_its_author(cast):
    people = colleagues(cast, 1)
    cycle = open_for(cast.commune, enforce_order=False, anonymity="secretary")
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)

    status, body = post(people[0], f"/reviews/{review.pk}/feedback", {"kind": "suggestion", "text": "Cần đúng giờ"})

    assert status == 200
    assert set(body) == {"id", "created_on"}
    entry = AuditEntry.objects.get(action="reviews.feedback.give")
    assert entry.actor_id is None and entry.actor_label == ""
    assert str(people[0].pk) not in json.dumps(entry.changes)
    _status, member_view = get(cast.users["member"], f"/reviews/{review.pk}/feedback")
    _status, secretary_view = get(cast.users["secretary"], f"/reviews/{review.pk}/feedback")
    assert member_view["items"][0]["author"] is None
    assert secretary_view["items"][0]["author"] == "Đồng Chí Số Một"


def test_feedback_takes_checklist_items_by_code(cast):
    people = colleagues(cast, 1)
    cycle = open_for(cast.commune, enforce_order=False, anonymity="named")
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)
    code = cycle.rule_set.checklists.first().items.first().code

    status, _body = post(people[0], f"/reviews/{review.pk}/feedback",
                         {"kind": "shortcoming", "text": "Chưa gương mẫu", "checklist_items": [code]})
    unknown, refusal = post(people[0], f"/reviews/{review.pk}/feedback",
                            {"kind": "shortcoming", "text": "Chưa gương mẫu", "checklist_items": ["XX-99"]})

    assert status == 200
    assert Feedback.objects.get(review=review).checklist_items.get().code == code
    assert unknown == 422 and refusal["code"] == "unknown_checklist_item"
    assert Feedback.objects.filter(review=review).count() == 1


def test_feedback_is_refused_to_who_the_page_refuses(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)
    body = {"kind": "shortcoming", "text": "Góp ý"}

    own, _refusal = post(cast.users["member"], f"/reviews/{review.pk}/feedback", body)
    staff, _refusal = post(cast.users["parent_staff"], f"/reviews/{review.pk}/feedback", body)
    stranger, _refusal = post(cast.users["unrelated_staff"], f"/reviews/{review.pk}/feedback", body)

    assert own == 403  # nobody gives feedback on their own review
    assert staff == 403  # the commune's staff reads the review but is not a member of the cell
    assert stranger == 404
    assert not Feedback.objects.exists()


def test_feedback_with_a_bad_body_is_refused(cast):
    people = colleagues(cast, 1)
    cycle = open_for(cast.commune, enforce_order=False)
    review = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT)

    unknown_field, first = post(people[0], f"/reviews/{review.pk}/feedback",
                                {"kind": "shortcoming", "text": "Góp ý", "author": "ai đó"})
    wrong_type, _second = post(people[0], f"/reviews/{review.pk}/feedback", {"kind": "shortcoming", "text": 5})
    bad_kind, _third = post(people[0], f"/reviews/{review.pk}/feedback", {"kind": "praise", "text": "Góp ý"})
    blank, fourth = post(people[0], f"/reviews/{review.pk}/feedback", {"kind": "shortcoming", "text": "   "})

    assert (unknown_field, wrong_type, bad_kind, blank) == (422, 422, 422, 422)
    assert first["code"] == "invalid"
    assert fourth["code"] == "required"
    assert not Feedback.objects.exists()


def test_a_token_limited_to_another_unit_does_not_list_its_owners_own_review(cast):
    cycle = open_for(cast.province, enforce_order=False)
    draft = complete_review(review_of(cycle, cast.members["member"]), cast.users["member"], text=TEXT, submit=False)
    owner = cast.users["member"]
    org_services.grant_role(owner, unit=cast.other_commune, role=Role.STAFF, by=SYSTEM)
    give_authenticator(owner)  # committee staff use a second factor; without it their tokens are refused
    limited = issue_api_token(owner, name="Hòa Bình", unit_id=cast.other_commune.pk, by=owner)
    whole = issue_api_token(owner, name="Toàn bộ", by=owner)

    inside = Client(HTTP_AUTHORIZATION=f"Bearer {limited}").get(f"/api/cycles/{cycle.pk}/reviews").json()
    everywhere = Client(HTTP_AUTHORIZATION=f"Bearer {whole}").get(f"/api/cycles/{cycle.pk}/reviews").json()

    assert draft.pk in {row["id"] for row in everywhere["items"]}
    assert draft.pk not in {row["id"] for row in inside["items"]}
