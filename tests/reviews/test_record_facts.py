"""A review drafted from the year's record: the facts offered to its writer (meetings, corrections, directives),
citing them in the editor (stored as data, never written into the member's text, surviving autosave and the
version lock), and what readers see of them: the sentence always, the link only where they may open the source."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soisua.corrections import services as corrections
from soisua.directives import services as directives
from soisua.directives.enums import TargetMode, TaskStatus
from soisua.directives.models import Receipt
from soisua.dues import services as dues
from soisua.meetings import services as meetings
from soisua.meetings.models import Attendance
from soisua.org.models import CellMembership, Member
from soisua.oversight import services as oversight
from soisua.reviews import record
from soisua.reviews.models import Review
from tests.factories import UserFactory, make_member
from tests.files import docx_text
from tests.reviews.test_api import get as api_get
from tests.reviews.test_cycles import open_for
from tests.reviews.test_editor import edit, full_form, page_version

# The year's record is written with the dates of 2026, and cited in its review season.
pytestmark = pytest.mark.usefixtures("in_review_season")

REASON = "Đi tập huấn nghiệp vụ ở huyện"
SHORTCOMING = "Chưa đóng đảng phí đúng hạn tháng 2"
TASK = "Tổ chức cho đảng viên học tập Kết luận 21-KL/TW"
PDF = b"%PDF-1.4\n% evidence\n"


def local(year, month, day, hour=19, minute=30) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour - 7, minute, tzinfo=datetime.UTC)


def hold(cast, start: datetime.datetime, title: str, marks: dict, *, kind="regular", spoke=(), approve=True):
    secretary = cast.users["secretary"]
    meeting = meetings.schedule_meeting(cast.cell, kind=kind, title=title, starts_at=start,
                                        ends_at=start + datetime.timedelta(minutes=120), by=secretary)
    for line in Attendance.objects.filter(meeting=meeting).select_related("member"):
        meetings.mark_attendance(line, by=secretary, **marks.get(line.member_id, {"status": "present"}))
    for member in spoke:
        meetings.add_contribution(meeting, member=member, kind="opinion", note="Ý kiến", by=secretary)
    if approve:
        meetings.save_minutes(meeting, conclusions="Chi bộ thống nhất.", by=secretary)
        meetings.approve_minutes(meeting, by=secretary)
    return meeting


def verified_shortcoming(cast):
    member, secretary = cast.users["member"], cast.users["secretary"]
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text=SHORTCOMING,
                                                 by=secretary)
    plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                   deadline=datetime.date(2027, 2, 28), by=member)
    measure = corrections.add_measure(plan, text="Đóng đảng phí trước ngày 5 hằng tháng",
                                      supervisor=cast.members["secretary"], deadline=datetime.date(2027, 2, 28),
                                      by=member)
    corrections.add_step(measure, what="Nộp biên lai", due=datetime.date(2026, 12, 10), by=member)
    corrections.submit_plan(plan, by=member)
    corrections.decide_plan(plan, approve=True, by=secretary)
    corrections.post_progress(shortcoming, note="Biên lai", evidence=SimpleUploadedFile("bien-lai.pdf", PDF),
                              by=member)
    corrections.claim_fix(shortcoming, note="Đã đóng đủ", by=member)
    corrections.verify_fix(shortcoming, note="Đủ", by=secretary)
    shortcoming.refresh_from_db()
    return shortcoming


def reported_task(cast):
    directive = directives.create_draft(
        cast.commune, tasks=["Học tập, quán triệt Kết luận 21-KL/TW"], report_dates=[datetime.date(2026, 12, 31)],
        by=cast.users["committee"], kind="KH", number="75", issuer_symbol="ĐUX", issued_on=datetime.date(2026, 3, 1),
        title="Thực hiện Kết luận 21-KL/TW", target_mode=TargetMode.CHILDREN)
    directive = directives.issue(directive, version=directive.version, by=cast.users["committee"])
    receipt = Receipt.objects.get(directive=directive, unit=cast.cell)
    key_task = directive.tasks.get()
    task = directives.add_task(receipt, key_task=key_task, text=TASK, owner=cast.members["member"],
                               deadline=datetime.date(2026, 10, 31), by=cast.users["secretary"])
    directives.file_report(receipt, key_task=key_task, period=directive.periods.get(), percent=100,
                           status=TaskStatus.DONE, narrative="Đã học tập", by=cast.users["secretary"])
    return task


def year_record(cast) -> dict:
    member = cast.members["member"]
    absent = hold(cast, local(2026, 3, 5), "Sinh hoạt chi bộ tháng 3", {member.pk: {"status": "excused",
                                                                                   "reason": REASON}})
    present = hold(cast, local(2026, 4, 3), "Sinh hoạt chi bộ tháng 4", {}, spoke=[member])
    return {"absent": absent, "present": present, "shortcoming": verified_shortcoming(cast),
            "task": reported_task(cast)}


def member_review(cast) -> Review:
    cycle = open_for(cast.commune, enforce_order=False)
    return Review.objects.get(cycle=cycle, member=cast.members["member"])


def fact_of(review, prefix: str) -> record.Fact:
    return next(fact for fact in record.facts_for(review) if fact.key.startswith(prefix))


def absence_key(world, cast) -> str:
    line = Attendance.objects.get(meeting=world["absent"], member=cast.members["member"])
    return f"meetings.attendance:{line.pk}"


# --- the facts offered --------------------------------------------------------------------------------------------


def test_a_members_facts_cover_meetings_corrections_and_directives_with_their_sources(cast):
    world = year_record(cast)
    review = member_review(cast)

    facts = {fact.key: fact for fact in record.facts_for(review)}

    absence = facts[absence_key(world, cast)]
    assert absence.text == f"Vắng có lý do buổi “Sinh hoạt chi bộ tháng 3” ngày 05/03/2026: {REASON}."
    assert absence.source == "Biên bản sinh hoạt chi bộ ngày 05/03/2026"
    assert absence.url == reverse("meetings:detail", args=[world["absent"].pk]) + "?step=during#roll"
    summary = facts[f"meetings.summary:{cast.cell.pk}"]
    assert "dự 1/2 buổi" in summary.text and "vắng có lý do 1" in summary.text and "phát biểu 1 lần" in summary.text
    assert any(key.startswith("meetings.contribution:") for key in facts)
    fixed = facts[f"corrections.shortcoming:{world['shortcoming'].pk}"]
    assert f"đã được xác nhận khắc phục ngày {world['shortcoming'].verified_at:%d/%m/%Y}" in fixed.text
    assert fixed.url == reverse("corrections:shortcomings.detail", args=[world["shortcoming"].pk])
    assert fixed.file_url.startswith("/corrections/evidence/")
    task = facts[f"directives.task:{world['task'].pk}"]
    assert TASK in task.text and "75-KH/ĐUX" in task.text and "hoàn thành, 100 %" in task.text
    assert task.url == reverse("directives:receipt", args=[world["task"].receipt_id])


def test_the_record_leaves_out_what_lies_outside_the_period_and_other_members_lines(cast):
    world = year_record(cast)
    hold(cast, local(2025, 12, 3), "Sinh hoạt chi bộ tháng 12/2025", {})
    review = member_review(cast)

    texts = " ".join(fact.text for fact in record.facts_for(review))
    secretary_line = Attendance.objects.get(meeting=world["absent"], member=cast.members["secretary"])

    assert "tháng 12/2025" not in texts
    assert f"meetings.attendance:{secretary_line.pk}" not in {fact.key for fact in record.facts_for(review)}


def test_the_collective_is_offered_the_cells_meetings_and_corrections(cast):
    year_record(cast)
    hold(cast, local(2026, 6, 10), "Chuyên đề học tập và làm theo Bác", {}, kind="thematic")
    cycle = open_for(cast.commune, enforce_order=False)
    collective = Review.objects.get(cycle=cycle, unit=cast.cell, member=None)

    facts = {fact.key: fact for fact in record.facts_for(collective)}

    held = facts[f"meetings.held:{cast.cell.pk}"].text
    assert "tổ chức 2 buổi sinh hoạt thường kỳ" in held and "11 tháng" in held
    assert "Chuyên đề đã tổ chức: 1" in facts[f"meetings.thematic:{cast.cell.pk}"].text
    assert "đã xác nhận khắc phục: 1" in facts[f"corrections.counts:{cast.cell.pk}"].text.lower()


def test_a_member_is_offered_the_dues_months_paid_and_owed_in_the_period(cast):
    member = cast.members["member"]
    Member.objects.filter(pk=member.pk).update(admission_date=datetime.date(2010, 5, 19))
    CellMembership.objects.filter(member=member).update(started_on=datetime.date(2015, 1, 1))  # long in the cell
    dues.start_recording(cast.cell, month=datetime.date(2026, 9, 1), by=cast.users["secretary"])
    for month in (9, 11):
        dues.record_payment(cast.members["member"], month=datetime.date(2026, month, 1), amount=30000,
                            collected_on=datetime.date(2026, 11, 15), by=cast.users["secretary"])
    review = member_review(cast)

    fact = fact_of(review, "dues.standing:")
    links = {who: record.links_for(cast.users[who], [fact.key]) for who in ("member", "sibling")}

    assert fact.text == "Đảng phí từ tháng 09/2026 đến tháng 11/2026: đã đóng 2/3 tháng. Còn thiếu: 10/2026."
    assert fact.url == reverse("dues:member", args=[cast.members["member"].pk])
    assert links["member"] == {fact.key: (fact.url, "")} and links["sibling"] == {}


def concluded_inspection(cast, finding: str, *, conclude=True):
    inspection = oversight.plan_inspection(
        cast.commune, year=2026, kind="thematic_supervision", subject_unit=cast.cell,
        content="Việc thực hiện nghị quyết về chuyển đổi cây trồng", period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 11, 30), team=[cast.users["parent_staff"]], by=cast.users["committee"])
    inspection = oversight.notify_subject(inspection, by=cast.users["committee"])
    oversight.record_finding(inspection, text=finding, by=cast.users["parent_staff"])
    if conclude:
        oversight.conclude(inspection, number="05-KL/ĐUX", date=datetime.date(2026, 11, 20),
                           conclusion="Chi bộ thực hiện còn chậm.", by=cast.users["committee"])
    return inspection


def test_the_collective_is_offered_the_findings_of_concluded_inspections_only(cast):
    concluded = concluded_inspection(cast, "Chưa có lộ trình chuyển đổi cụ thể")
    concluded_inspection(cast, "Ghi chép của đoàn, chưa kết luận", conclude=False)
    cycle = open_for(cast.commune, enforce_order=False)
    collective = Review.objects.get(cycle=cycle, unit=cast.cell, member=None)

    facts = [fact for fact in record.facts_for(collective) if fact.key.startswith("oversight.")]
    links = record.links_for(cast.users["sibling"], [fact.key for fact in facts])

    assert [fact.text for fact in facts] == [
        "Giám sát chuyên đề của Đảng ủy xã Hòa An phát hiện: Chưa có lộ trình chuyển đổi cụ thể"]
    assert facts[0].source == "Kết luận 05-KL/ĐUX ngày 20/11/2026, Đảng ủy xã Hòa An"
    assert facts[0].url == reverse("oversight:detail", args=[concluded.pk])
    assert links == {}


def test_facts_for_costs_the_same_queries_however_long_the_record(cast):
    year_record(cast)
    review = member_review(cast)
    with CaptureQueriesContext(connection) as few:
        record.facts_for(review)
    for month in range(5, 10):
        hold(cast, local(2026, month, 3), f"Sinh hoạt chi bộ tháng {month}", {}, spoke=[cast.members["member"]])
    for number in range(3):
        corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text=f"Khuyết điểm {number}",
                                       by=cast.users["secretary"])
    review = Review.objects.get(pk=review.pk)

    with CaptureQueriesContext(connection) as many:
        facts = record.facts_for(review)

    assert len(facts) > 15
    assert len(many) == len(few)


def test_links_for_the_cited_facts_cost_the_same_queries_however_many_are_cited(cast):
    year_record(cast)
    review = member_review(cast)
    reader = cast.users["secretary"]
    few_keys = [fact.key for fact in record.facts_for(review)]
    record.links_for(reader, few_keys)  # the reader's scope is read once, then kept
    with CaptureQueriesContext(connection) as few:
        record.links_for(reader, few_keys)
    for month in range(5, 10):
        hold(cast, local(2026, month, 3), f"Sinh hoạt chi bộ tháng {month}", {}, spoke=[cast.members["member"]])
    many_keys = [fact.key for fact in record.facts_for(Review.objects.get(pk=review.pk))]

    with CaptureQueriesContext(connection) as many:
        links = record.links_for(reader, many_keys)

    assert len(many_keys) > len(few_keys) + 8 and len(links) == len(many_keys)
    assert len(many) == len(few)


# --- citing in the editor -----------------------------------------------------------------------------------------


def test_citing_stores_the_fact_under_its_section_and_leaves_the_text_alone(cast):
    world = year_record(cast)
    review = member_review(cast)
    key = absence_key(world, cast)
    client = cast.client("member")
    data = full_form(review, citations_sent="1", cite=f"I|{key}")

    response = edit(client, review, data)

    review.refresh_from_db()
    assert response.status_code == 302 and response["Location"].endswith("#section-I")
    assert review.citations == [{"section": "I", "key": key, "text": fact_of(review, key).text,
                                 "source": "Biên bản sinh hoạt chi bộ ngày 05/03/2026", "evidence": True}]
    assert REASON not in " ".join(review.answers.values())
    page = client.get(reverse("reviews:reviews.edit", args=[review.pk])).content.decode()
    assert f'name="citation" value="I|{key}"' in page and "Từ hồ sơ năm nay" in page and "Trích dẫn" in page


def test_citations_survive_autosave_and_a_stale_save_changes_nothing(cast):
    world = year_record(cast)
    review = member_review(cast)
    key = absence_key(world, cast)
    client = cast.client("member")
    edit(client, review, full_form(review, citations_sent="1", cite=f"I|{key}"))
    review.refresh_from_db()
    stale_version = review.version - 1

    client.post(reverse("reviews:reviews.autosave", args=[review.pk]),
                full_form(review, citations_sent="1", citation=f"I|{key}", a_duty_results="Đã sửa"))
    stale = edit(client, review, full_form(review, version=stale_version, citations_sent="1", citation=[]))

    review.refresh_from_db()
    assert review.answers["duty_results"] == "Đã sửa"
    assert [cited["key"] for cited in review.citations] == [key]
    assert stale.status_code == 200 and "được lưu ở nơi khác" in stale.content.decode()
    assert page_version(stale) == review.version


def test_removing_a_citation_keeps_the_others(cast):
    world = year_record(cast)
    review = member_review(cast)
    absence, task = absence_key(world, cast), f"directives.task:{world['task'].pk}"
    client = cast.client("member")
    edit(client, review, full_form(review, citations_sent="1", citation=[f"I|{absence}", f"I|{task}"]))
    review.refresh_from_db()

    edit(client, review, full_form(review, citations_sent="1", citation=[f"I|{absence}", f"I|{task}"],
                                   uncite=f"I|{absence}"))

    review.refresh_from_db()
    assert [cited["key"] for cited in review.citations] == [task]


def test_a_fact_not_offered_to_the_review_cannot_be_cited(cast):
    world = year_record(cast)
    review = member_review(cast)
    secretary_line = Attendance.objects.get(meeting=world["absent"], member=cast.members["secretary"])
    version = review.version

    responses = [edit(cast.client("member"), review, full_form(review, citations_sent="1", cite=cite))
                 for cite in (f"I|meetings.attendance:{secretary_line.pk}", "Z|meetings.summary:1",
                              f"I|corrections.shortcoming:{world['shortcoming'].pk + 999}")]

    review.refresh_from_db()
    assert all(response.status_code == 200 for response in responses)
    assert all("Dữ kiện này không còn trong hồ sơ" in response.content.decode() for response in responses)
    assert (review.citations, review.version) == ([], version)


# --- reading the cited facts --------------------------------------------------------------------------------------


def submitted_with_citations(cast, world) -> Review:
    review = member_review(cast)
    keys = [absence_key(world, cast), f"corrections.shortcoming:{world['shortcoming'].pk}",
            f"directives.task:{world['task'].pk}"]
    edit(cast.client("member"), review, full_form(review, citations_sent="1", citation=[f"I|{key}" for key in keys]),
         submit=True)
    review.refresh_from_db()
    assert review.status == "submitted"
    return review


def test_readers_see_every_citation_and_links_only_to_sources_they_may_open(cast, settings):
    settings.CORRECTIONS_OPEN_TO_CELL = False
    world = year_record(cast)
    review = submitted_with_citations(cast, world)
    fellow = UserFactory()
    make_member(cast.cell, "Đỗ Văn Phúc", user=fellow)
    shortcoming_url = reverse("corrections:shortcomings.detail", args=[world["shortcoming"].pk])
    url = reverse("reviews:reviews.detail", args=[review.pk])

    secretary_page = cast.client("secretary").get(url).content.decode()
    client = cast.client("member")
    client.force_login(fellow)
    fellow_page = client.get(url).content.decode()

    for page in (secretary_page, fellow_page):
        assert "Trích dẫn từ hồ sơ" in page and SHORTCOMING in page and TASK in page and REASON in page
    assert f'href="{shortcoming_url}"' in secretary_page and "Minh chứng từ hồ sơ" in secretary_page
    assert f'href="{shortcoming_url}"' not in fellow_page
    assert f'href="{reverse("meetings:detail", args=[world["absent"].pk])}?step=during#roll"' in fellow_page


def test_the_api_gives_the_citations_with_links_only_where_the_caller_may_open_them(cast, settings):
    settings.CORRECTIONS_OPEN_TO_CELL = False
    world = year_record(cast)
    review = submitted_with_citations(cast, world)
    fellow = UserFactory()
    make_member(cast.cell, "Đỗ Văn Phúc", user=fellow)

    answers = {who: api_get(user, f"/reviews/{review.pk}/citations")
               for who, user in (("secretary", cast.users["secretary"]), ("fellow", fellow))}

    assert [status for status, _body in answers.values()] == [200, 200]
    secretary, fellow_sees = answers["secretary"][1], answers["fellow"][1]
    assert [cited["text"] for cited in secretary] == [cited["text"] for cited in review.citations]
    assert secretary[1]["url"] == reverse("corrections:shortcomings.detail", args=[world["shortcoming"].pk])
    assert secretary[1]["evidence"] and secretary[1]["file_url"]
    assert (fellow_sees[1]["url"], fellow_sees[1]["file_url"]) == ("", "")
    assert fellow_sees[1]["text"] == secretary[1]["text"]


def test_a_citation_whose_source_is_gone_reads_as_plain_text(cast):
    world = year_record(cast)
    review = submitted_with_citations(cast, world)
    task_url = reverse("directives:receipt", args=[world["task"].receipt_id])
    world["task"].delete()  # the unit's task removed since it was cited

    page = cast.client("secretary").get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()

    assert TASK in page
    assert f'href="{task_url}"' not in page


def test_the_review_document_prints_each_citation_with_its_source(cast):
    world = year_record(cast)
    review = submitted_with_citations(cast, world)

    response = cast.client("secretary").get(reverse("reviews:reviews.document", args=[review.pk, "docx"]))

    text = docx_text(b"".join(response.streaming_content) if response.streaming else response.content)
    assert "Dẫn chứng từ hồ sơ:" in text
    assert f"{fact_of(review, absence_key(world, cast)).text} [Biên bản sinh hoạt chi bộ ngày 05/03/2026]" in text
