"""An ordered review cycle on a phone, through the steps that used to go wrong: a cell whose deputy secretary has
no login, a member who answers a review point only after her first submit was refused, the commune deciding the
collective first while the secretary self-proposed the top level, the excellent quota in numbers a reader
writes ("20 %"), and an administrator who may decide only after acting, with a reason, as the commune's committee.

What the story needs but does not watch (the collective's and the secretary's own reviews) is arranged through
the services, in the review order the cycle enforces.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org.enums import PostKind, Role
from soisua.org.models import StandIn
from soisua.org.services import assign_post, grant_role
from soisua.reviews.enums import ReviewStatus
from soisua.reviews.models import Cycle, Review, ReviewPrompt, RuleSet

from ..factories import UserFactory, complete_review, make_member
from .conftest import axe_check, login
from .test_review_journey import editor_status, rate, switch_user, visit, write_review

pytestmark = pytest.mark.browser

DEPUTY = "Cao Thị Ngọc"
POINT = "Làm rõ việc đồng chí vắng sinh hoạt chi bộ tháng 5"
ANSWER = "Tháng 5 đồng chí đi tập huấn chuyên môn của ngành giáo dục, đã báo cáo Bí thư chi bộ trước."
DRAFT_SAVED = "Đã lưu bản nháp lúc"
LEVEL_EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
LEVEL_GOOD = "Hoàn thành tốt nhiệm vụ"
OVERRIDE_REASON = "Chi bộ đã dùng hết chỉ tiêu xuất sắc của Đảng bộ xã."
STAND_IN_REASON = "Ban chấp hành Đảng bộ xã đang được kiện toàn sau đại hội."


def autosave_answer(page: Page, prompt: ReviewPrompt) -> None:
    """Type the answer to the review point and wait until the autosave carrying it is stored."""
    field = f"p_{prompt.pk}="

    def carries_the_answer(response) -> bool:
        data = response.request.post_data or ""
        return response.url.endswith("/autosave/") and field in data and not re.search(rf"{field}(&|$)", data)

    with page.expect_response(carries_the_answer) as saved:
        page.locator(f"textarea[name=p_{prompt.pk}]").fill(ANSWER)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
    version = re.search(r'name="version" value="(\d+)"', saved.value.text())
    assert version, f"the answer was not saved: {saved.value.text()}"
    expect(page.locator("#id_version")).to_have_value(version[1])
    expect(editor_status(page)).to_contain_text(DRAFT_SAVED)


def test_an_ordered_cycle_with_a_member_without_a_login(page: Page, cast, password, screenshot):
    member, secretary = cast.members["member"], cast.members["secretary"]
    deputy = make_member(cast.cell, DEPUTY)  # reviewed on paper: she has no login
    assign_post(deputy, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=SYSTEM)

    # 1. The commune's staff opens the yearly cycle; the review order is enforced, the rule set in force chosen.
    login(page, "parent_staff", password)
    visit(page, f"/reviews/units/{cast.commune.pk}/new-cycle/")
    form = page.locator("main form")
    expect(form.locator("input[name=enforce_order]")).to_be_checked()
    expect(form.locator("select[name=rule_set]")).to_have_value(str(RuleSet.objects.get(code="2025.2").pk))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reviews/cycles/\d+/$"))
    axe_check(page)
    expect(page.locator("form.close-cycle button")).to_be_visible()
    cycle = Cycle.objects.get()
    assert cycle.enforce_order
    reviews = {review.member_id: review for review in cycle.reviews.filter(unit=cast.cell)}
    collective, own, mine = reviews[None], reviews[secretary.pk], reviews[member.pk]

    # 2. The secretary writes the collective review; her own comes next, and the page says who waits for whom.
    complete_review(collective, cast.users["secretary"], level="good", general=25, tasks=55)
    switch_user(page, "secretary", password)
    visit(page, f"/reviews/cycles/{cycle.pk}/")
    expect(page.locator("main")).to_contain_text(f"{secretary.full_name} chưa nộp nên {member.full_name} chưa thể nộp.")
    expect(page.locator("main")).to_contain_text(f"Chưa có tài khoản: {DEPUTY}.")
    screenshot(page, "who-waits")
    # She proposes the top level for herself.
    complete_review(own, cast.users["secretary"], level="excellent", general=28, tasks=65)

    # 3. The deputy was reviewed on paper in the cell's meeting: the secretary records it.
    visit(page, f"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/")
    page.locator(f"main a[href='/reviews/{reviews[deputy.pk].pk}/on-paper/']").click()
    expect(page.locator("h1")).to_contain_text(DEPUTY)
    axe_check(page)
    expect(page.locator("input[name=paper_on]")).to_have_value("20/11/2026")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/$"))
    expect(page.locator("main table")).to_contain_text("(trên giấy, 20/11/2026)")
    axe_check(page)
    assert Review.objects.get(pk=reviews[deputy.pk].pk).status == ReviewStatus.SUBMITTED

    # 4. The commune sends the member a review point.
    switch_user(page, "parent_staff", password)
    visit(page, f"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/")
    page.locator(f"main a[href='/reviews/{mine.pk}/prompts/new/']").click()
    axe_check(page)
    page.locator("main form textarea[name=text]").fill(POINT)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi gợi ý kiểm điểm.")
    prompt = ReviewPrompt.objects.get(review=mine)

    # 5. The member writes her review and submits it without answering the point: refused, rightly. She answers
    #    it on the page that comes back, and "Save and submit" now goes through.
    switch_user(page, "member", password)
    visit(page, f"/reviews/{mine.pk}/edit/")
    expect(page.locator("main")).to_contain_text(POINT)
    write_review(page, answers={"duty_results": "Hoàn thành tốt nhiệm vụ giáo viên chủ nhiệm lớp 5A."},
                 general=28, tasks=65, level="excellent", checklist=True)
    page.locator("form.review-editor button[name=submit]").click()
    expect(page.locator("main [role=alert]")).to_contain_text(
        "Mục IV: hãy giải trình mọi gợi ý kiểm điểm của cấp trên.")
    axe_check(page)
    autosave_answer(page, prompt)
    # Taken after the autosave: a full-page screenshot leaves empty style attributes behind, which htmx would copy
    # onto the swapped-in version field against the page's style policy.
    screenshot(page, "answered-after-refusal")
    page.locator("form.review-editor button[name=submit]").click()
    expect(page).to_have_url(re.compile(rf"/reviews/{mine.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("Đã nộp bản kiểm điểm.")
    expect(page.locator("main")).to_contain_text(ANSWER)
    axe_check(page)
    prompt.refresh_from_db()
    assert prompt.answer == ANSWER
    assert Review.objects.get(pk=mine.pk).status == ReviewStatus.SUBMITTED

    # 6. Everyone in the cell has submitted: the ordered cycle is complete.
    switch_user(page, "secretary", password)
    visit(page, f"/reviews/cycles/{cycle.pk}/")
    expect(page.locator("main")).to_contain_text("Tất cả đã nộp.")
    expect(page.locator("main")).not_to_contain_text("chưa thể nộp")

    # 7. The cell proposes: "good" for the collective; "excellent" for the member, where the rule checks show the
    #    commune's quota in plain numbers.
    rate(page, collective, decision=False, level="good", comment="Chi bộ hoàn thành tốt các chỉ tiêu.")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận đề xuất của chi bộ.")
    rate(page, mine, decision=False, level="excellent", comment="Đồng chí có nhiều thành tích nổi bật.",
         checks_show="(20 % của 0 trường hợp")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận đề xuất của chi bộ.")

    # 8. The commune decides the collective first: no rule is broken (the secretary's self-proposal is no rating),
    #    so no override is asked for.
    switch_user(page, "parent_staff", password)
    rate(page, collective, decision=True, level="good", comment="Thống nhất với đề xuất của chi bộ.",
         checks_show="Mức này không vi phạm quy định nào")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận quyết định.")
    rating = page.locator("section[aria-labelledby=rating-title]")
    expect(rating.locator("dd strong")).to_have_text(LEVEL_GOOD)
    expect(rating.locator(".status-warn")).to_have_count(0)
    axe_check(page)
    decided = Review.objects.get(pk=collective.pk)
    assert (decided.decided_level, decided.overrides, decided.override_reason) == ("good", [], "")

    # 9. Deciding the member "excellent" breaks the quota: the refusal reads "20 %".
    rate(page, mine, decision=True, level="excellent", comment="Thống nhất với đề xuất của chi bộ.",
         checks_show="(20 % của 0 trường hợp")
    errors = page.locator("main [role=alert] .errorlist")
    expect(errors).to_contain_text(f"Đảng ủy xã Hòa An được xếp tối đa 0 “{LEVEL_EXCELLENT}” (20 % của 0")
    expect(errors).not_to_contain_text("E+")
    axe_check(page)
    screenshot(page, "quota-refused")
    assert not Review.objects.get(pk=mine.pk).decided_at

    # 10. An administrator of the province is not the commune's committee: no decision until she states a reason
    #     and acts in its place; then her decision stands, and the committee is told.
    administrator = UserFactory(username="quantri.tinh")
    grant_role(administrator, unit=cast.province, role=Role.ADMIN, by=SYSTEM)
    switch_user(page, "quantri.tinh", password)
    visit(page, f"/reviews/{mine.pk}/")
    expect(page.locator(f"main a[href='/reviews/{mine.pk}/decide/']")).to_have_count(0)
    assert page.goto(f"/reviews/{mine.pk}/decide/").status == 403
    visit(page, f"/units/{cast.commune.pk}/")
    page.locator("main a", has_text="Thay mặt cấp ủy này").click()
    axe_check(page)
    page.locator("main form textarea[name=reason]").fill(STAND_IN_REASON)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đồng chí đang thay mặt cấp ủy này")
    expect(page.locator("main .card")).to_contain_text(STAND_IN_REASON)
    expect(page.locator("main textarea[name=reason]")).to_have_count(0)  # one stand-in at a time
    screenshot(page, "stand-in")
    rate(page, mine, decision=True, level="good", comment="Quyết định thay Đảng ủy xã trong thời gian kiện toàn.",
         checks_show="không phải “Hoàn thành tốt nhiệm vụ”")
    page.locator("main form textarea[name=override_reason]").fill(OVERRIDE_REASON)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận quyết định.")
    decided = Review.objects.get(pk=mine.pk)
    assert (decided.decided_level, decided.decided_by, decided.override_reason) == (
        "good", administrator, OVERRIDE_REASON)
    stand_in = StandIn.objects.get(unit=cast.commune)
    assert (stand_in.user, stand_in.reason) == (administrator, STAND_IN_REASON)
    assert Notification.objects.filter(recipient=cast.users["parent_staff"], kind="org.standin").exists()
