"""The cycle's pages offer what each reader may do: feedback on the superior committee only to the members of a
cell directly under it, closing the cycle to those who may close it, and a new cycle's only rule set already
chosen."""

import re

import pytest
from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.org.enums import Role
from soisua.org.services import grant_role
from soisua.reviews import policy, services
from soisua.reviews.models import Review, RuleSet
from tests.factories import complete_review, make_member
from tests.reviews.test_cycles import open_for

FEEDBACK_LINK = "Góp ý Đảng ủy xã Hòa An"


@pytest.mark.parametrize(("who", "shown"), [("member", True), ("secretary", True), ("parent_staff", False),
                                            ("inspector", False)])
def test_the_superior_feedback_link_is_for_members_of_the_cell_below(cast, who, shown):
    cycle = open_for(cast.commune)
    url = reverse("reviews:cycles.superior_feedback", args=[cycle.pk, cast.cell.pk])

    page = cast.client(who).get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])).content.decode()
    form = cast.client(who).get(url)

    assert (url in page, FEEDBACK_LINK in page) == (shown, shown)
    assert (form.status_code == 200) == shown


def test_a_committee_member_of_the_commune_sees_no_feedback_link_on_a_cell(cast):
    grant_role(cast.users["inspector"], unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)
    cycle = open_for(cast.commune)

    page = cast.client("inspector").get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])).content

    assert FEEDBACK_LINK not in page.decode()


def test_closing_the_cycle_is_a_visible_action_for_those_who_may_close_it(cast):
    cycle = open_for(cast.commune)
    url = reverse("reviews:cycles.detail", args=[cycle.pk])
    close = reverse("reviews:cycles.close", args=[cycle.pk])

    staff = cast.client("parent_staff").get(url).content.decode()
    secretary = cast.client("secretary").get(url).content.decode()

    form = re.search(rf'<form method="post" action="{close}"[^>]*>.*?</form>', staff, re.S)
    assert form and "Kết thúc đợt kiểm điểm" in form.group(0)
    assert "<details" not in staff[:staff.index(close)].rsplit("</details>", 1)[-1]
    assert close not in secretary
    cast.client("parent_staff").post(close)
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    assert close not in cast.client("parent_staff").get(url).content.decode()


def rule_set_options(cast) -> list[str]:
    page = cast.client("parent_staff").get(reverse("reviews:cycles.create", args=[cast.commune.pk])).content
    select = re.search(r'<select name="rule_set".*?</select>', page.decode(), re.S).group(0)
    return re.findall(r"<option[^>]*>[^<]*</option>", select)


def test_the_rule_set_in_force_is_preselected_and_drafts_are_not_offered(cast):
    services.copy_rule_set(RuleSet.objects.get(code="2025.2"), code="nhap", name="Bản nháp",
                           by=SYSTEM)  # a draft: not offered

    options = rule_set_options(cast)

    assert len(options) == 3  # the empty choice, 2025.2 (in force) and 2025 (kept for its cycles)
    assert "selected" in options[1] and "43-HD/BTCTW" in options[1] and "Bản nháp" not in "".join(options)


def test_with_several_published_rule_sets_one_is_chosen(cast):
    copy = services.copy_rule_set(RuleSet.objects.get(code="2025"), code="2027", name="Quy định 2027", by=SYSTEM)
    services.publish_rule_set(copy, by=SYSTEM)

    options = rule_set_options(cast)

    assert options[0] == '<option value="">— chọn —</option>'
    assert len(options) == 4


def test_the_new_cycle_form_tells_rule_sets_by_their_codes_and_what_a_quarterly_cycle_is(cast):
    options = rule_set_options(cast)
    page = cast.client("parent_staff").get(reverse("reviews:cycles.create", args=[cast.commune.pk])).content.decode()

    assert ">2025.2 · Kiểm điểm, đánh giá" in options[1] and ">2025 · Kiểm điểm, đánh giá" in options[2]
    assert "Đợt hằng quý chỉ đánh giá cán bộ lãnh đạo, quản lý, theo mẫu 05." in page


@pytest.mark.parametrize("who", ["member", "secretary", "sibling", "parent_staff", "committee", "inspector", "admin"])
def test_the_units_list_links_exactly_the_reviews_the_reader_may_open(cast, who):
    """A draft is its writer's alone: the list names it without a link that would answer "not found"."""
    make_member(cast.cell, "Ngô Thị Hạnh")  # her review stays a draft: hers alone
    cycle = open_for(cast.commune)
    reviews = list(Review.objects.filter(cycle=cycle, unit=cast.cell))
    collective = next(review for review in reviews if review.member is None)
    complete_review(collective, cast.users["secretary"])  # the collective's first, then the members'
    complete_review(next(review for review in reviews if review.member == cast.members["secretary"]),
                    cast.users["secretary"])
    reviews = list(Review.objects.filter(cycle=cycle, unit=cast.cell))
    user = cast.users[who]

    page = cast.client(who).get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk]))

    if page.status_code != 200:
        return  # who may not open the cell's part of the cycle reads no list
    linked = {review.pk for review in reviews if reverse("reviews:reviews.detail", args=[review.pk]) + '"'
              in page.text}
    assert linked == {review.pk for review in reviews if policy.can_read_review(user, review)}
    assert linked, "each reader of the list may open some review (a submitted one at least)"
    assert len(linked) < len(reviews)  # the draft is never linked
