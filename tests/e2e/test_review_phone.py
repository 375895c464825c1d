"""A member on a phone: the checklist picker's filter finds items without diacritics, and the review editor warns
before a page with unsaved text is left, never after the autosave has caught up."""

import pytest
from playwright.sync_api import Page, expect

from soisua.reviews.models import Review
from tests.reviews.test_cycles import open_for

from .conftest import axe_check, login

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_the_checklist_filter_ignores_diacritics_and_the_editor_warns_about_unsaved_text(page: Page, demo_cast,
                                                                                       password):
    cycle = open_for(demo_cast.commune, enforce_order=False)
    review = Review.objects.get(cycle=cycle, member=demo_cast.members["member"])
    page.set_viewport_size(PHONE)
    login(page, "member", password)

    page.goto(f"/reviews/{review.pk}/shortcomings/new/")
    picker = page.locator("[data-checklist-picker]")
    picker.locator("input[type=search]").fill("tu tuong")

    visible = picker.locator("[data-filter-item]:visible")
    expect(visible.first).to_be_visible()
    texts = visible.all_inner_texts()
    assert texts and all("tư tưởng" in text.lower() for text in texts)
    assert picker.locator("[data-filter-item]").count() == 46
    axe_check(page)

    page.goto(f"/reviews/{review.pk}/edit/")
    page.wait_for_load_state()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    box = page.locator("form.review-editor textarea").first
    box.click()  # a real gesture: browsers ask before unloading only pages the person interacted with
    box.press_sequentially("Một đoạn vừa gõ")
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
