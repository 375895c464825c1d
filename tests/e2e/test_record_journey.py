"""A member drafts her annual review from the year's record on a phone: under section I she opens "From this year's
record", cites an absence with its reason, a shortcoming whose fix was verified and a directive task she reported
on, submits, and the review page shows the three citations, each linking to the page it came from.

The year (meetings, the correction, the directive) and the rest of the review are arranged through the services.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from soisua.reviews.models import Review

from ..factories import complete_review
from ..reviews.test_cycles import open_for
from ..reviews.test_record_facts import REASON, SHORTCOMING, TASK, year_record
from .conftest import axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("in_review_season")]


def cite(page: Page, text: str) -> None:
    """Open the record under section I and cite the fact that reads `text`; the editor comes back at section I."""
    section = page.locator("section[aria-labelledby=section-I]")
    section.locator("details.record > summary").click()
    section.locator("details.record li", has_text=text).get_by_role("button", name="Trích dẫn").click()
    expect(page).to_have_url(re.compile(r"/edit/#section-I$"))
    expect(page.locator(".messages")).to_contain_text("Đã thêm trích dẫn.")
    expect(section.locator(".record-cited")).to_contain_text(text)


def test_a_member_cites_three_facts_of_her_year_and_each_leads_to_its_source(page: Page, cast, password,
                                                                              screenshot):
    world = year_record(cast)
    cycle = open_for(cast.commune, enforce_order=False)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])
    complete_review(review, cast.users["member"], submit=False)

    login(page, "member", password)
    page.goto(f"/reviews/{review.pk}/edit/")
    for text in (REASON, SHORTCOMING, TASK):
        cite(page, text)
    page.locator("section[aria-labelledby=section-I] details.record > summary").click()
    axe_check(page)  # the editor with its citations and the record open
    screenshot(page, "cited")

    page.locator("form.review-editor button[name=submit]").click()
    expect(page).to_have_url(re.compile(rf"/reviews/{review.pk}/(#[\w-]+)?$"))
    axe_check(page)
    cited = page.locator(".review-section .record-list").first
    for text in (REASON, SHORTCOMING, TASK):
        expect(cited).to_contain_text(text)
    expect(page.locator("#evidence")).to_contain_text(SHORTCOMING)
    screenshot(page, "review-page")

    sources = [(REASON, rf"/meetings/{world['absent'].pk}/\?step=during#roll$", REASON),
               (SHORTCOMING, rf"/corrections/{world['shortcoming'].pk}/$", SHORTCOMING),
               (TASK, rf"/directives/receipts/{world['task'].receipt_id}/$", TASK)]
    for text, address, shown in sources:
        page.goto(f"/reviews/{review.pk}/")
        cited.locator("li", has_text=text).get_by_role("link").click()
        expect(page).to_have_url(re.compile(address))
        expect(page.locator("main")).to_contain_text(shown)
        axe_check(page)
