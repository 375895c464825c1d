"""Reviews as a member and a committee use them on a phone: the checklist picker, the editor that saves before it
opens a shortcoming's page, scores as people write them, and feedback addressed to a committee found, counted and
answered."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse
from django.utils.html import escape

from soisua.core.agenda import agenda_for
from soisua.corrections.models import Shortcoming
from soisua.reviews import services
from soisua.reviews.forms import ShortcomingForm
from soisua.reviews.models import ChecklistItem, Review
from soisua.reviews.queries import checklist_items
from tests.factories import complete_review
from tests.reviews.test_anonymity import colleagues
from tests.reviews.test_cycles import open_for
from tests.reviews.test_editor import full_form, member_review

TYPED = "Đã tham gia đầy đủ các buổi sinh hoạt và học tập nghị quyết"


# --- the checklist picker ---------------------------------------------------------------------------------------


def test_the_checklist_picker_is_boxes_with_full_wording_grouped_by_checklist_and_foldable_for_search(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    items = checklist_items(cycle.rule_set)
    longest = max(items, key=lambda item: len(item.text))

    page = cast.client("member").get(reverse("reviews:shortcomings.create", args=[review.pk])).content.decode()

    assert len(items) == 46
    assert page.count('type="checkbox" name="checklist_items"') == 46
    assert '<select name="checklist_items"' not in page
    assert escape(longest.text) in page  # the full wording, never cut
    assert page.count('<fieldset class="checklist-group"') == len({item.checklist_id for item in items})
    assert re.search(r'data-search="[^"]*tu tuong', page)  # "tư tưởng" folded, as the filter compares
    assert "data-filter-box hidden" in page  # shown by the script only: plain boxes without it
    assert "reviews/reviews.js" in page


def test_ticked_boxes_link_the_shortcoming_to_the_checklist_items(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    picked = list(ChecklistItem.objects.filter(checklist__rule_set=cycle.rule_set, code__in=["CT-1", "QD37-2"]))

    response = cast.client("member").post(reverse("reviews:shortcomings.create", args=[review.pk]), {
        "text": "Có lúc dao động trước thông tin xấu độc", "cause": "subjective",
        "checklist_items": [str(item.pk) for item in picked]})

    assert response.status_code == 302
    shortcoming = Shortcoming.objects.get(review=review)
    assert set(shortcoming.checklist_items.values_list("code", flat=True)) == {"CT-1", "QD37-2"}
    items = checklist_items(cycle.rule_set)
    form = ShortcomingForm(checklist_items=items)
    assert [group for group, _choices in form.fields["checklist_items"].choices] == list(
        dict.fromkeys(item.checklist.name for item in items))


# --- the editor saves before it opens a shortcoming's page --------------------------------------------------------


def test_adding_a_shortcoming_saves_the_text_typed_first(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    data = full_form(review)
    key = next(name for name in data if name.startswith("a_"))

    response = cast.client("member").post(reverse("reviews:reviews.edit", args=[review.pk]),
                                          data | {key: TYPED, "add_shortcoming": "1"})

    review.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:shortcomings.create", args=[review.pk])
    assert review.answers[key[2:]] == TYPED


def test_editing_a_shortcoming_from_the_editor_saves_the_text_typed_first(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    shortcoming = services.add_review_shortcoming(review, text="Còn ngại va chạm", cause="subjective",
                                                  by=cast.users["member"])
    review.refresh_from_db()
    data = full_form(review)
    key = next(name for name in data if name.startswith("a_"))

    response = cast.client("member").post(reverse("reviews:reviews.edit", args=[review.pk]),
                                          data | {key: TYPED, "edit_shortcoming": str(shortcoming.pk)})

    review.refresh_from_db()
    assert response["Location"] == reverse("reviews:shortcomings.edit", args=[shortcoming.pk])
    assert review.answers[key[2:]] == TYPED


def test_the_editor_warns_before_unsaved_text_is_left_and_its_shortcoming_button_sends_the_form(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)

    page = cast.client("member").get(reverse("reviews:reviews.edit", args=[review.pk])).content.decode()

    editor = page[page.index('<form method="post" class="stacked review-editor"'):]
    assert "data-warn-unsaved" in editor.split(">", 1)[0]
    assert 'name="add_shortcoming"' in editor.split("</form>")[0]
    assert f'href="{reverse("reviews:shortcomings.create", args=[review.pk])}"' not in page
    assert "reviews/reviews.js" in page


# --- scores as people write them --------------------------------------------------------------------------------


def test_scores_are_shown_without_trailing_zeros_and_with_the_decimal_comma(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cycle, cast)
    complete_review(review, cast.users["member"], general=24, tasks=Decimal("60.5"), submit=False)

    editor = cast.client("member").get(reverse("reviews:reviews.edit", args=[review.pk])).content.decode()
    saved = cast.client("member").post(reverse("reviews:reviews.edit", args=[review.pk]), full_form(
        Review.objects.get(pk=review.pk), self_score_general="24,5", self_score_tasks="61"))
    review.refresh_from_db()
    reading = cast.client("member").get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()

    assert 'value="24"' in editor and 'value="60,5"' in editor and "24.00" not in editor
    assert saved.status_code == 302 and review.self_score_general == Decimal("24.5")
    assert "85,5 / 100" in reading and "24,5" in reading and "24.50" not in reading


# --- feedback addressed to a committee ---------------------------------------------------------------------------


def feedback_on_the_commune(cast, anonymity="anonymous"):
    cycle = open_for(cast.commune, enforce_order=False, anonymity=anonymity)
    for index, user in enumerate(colleagues(cast)):
        services.give_feedback(superior=cast.commune, from_unit=cast.cell, kind="suggestion",
                               text=f"Đề nghị Đảng ủy xã số {index}", by=user)
    return cycle


def test_feedback_on_the_committee_is_linked_from_its_cycle_page_and_waits_on_its_home(cast):
    cycle = feedback_on_the_commune(cast, anonymity="named")

    cycle_page = cast.client("committee").get(reverse("reviews:cycles.detail", args=[cycle.pk])).content.decode()
    home = agenda_for(cast.users["committee"], datetime.date(2026, 11, 21))

    link = reverse("reviews:cycles.unit", args=[cycle.pk, cast.commune.pk]) + "#superior-title"
    assert f'href="{link}"' in cycle_page
    assert any(item.url == link and "3" in item.title for item in home)


def test_the_cells_page_no_longer_says_feedback_waits_for_more_people_once_three_gave_it(cast):
    cycle = feedback_on_the_commune(cast)

    cell_page = cast.client("parent_staff").get(
        reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])).content.decode()
    committee_page = cast.client("parent_staff").get(
        reverse("reviews:cycles.unit", args=[cycle.pk, cast.commune.pk])).content.decode()

    assert "Sẽ hiện khi" not in cell_page and "Góp ý chỉ hiện khi" not in cell_page
    assert "Đề nghị Đảng ủy xã số 0" in committee_page


def test_the_committees_leadership_answers_feedback_addressed_to_it(cast):
    cycle = feedback_on_the_commune(cast)
    item = cycle.feedback.order_by("pk").first()
    page_url = reverse("reviews:cycles.unit", args=[cycle.pk, cast.commune.pk])

    page = cast.client("committee").get(page_url).content.decode()
    staff_page = cast.client("parent_staff").get(page_url).content.decode()
    response = cast.client("committee").post(reverse("reviews:feedback.respond", args=[item.pk]), {
        "response": "accept", "text": "Chưa kịp thời nắm tâm tư của chi bộ"})

    item.refresh_from_db()
    answer = reverse("reviews:feedback.respond", args=[item.pk])
    assert f'href="{answer}"' in page and f'href="{answer}"' not in staff_page
    assert response.status_code == 302 and response["Location"] == page_url + "#superior-title"
    assert item.response == "accepted"
    assert item.shortcoming.unit == cast.commune and item.shortcoming.member is None
    assert cast.client("parent_staff").get(answer).status_code == 403
    assert cast.client("member").get(answer).status_code == 404
