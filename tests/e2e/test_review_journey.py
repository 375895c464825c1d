"""The whole review cycle in the browser, on a phone: the commune opens a fully anonymous yearly cycle, the cell
writes its collective review and the secretary her own, a member writes hers (the draft saves itself), members
give feedback the secretary reads without names and accepts, the cell proposes levels, the commune decides them
(one decision only with an override of the rules), and the member downloads her review as Word.

Reviews and feedback that the story needs but does not watch (the deputy's, a second member's) are arranged
through the services, in the review order the cycle enforces.
"""

import io
import re
from collections.abc import Callable

import pytest
from docx import Document
from playwright.sync_api import Locator, Page, expect

from soisua.core.actors import SYSTEM
from soisua.org.enums import Role
from soisua.org.models import Member
from soisua.org.services import grant_role, link_account
from soisua.reviews import services as review_services
from soisua.reviews.enums import Anonymity, FeedbackResponse, ReviewStatus
from soisua.reviews.models import Cycle, Feedback, Review

from ..factories import UserFactory, complete_review
from .conftest import axe_check, login, open_menu

pytestmark = pytest.mark.browser

# The interface speaks Vietnamese (LANGUAGE_CODE = "vi"); these are the catalogue's words the journey waits for.
DRAFT_SAVED = "Đã lưu bản nháp lúc"
SUBMITTED = "Đã nộp bản kiểm điểm."
LEVEL_GOOD = "Hoàn thành tốt nhiệm vụ"
LEVEL_COMPLETED = "Hoàn thành nhiệm vụ"
HEAD_ABOVE_COLLECTIVE = "Người đứng đầu không được xếp loại cao hơn tập thể do mình đứng đầu"

FEEDBACK_FROM_MEMBER = "Đồng chí Bí thư còn giao việc dồn vào cuối tháng, chi bộ khó theo dõi tiến độ."
FEEDBACK_FROM_DEPUTY = "Sinh hoạt chuyên đề chưa đều, quý III không tổ chức."
FEEDBACK_FROM_NEIGHBOUR = "Đồng chí cần lắng nghe thêm ý kiến của đảng viên trẻ."


def switch_user(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    login(page, username, password)


def visit(page: Page, url: str) -> None:
    page.goto(url)
    axe_check(page)


def editor_status(page: Page) -> Locator:
    return page.locator("#autosave-status")


def autosave_last_change(page: Page, change: Callable[[], None], *, posts: str) -> None:
    """Make the editor's last change and wait until its autosave is stored and swapped in.

    `posts` is a fragment of the form data only that last save carries. Afterwards no autosave is pending and
    the form holds the current version, so "Save and submit" cannot race an autosave into a stale-version
    refusal.
    """
    with page.expect_response(lambda response: response.url.endswith("/autosave/")
                              and posts in (response.request.post_data or "")) as saved:
        change()
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
    version = re.search(r'name="version" value="(\d+)"', saved.value.text())
    assert version, f"the autosave did not save: {saved.value.text()}"
    expect(page.locator("#id_version")).to_have_value(version[1])
    expect(editor_status(page)).to_contain_text(DRAFT_SAVED)


def write_review(page: Page, *, answers: dict[str, str], general: int, tasks: int, level: str,
                 checklist: bool) -> None:
    """Fill the editor: a few answers, every checklist item "not present", the self-score and the level."""
    editor = page.locator("form.review-editor")
    for key, text in answers.items():
        editor.locator(f"textarea[name=a_{key}]").fill(text)
    if checklist:
        radios = editor.locator("input[type=radio][value=absent]")
        # The walk has one radio pair per checklist item (46 in the 2025 rule set); clicking them one by one
        # through Playwright would take seconds, a click in the page each takes none.
        assert radios.count() == 46
        radios.evaluate_all("radios => radios.forEach(radio => radio.click())")
    editor.locator("input[name=self_score_general]").fill(str(general))
    editor.locator("input[name=self_score_tasks]").fill(str(tasks))
    autosave_last_change(page, lambda: editor.locator("select[name=self_level]").select_option(level),
                         posts=f"self_level={level}")


def submit_review(page: Page, review: Review) -> None:
    page.locator("form.review-editor button[name=submit]").click()
    # A fragment in the editor's address (#shortcomings) survives the redirect.
    expect(page).to_have_url(re.compile(rf"/reviews/{review.pk}/(#\w+)?$"))
    expect(page.locator(".messages")).to_contain_text(SUBMITTED)
    axe_check(page)


def rate(page: Page, review: Review, *, decision: bool, level: str, comment: str, checks_show: str = "") -> None:
    """On "Comment and propose a level" or "Decide the level": write the comment, choose the level (the rule
    checks follow by htmx and must show `checks_show`, if given), record."""
    page.goto(f"/reviews/{review.pk}/")
    action = "decide" if decision else "propose"
    page.locator(f"main a[href='/reviews/{review.pk}/{action}/']").click()
    axe_check(page)
    form = page.locator("main form")
    form.locator("textarea[name=comment]").fill(comment)
    # Any change in the form refreshes the rule checks by htmx: let the textarea's change happen now, not on
    # the click below, and let the refreshes finish before the page is left.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    with page.expect_response(lambda response: f"/{action}/?" in response.url):
        form.locator("select[name=level]").select_option(level)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    if checks_show:
        expect(page.locator("#rule-checks")).to_contain_text(checks_show)
    form.locator("button[type=submit]").click()


def test_review_cycle_from_opening_to_decision(page: Page, demo_cast, password, screenshot):
    cast = demo_cast
    member, secretary = cast.members["member"], cast.members["secretary"]
    deputy = Member.objects.get(cell=cast.cell, full_name="Cao Thị Ngọc")
    neighbour = Member.objects.get(cell=cast.cell, full_name="Nguyễn Văn An")
    deputy_user, neighbour_user = UserFactory(username="phobithu"), UserFactory(username="nguyenvanan")
    link_account(deputy, user=deputy_user, by=SYSTEM)
    link_account(neighbour, user=neighbour_user, by=SYSTEM)
    # The deputy sits on the cell committee: she appraises the secretary's own review (no one appraises their own).
    grant_role(deputy_user, unit=cast.cell, role=Role.COMMITTEE, by=SYSTEM)

    # 1. The commune's staff opens the yearly cycle, feedback fully anonymous.
    login(page, "parent_staff", password)
    visit(page, f"/units/{cast.commune.pk}/")
    page.locator(f"a[href='/reviews/units/{cast.commune.pk}/cycles/']").click()
    axe_check(page)
    page.locator(f"a[href='/reviews/units/{cast.commune.pk}/new-cycle/']").click()
    form = page.locator("main form")
    expect(form.locator("select[name=kind]")).to_have_value("year")
    form.locator("select[name=anonymity]").select_option("anonymous")
    axe_check(page)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reviews/cycles/\d+/$"))
    expect(page.locator("dl.facts")).to_contain_text("Ẩn danh hoàn toàn")
    axe_check(page)
    cycle = Cycle.objects.get()
    assert cycle.anonymity == Anonymity.ANONYMOUS and cycle.kind == "year"
    reviews = {review.member_id: review for review in cycle.reviews.filter(unit=cast.cell)}
    collective = reviews[None]

    # 2. The secretary writes the collective review (form 01, no checklist), then her own (form 2A, for leaders)
    #    with a shortcoming of her own.
    switch_user(page, "secretary", password)
    visit(page, f"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/")
    page.locator(f"main a[href='/reviews/{collective.pk}/']").click()
    expect(page.locator("h1")).to_contain_text(cast.cell.name)
    axe_check(page)
    page.locator(f"main a[href='/reviews/{collective.pk}/edit/']").click()
    page.wait_for_load_state()  # the editor's autosave listens once htmx has processed the page
    expect(page.locator("h1")).to_contain_text(cast.cell.name)
    expect(page.locator("input[type=radio]")).to_have_count(0)
    # A collective that met its core targets only: 65 points is "Hoàn thành nhiệm vụ".
    write_review(page, answers={
        "democratic_centralism": "Chi bộ duy trì sinh hoạt định kỳ, thực hiện đúng nguyên tắc tập trung dân chủ.",
        "targets": "Hoàn thành 9/10 chỉ tiêu nghị quyết năm; chỉ tiêu phát triển đảng viên chưa đạt.",
        "leadership_responsibility": "Lãnh đạo thôn hoàn thành kế hoạch xây dựng nông thôn mới."},
        general=20, tasks=45, level="completed", checklist=False)
    axe_check(page)
    screenshot(page, "collective-editor")
    submit_review(page, collective)
    assert Review.objects.get(pk=collective.pk).status == ReviewStatus.SUBMITTED

    own = reviews[secretary.pk]
    page.goto(f"/reviews/cycles/{cycle.pk}/")
    page.locator(f"main a.button[href='/reviews/{own.pk}/edit/']").click()
    page.wait_for_load_state()  # the editor's autosave listens once htmx has processed the page
    expect(page.locator("h1")).to_contain_text(secretary.full_name)
    axe_check(page)
    page.locator("form.review-editor button[name=add_shortcoming]").click()  # saves what was typed, then opens
    form = page.locator("main form")
    form.locator("textarea[name=text]").fill("Chưa dành đủ thời gian kiểm tra việc thực hiện nghị quyết ở các tổ.")
    form.locator("select[name=cause]").select_option("subjective")
    form.locator("textarea[name=cause_text]").fill("Ôm đồm công việc chuyên môn ở trường.")
    axe_check(page)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/reviews/{own.pk}/edit/#shortcomings$"))
    expect(page.locator("#shortcomings")).to_contain_text("Chưa dành đủ thời gian kiểm tra")
    write_review(page, answers={
        "political_ideology": "Kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh.",
        "duty_results": "Hoàn thành các nhiệm vụ được giao.",
        "leadership_management": "Lãnh đạo chi bộ xây dựng và thực hiện nghị quyết năm."},
        general=25, tasks=60, level="good", checklist=True)
    axe_check(page)
    screenshot(page, "own-editor")
    submit_review(page, own)
    expect(page.locator("main")).to_contain_text(LEVEL_GOOD)
    own.refresh_from_db()
    assert own.status == ReviewStatus.SUBMITTED and len(own.checklist) == 46
    assert not any(answer["present"] for answer in own.checklist.values())
    assert own.shortcomings.get().cause_text == "Ôm đồm công việc chuyên môn ở trường."

    # The deputy and a second member go next in the review order; the story does not watch them write.
    complete_review(reviews[deputy.pk], deputy_user)
    complete_review(reviews[neighbour.pk], neighbour_user)

    # 3. The member writes her review: the draft saves itself and survives a reload.
    switch_user(page, "member", password)
    open_menu(page)  # on a phone the navigation is behind the header's menu button
    page.locator("nav a[href='/reviews/mine/']").click()
    axe_check(page)
    page.locator(f"main a[href='/reviews/{reviews[member.pk].pk}/']").click()
    page.locator(f"main a[href='/reviews/{reviews[member.pk].pk}/edit/']").click()
    page.wait_for_load_state()  # the editor's autosave listens once htmx has processed the page
    expect(editor_status(page)).not_to_contain_text(DRAFT_SAVED)
    page.locator("textarea[name=a_pledge_results]").fill("Giữ gìn đạo đức, lối sống giản dị, gần gũi nhân dân.")
    expect(editor_status(page)).to_contain_text(DRAFT_SAVED)
    axe_check(page)
    screenshot(page, "member-autosaved")
    page.reload()
    expect(page.locator("textarea[name=a_pledge_results]")).to_have_value(
        "Giữ gìn đạo đức, lối sống giản dị, gần gũi nhân dân.")
    write_review(page, answers={"duty_results": "Hoàn thành tốt nhiệm vụ giáo viên chủ nhiệm lớp 5A."},
                 general=25, tasks=60, level="good", checklist=True)
    submit_review(page, reviews[member.pk])
    assert Review.objects.get(pk=reviews[member.pk].pk).status == ReviewStatus.SUBMITTED

    # 4. Feedback on the secretary's review. Under full anonymity it stays hidden until three people gave some
    #    (not counting the reader).
    for author, text in ((deputy_user, FEEDBACK_FROM_DEPUTY), (neighbour_user, FEEDBACK_FROM_NEIGHBOUR)):
        review_services.give_feedback(review=own, from_unit=cast.cell, kind="shortcoming", text=text, by=author)
    visit(page, f"/reviews/{own.pk}/")
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("Góp ý chỉ hiện khi có ít nhất 3 người góp ý.")
    expect(feedback).not_to_contain_text(FEEDBACK_FROM_DEPUTY)
    form = feedback.locator(f"form[action='/reviews/{own.pk}/feedback/']")
    form.locator("select[name=kind]").select_option("shortcoming")
    form.locator("textarea[name=text]").fill(FEEDBACK_FROM_MEMBER)
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("góp ý đã được ghi nhận")
    # Three people gave feedback, but an author does not lift the threshold for herself: she sees her own only.
    expect(feedback).to_contain_text(FEEDBACK_FROM_MEMBER)
    expect(feedback).to_contain_text("Góp ý chỉ hiện khi có ít nhất 3 người góp ý.")
    expect(feedback).not_to_contain_text(FEEDBACK_FROM_DEPUTY)
    axe_check(page)
    assert not Feedback.objects.filter(review=own, author__isnull=False).exists()

    switch_user(page, "secretary", password)
    visit(page, f"/reviews/{own.pk}/")
    for text in (FEEDBACK_FROM_MEMBER, FEEDBACK_FROM_DEPUTY, FEEDBACK_FROM_NEIGHBOUR):
        expect(feedback).to_contain_text(text)
    page_text = page.locator("body").inner_text()
    for name in (member.full_name, deputy.full_name, neighbour.full_name):
        assert name not in page_text, f"{name} is named on a fully anonymous review page"
    screenshot(page, "anonymous-feedback")
    feedback.locator("li", has_text=FEEDBACK_FROM_MEMBER).get_by_role("link", name="Trả lời").click()
    expect(page.locator("main")).to_contain_text(FEEDBACK_FROM_MEMBER)
    axe_check(page)
    page.locator("input[name=response][value=accept]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/reviews/{own.pk}/#feedback$"))
    expect(feedback.locator("li", has_text=FEEDBACK_FROM_MEMBER)).to_contain_text("Tiếp thu là khuyết điểm")
    axe_check(page)
    accepted = Feedback.objects.get(review=own, text=FEEDBACK_FROM_MEMBER)
    assert accepted.response == FeedbackResponse.ACCEPTED and accepted.shortcoming.review_id == own.pk

    # 5. The cell proposes: the member's level as she proposed it; the collective's; and its head held to the
    #    collective's level, which the rule checks point out does not match her score.
    rate(page, reviews[member.pk], decision=False, level="good", comment="Chi bộ thống nhất mức tự nhận.")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận đề xuất của chi bộ.")
    rate(page, collective, decision=False, level="completed", comment="Chỉ tiêu phát triển đảng viên chưa đạt.")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận đề xuất của chi bộ.")
    switch_user(page, "phobithu", password)
    rate(page, own, decision=False, level="completed", comment="Người đứng đầu không xếp cao hơn tập thể.",
         checks_show="Số điểm 85 thuộc khung “Hoàn thành tốt nhiệm vụ”")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận đề xuất của chi bộ.")
    assert [Review.objects.get(pk=pk).cell_level for pk in (reviews[member.pk].pk, collective.pk, own.pk)] == [
        "good", "completed", "completed"]

    # 6. The commune decides: the collective as proposed; the head one level above, which breaks the rule "the
    #    head not above the collective" and is refused until the override is written down.
    switch_user(page, "parent_staff", password)
    visit(page, f"/reviews/cycles/{cycle.pk}/units/{cast.cell.pk}/")
    expect(page.locator("main table")).to_contain_text(secretary.full_name)
    rate(page, collective, decision=True, level="completed", comment="Thống nhất với đề xuất của chi bộ.",
         checks_show="Mức này không vi phạm quy định nào")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận quyết định.")
    rating = page.locator("section[aria-labelledby=rating-title]")
    expect(rating.locator("dd strong")).to_have_text(LEVEL_COMPLETED)
    axe_check(page)

    rate(page, own, decision=True, level="good", comment="Đồng chí đã hoàn thành tốt nhiệm vụ chuyên môn.",
         checks_show=HEAD_ABOVE_COLLECTIVE)
    expect(page.locator("main [role=alert] .errorlist")).to_contain_text(HEAD_ABOVE_COLLECTIVE)
    expect(page.locator("#rule-checks")).to_contain_text(HEAD_ABOVE_COLLECTIVE)
    axe_check(page)
    screenshot(page, "decision-refused")
    assert not Review.objects.get(pk=own.pk).decided_at
    page.locator("textarea[name=override_reason]").fill("Ban Thường vụ Đảng ủy xã đã xem xét và thống nhất.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/reviews/{own.pk}/$"))
    expect(rating.locator("dd strong")).to_have_text(LEVEL_GOOD)
    expect(rating.locator(".status-warn")).to_contain_text("Đã quyết định dù vi phạm các quy định sau:")
    expect(rating.locator(".status-warn")).to_contain_text(HEAD_ABOVE_COLLECTIVE)
    expect(rating.locator(".status-warn")).to_contain_text("Ban Thường vụ Đảng ủy xã đã xem xét và thống nhất.")
    axe_check(page)
    screenshot(page, "decision-with-override")
    own.refresh_from_db()
    assert own.decided_level == "good" and [check["code"] for check in own.overrides] == ["head_above_collective"]
    assert Review.objects.get(pk=collective.pk).decided_level == "completed"

    # 7. The member downloads her review as Word.
    switch_user(page, "member", password)
    visit(page, f"/reviews/{reviews[member.pk].pk}/")
    expect(page.locator("section[aria-labelledby=rating-title]")).to_contain_text(LEVEL_GOOD)
    with page.expect_download() as download:
        page.locator(f"main a[href='/reviews/{reviews[member.pk].pk}/document.docx']").click()
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join([paragraph.text for paragraph in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" in text
    assert member.full_name in text
    assert "Hoàn thành tốt nhiệm vụ giáo viên chủ nhiệm lớp 5A." in text
