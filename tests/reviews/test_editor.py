"""The review editor through its pages: every refused save or submit comes back with the review's current version
and everything typed; a conflict never discards the typed text and shows how to merge it."""

import re

import pytest
from django.urls import reverse

from soisua.reviews import services
from soisua.reviews.enums import ReviewStatus
from soisua.reviews.models import ChecklistItem, Review
from soisua.reviews.queries import form_fields
from soisua.reviews.services import send_review_prompt
from tests.reviews.test_cycles import open_for

ANSWER = "Vắng sinh hoạt tháng 5 vì đi tập huấn của ngành, đã báo cáo bí thư"
DUTY = "Hoàn thành tốt nhiệm vụ giáo viên chủ nhiệm lớp 5A"
OTHER_TAB = "Nội dung đã lưu từ thẻ khác"


def member_review(cycle, cast) -> Review:
    return Review.objects.get(cycle=cycle, member=cast.members["member"])


def full_form(review: Review, **changes) -> dict:
    """What the editor posts: every field of the form, filled (every checklist item answered "not present")."""
    data = {"version": review.version, "self_score_general": "25", "self_score_tasks": "60", "self_level": "good"}
    for key, spec in form_fields(review.form).items():
        if spec["kind"] == "text":
            data[f"a_{key}"] = DUTY
    for code in ChecklistItem.objects.filter(checklist__rule_set=review.cycle.rule_set).values_list("code", flat=True):
        data[f"c_{code}"] = "absent"
    for prompt in review.prompts.all():
        data[f"p_{prompt.pk}"] = prompt.answer
    return data | changes


def page_version(response) -> int:
    versions = re.findall(r'name="version" value="(\d+)"', response.content.decode())
    assert len(versions) == 1, versions
    return int(versions[0])


def edit(client, review, data, *, submit=False):
    return client.post(reverse("reviews:reviews.edit", args=[review.pk]), data | ({"submit": "1"} if submit else {}))


def test_the_answer_typed_after_a_refused_submit_is_saved_and_submitted(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    prompt = send_review_prompt(review, from_unit=cast.commune, text="Làm rõ việc vắng họp tháng 5",
                                by=cast.users["parent_staff"])
    client = cast.client("member")

    refused = edit(client, review, full_form(review, **{f"p_{prompt.pk}": ""}), submit=True)
    retried = edit(client, review, full_form(review, version=page_version(refused), **{f"p_{prompt.pk}": ANSWER}),
                   submit=True)

    assert "Mục IV: hãy giải trình mọi gợi ý kiểm điểm của cấp trên." in refused.content.decode()
    assert retried.status_code == 302
    review.refresh_from_db()
    prompt.refresh_from_db()
    assert (review.status, prompt.answer) == ("submitted", ANSWER)


@pytest.mark.parametrize("refusal", ["order", "incomplete", "threshold"])
def test_a_refused_submit_saves_the_draft_and_returns_the_current_version(cast, refusal):
    cycle = open_for(cast.commune, enforce_order=refusal == "order")
    review = member_review(cycle, cast)
    data = full_form(review)
    if refusal == "incomplete":
        data.pop(next(key for key in data if key.startswith("c_")))
    if refusal == "threshold":
        data["self_level"] = "excellent"  # 85 points: the "good" band

    response = edit(cast.client("member"), review, data, submit=True)

    review.refresh_from_db()
    assert response.status_code == 200
    assert review.status == "draft" and review.answers["duty_results"] == DUTY
    assert page_version(response) == review.version == data["version"] + 1
    assert 'role="alert"' in response.content.decode()


def test_a_refused_save_returns_the_current_version_and_the_typed_text(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)

    response = edit(cast.client("member"), review, full_form(review, self_score_tasks="80"))

    review.refresh_from_db()
    assert "điểm kết quả thực hiện nhiệm vụ phải từ 0 đến 70." in response.content.decode()
    assert page_version(response) == review.version
    assert review.answers == {}
    assert DUTY in response.content.decode()


def test_invalid_input_returns_the_current_version_and_the_typed_text(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)

    response = edit(cast.client("member"), review, full_form(review, self_score_general="mười"))

    review.refresh_from_db()
    assert page_version(response) == review.version
    assert "errorlist" in response.content.decode() and DUTY in response.content.decode()


def test_the_separate_submit_button_comes_back_to_the_editor_with_the_current_version(cast):
    cycle = open_for(cast.commune)
    review = member_review(cycle, cast)
    client = cast.client("member")
    edit(client, review, full_form(review))

    response = client.post(reverse("reviews:reviews.submit", args=[review.pk]), follow=True)

    review.refresh_from_db()
    assert "Chưa được:" in response.content.decode()
    assert page_version(response) == review.version


def test_a_conflict_keeps_the_typed_text_shows_the_saved_one_and_the_next_save_merges(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    loaded = review.version
    services.save_review(review, version=loaded, content=services.ReviewContent(answers={"duty_results": OTHER_TAB}),
                         by=cast.users["member"])
    client = cast.client("member")
    typed = full_form(review, version=loaded, a_duty_results=DUTY)

    conflict = edit(client, review, typed)
    page = conflict.content.decode()
    merged = edit(client, review, typed | {"version": page_version(conflict),
                                           "a_duty_results": f"{DUTY}\n{OTHER_TAB}"})

    review.refresh_from_db()
    assert "Bản kiểm điểm vừa được lưu ở nơi khác" in page
    assert "Không mất nội dung nào đồng chí đã gõ" in page
    assert DUTY in page  # the typed text, in its box
    assert "Đã lưu ở nơi khác" in page and OTHER_TAB in page  # the stored text, under the box
    assert page_version(conflict) == loaded + 1
    assert merged.status_code == 302
    assert review.answers["duty_results"] == f"{DUTY}\n{OTHER_TAB}"


def test_a_conflict_keeps_the_typed_answers_to_review_points_too(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    prompt = send_review_prompt(review, from_unit=cast.commune, text="Làm rõ việc vắng họp tháng 5",
                                by=cast.users["parent_staff"])
    loaded = review.version
    services.save_review(review, version=loaded, content=services.ReviewContent(
        prompt_answers={prompt.pk: OTHER_TAB}), by=cast.users["member"])

    page = edit(cast.client("member"), review, full_form(review, version=loaded, **{f"p_{prompt.pk}": ANSWER}))

    assert ANSWER in page.content.decode() and OTHER_TAB in page.content.decode()
    prompt.refresh_from_db()
    assert prompt.answer == OTHER_TAB


def test_an_autosave_conflict_says_how_to_merge_and_keeps_the_old_version(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    loaded = review.version
    client = cast.client("member")
    client.post(reverse("reviews:reviews.autosave", args=[review.pk]), {"version": loaded, "a_duty_results": "A"})

    response = client.post(reverse("reviews:reviews.autosave", args=[review.pk]),
                           {"version": loaded, "a_duty_results": "B"})

    page = response.content.decode()
    assert "nhấn “Lưu bản nháp”" in page
    assert 'name="version"' not in page  # the next autosave stays refused until the author merges


def test_submitting_again_says_it_went_through_and_changes_nothing(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    client = cast.client("member")
    edit(client, review, full_form(review))
    client.post(reverse("reviews:reviews.submit", args=[review.pk]))
    review.refresh_from_db()
    submitted = (review.status, review.version)

    response = client.post(reverse("reviews:reviews.submit", args=[review.pk]), follow=True)

    review.refresh_from_db()
    assert submitted[0] == ReviewStatus.SUBMITTED and (review.status, review.version) == submitted
    assert response.redirect_chain[-1][0] == reverse("reviews:reviews.detail", args=[review.pk])
    assert "Bản kiểm điểm này đã được nộp; không có gì thay đổi." in response.content.decode()
    assert cast.client("sibling").post(reverse("reviews:reviews.submit", args=[review.pk])).status_code == 404
