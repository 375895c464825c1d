"""Every list page costs the same number of queries whatever its length (docs/conventions.md: no N+1).

One world is built on the fixed cast (`build_world`): an organisation, review cycles with reviews, feedback and
review points, shortcomings with approved plans, meetings with their rolls, speakers and documents, topics and
plans, notifications, roster imports, API tokens, rule sets… Every GET URL of the project is requested once in it
(`PAGES` says how to reach each one and who reads it), and a page whose template context holds a `Page`, a
`QuerySet`, or a list of model instances (or of rows holding them) is a **list page**: it must have an entry in
`COUNTED`, or `test_every_list_page_has_a_query_count_test` fails naming it. A new GET URL fails
`test_every_get_url_is_reached` until `PAGES` says how to reach it.

Each entry of `COUNTED` (the list pages, and the JSON lists and files that list rows) is counted three times: in
the world, after `grow(world, 3)` and after `grow(world, 20)`, which add that many more of every listed thing in
the same places, through the services. Its count must not grow (an N+1 is fixed in the app's queries or policy
module), and what it lists must grow (else `grow` does not reach the page and the count proves nothing).

Building and growing the world is most of the cost, so it happens once for the module (`survey`), inside a
transaction rolled back at the end, on the clock of the 2026 review season (its cycles are dated in 2026); the
tests read what the survey measured.
"""

import datetime
import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Page
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from soisua.accounts import services as accounts
from soisua.alerts import services as alerts
from soisua.alerts.models import Alert, Rule
from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.corrections.models import CorrectionPlan, ProgressEntry, Shortcoming
from soisua.directives import services as directives
from soisua.directives.models import Directive
from soisua.documents import services as documents
from soisua.documents.models import ExportJob, ImportConflict, ImportJob
from soisua.dues import services as dues
from soisua.dues.models import DuesBook
from soisua.library import services as library
from soisua.library.models import LibraryDocument
from soisua.meetings import services as meetings
from soisua.meetings.models import CalendarFeed, Meeting, MeetingRules, Topic
from soisua.org import services as org
from soisua.org.enums import MemberStatus, PostKind, Role
from soisua.org.models import Member, StandIn, Unit
from soisua.oversight import services as oversight
from soisua.oversight.models import Inspection
from soisua.reviews import services as reviews
from soisua.reviews.models import ChecklistItem, Cycle, Feedback, Review, RuleSet

from .conftest import DEFAULT_NOW, Cast, make_cast
from .factories import UserFactory, complete_review, make_member, make_unit
from .reviews.test_cycles import open_for
from .test_access_matrix import body_bytes, url_patterns

# The survey uses the test database from its module fixture; the marker has it set up even when this module runs
# alone.
pytestmark = pytest.mark.django_db

# The review season of 2026, whatever SOISUA_TEST_NOW says: the world's cycles are dated in 2026 (open_for).
WORLD_NOW = datetime.datetime.fromisoformat(DEFAULT_NOW)
SIZES = (3, 20)  # what `grow` adds after the world is measured as built

WORDS = ("gương mẫu", "đoàn kết", "trách nhiệm", "kỷ luật", "học tập", "nghị quyết", "sinh hoạt", "đảng phí",
         "phê bình", "tự phê bình", "dân vận", "chuyên môn", "thôn xóm", "gia đình", "lối sống", "nêu gương",
         "lắng nghe", "cầu thị", "thẳng thắn", "chân thành", "khiêm tốn", "cần kiệm", "liêm chính", "chí công",
         "vô tư", "kiên định", "đổi mới", "sáng tạo", "quyết liệt", "hiệu quả")


def words(seed: int, count: int = 14) -> str:
    """A sentence of its own for each seed, so that reviews and shortcomings do not read as copies of each other
    (near-duplicates raise formalism signals and recurrences, which are not what is grown here)."""
    return " ".join(random.Random(seed).sample(WORDS, count))


# --- the world ---------------------------------------------------------------------------------------------------


@dataclass
class World:
    """The cast and what the pages point at. `grow` replaces the review-cycle and correction objects with those of
    its newer, longer cycle and plan."""

    cast: Cast
    veteran: Member  # a cell member without a login, with a long history of posts, cells and statuses
    meeting: Meeting  # next month's meeting of the cell: its roll, speakers, documents and agenda grow
    stand_in: StandIn
    draft_rule_set: RuleSet
    conflict: ImportConflict
    feed: CalendarFeed  # the member's own calendar link
    extras: list[Member] = field(default_factory=list)  # members of the cell added by grow, each with a login
    serial: itertools.count = field(default_factory=lambda: itertools.count(1))
    meeting_slots: itertools.count = field(default_factory=lambda: itertools.count(1))
    # What grow made last:
    cycle: Cycle | None = None
    reviewed: Review | None = None  # the secretary's submitted review: shortcomings, review points, feedback
    draft: Review | None = None  # the member's draft: shortcomings and review points
    colleague: Review | None = None  # an extra member's submitted review, which the cell appraises
    on_paper: Review | None = None  # the veteran's review (no login)
    feedback: Feedback | None = None
    shortcoming: Shortcoming | None = None  # the member's, with the plan's timeline
    plan: CorrectionPlan | None = None  # covering the member's latest shortcomings, one measure each
    evidence: ProgressEntry | None = None
    import_job: ImportJob | None = None
    held: Meeting | None = None  # a meeting held and approved, with changes to its roll and speakers since
    directive: Directive | None = None  # the commune's latest plan to its cells, reported on by the cell
    directive_draft: Directive | None = None  # the commune's draft of its next one
    inspection: Inspection | None = None  # the commune's supervision of the cell under way: findings, remedies
    concluded: Inspection | None = None  # and one concluded, its remedies in the corrections
    alert: Alert | None = None  # a warning in the commune (each new cell, without meetings, raises one)
    library: LibraryDocument | None = None  # the commune's first required resolution: its sessions and study grow

    def user(self, who: str):
        return self.cast.users[who]

    def self_reported(self) -> Inspection:
        """The inspection under way, with the cell's self-report and its file."""
        if not self.inspection.self_report_file:
            oversight.submit_self_report(self.inspection, text="Báo cáo tự kiểm tra", upload=pdf_upload("bc.pdf"),
                                         by=self.user("secretary"))
        return self.inspection

    def next(self) -> int:
        return next(self.serial)


def csv_upload(rows: list[str]) -> SimpleUploadedFile:
    header = "STT,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Mã chi bộ"
    return SimpleUploadedFile("danh-sach.csv", "\n".join([header, *rows]).encode(), content_type="text/csv")


def pdf_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + name.encode(), content_type="application/pdf")


def answer_prompts(review: Review, by) -> Review:
    """Section IV: answer every review point, keeping what the review holds."""
    review = Review.objects.get(pk=review.pk)
    content = reviews.ReviewContent(
        answers=review.answers, grades=review.grades, checklist=review.checklist, self_level=review.self_level,
        self_score_general=review.self_score_general, self_score_tasks=review.self_score_tasks,
        prompt_answers={prompt.pk: "Đã làm rõ với chi bộ" for prompt in review.prompts.all()})
    return reviews.save_review(review, version=review.version, content=content, by=by)


def build_world(cast: Cast) -> World:
    secretary, admin, member_user = (cast.users[who] for who in ("secretary", "admin", "member"))
    cell, commune = cast.cell, cast.commune
    veteran = make_member(cell, "Nguyễn Văn Cựu", by=secretary)
    org.assign_post(veteran, unit=cell, kind=PostKind.GROUP_LEADER, by=secretary)
    stand_in = org.stand_in(commune, reason="Ban thường vụ xã vắng mặt cả tuần", by=admin)
    draft_rule_set = reviews.copy_rule_set(RuleSet.objects.get(code="2025"), code="2025-ban-nhap",
                                           name="Bản nháp 2025", by=admin)
    # A roster row whose card number is the sibling cell's member's: held for the commune when applied.
    sibling = cast.members["sibling"]
    held = documents.start_import(unit=cell, upload=csv_upload(
        [f"1,Phạm Thị Dung,02/09/1980,Nữ,{sibling.card_number},TN-HA-1"]), by=secretary)
    documents.confirm_import(held, by=secretary)
    starts = timezone.now() + datetime.timedelta(days=30)
    meeting = meetings.schedule_meeting(cell, title="Sinh hoạt chi bộ tháng 12", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), agenda=["Thời sự"],
                                        by=secretary)
    meetings.add_document(meeting, title="Dự thảo nghị quyết", upload=pdf_upload("nghi-quyet.pdf"), by=secretary)
    meetings.publish_documents(meeting, by=secretary)
    meetings.mark_attendance(meeting.attendance.get(member=cast.members["member"]), status="present", by=secretary)
    meetings.add_contribution(meeting, member=cast.members["member"], note="Ý kiến về thời sự", by=secretary)
    meetings.save_minutes(meeting, conclusions="Thống nhất kế hoạch tháng", by=secretary)
    # The meetings the cell held before: enough for the statistics to name who never spoke.
    for number in range(django_settings.MEETING_SILENT_AFTER):
        day = timezone.localtime().replace(hour=19, minute=30) - datetime.timedelta(days=100 + number)
        earlier = meetings.schedule_meeting(cell, title=f"Sinh hoạt chi bộ tháng {day.month}", starts_at=day,
                                            ends_at=day + datetime.timedelta(minutes=120), by=secretary)
        meetings.mark_attendance(earlier.attendance.get(member=cast.members["secretary"]), status="present",
                                 by=secretary)
        meetings.add_contribution(earlier, member=cast.members["secretary"], note="Báo cáo tình hình",
                                  by=secretary)
    feed = meetings.renew_calendar_feed(member_user, by=member_user)
    meetings.renew_calendar_feed(member_user, unit=cell, by=member_user)
    world = World(cast=cast, veteran=veteran, meeting=meeting, stand_in=stand_in, draft_rule_set=draft_rule_set,
                  conflict=ImportConflict.objects.get(job=held), feed=feed)
    grow(world, 1)
    return world


def grow(world: World, n: int) -> None:
    """n more of everything the list pages list, in the same places, through the services."""
    new_members = _grow_organisation(world, n)
    _grow_veteran(world, n)
    _grow_records(world, n)
    _grow_reviews(world, n)
    _grow_corrections(world, n)
    _grow_meetings(world, n, new_members)
    _grow_directives(world, n)
    _grow_inspections(world, n)
    _grow_dues(world, n)
    _grow_alerts(world, n)
    _grow_library(world, n, new_members)


def _grow_organisation(world: World, n: int) -> list[Member]:
    cast = world.cast
    secretary, staff = world.user("secretary"), world.user("parent_staff")
    new_members = []
    for _ in range(n):
        k = world.next()
        user = UserFactory(username=f"dangvien{k}")
        member = make_member(cast.cell, f"Nguyễn Thị Hoa {k}", user=user, by=secretary)
        # A cell committee member's post comes with the committee role: an administrator gives it.
        org.assign_post(member, unit=cast.cell, kind=PostKind.COMMITTEE_MEMBER, by=world.user("admin"))
        new_members.append(member)
        # A cell of the commune with one member (the tree, statistics and cycle progress list the commune's cells),
        # active for years, so the months it held no meeting are its own.
        make_member(make_unit(cast.commune, "cell", f"Chi bộ Thôn Mới {k}", by=staff,
                              active_from=datetime.date(2015, 1, 1)), f"Trần Văn Nam {k}", by=staff)
        # Another top unit for the inspector (the dashboard and the tree list them).
        far_cell = make_unit(cast.other_commune, "cell", f"Chi bộ Xóm {k}", by=world.user("unrelated_staff"))
        org.grant_role(world.user("inspector"), unit=far_cell, role=Role.INSPECTOR, by=world.user("admin"))
        # Another role on the cell.
        org.grant_role(UserFactory(username=f"kiemtra{k}"), unit=cast.cell, role=Role.INSPECTOR, by=staff)
    world.extras += new_members
    return new_members


def _grow_veteran(world: World, n: int) -> None:
    """The veteran's page lists posts, cells and statuses; their history page the audit entries of each."""
    cast = world.cast
    secretary, staff = world.user("secretary"), world.user("parent_staff")
    veteran = world.veteran
    for _ in range(n):
        veteran = org.transfer_member(veteran, to_cell=cast.sibling_cell, reason="Đi làm ăn xa", by=staff)
        veteran = org.transfer_member(veteran, to_cell=cast.cell, reason="Trở về thôn", by=staff)
        veteran = org.change_member_status(veteran, status=MemberStatus.EXEMPT, reason="Ốm dài ngày", by=secretary)
        veteran = org.change_member_status(veteran, status=MemberStatus.OFFICIAL, reason="Đã khỏe", by=secretary)
        post = org.assign_post(veteran, unit=cast.cell, kind=PostKind.GROUP_LEADER, by=secretary)
        org.end_post(post, by=secretary)
    world.veteran = veteran


def _grow_records(world: World, n: int) -> None:
    """Exports in the cell's history, stand-ins, API tokens, rule sets, roster imports."""
    cast = world.cast
    secretary, admin, member_user = world.user("secretary"), world.user("admin"), world.user("member")
    for _ in range(n):
        k = world.next()
        # The cell's roster downloaded again: its history names who took the personal data.
        documents.record_export(secretary, cast.cell, action="documents.roster.export", file_format="xlsx",
                                personal=True)
        org.end_stand_in(world.stand_in, by=admin)
        world.stand_in = org.stand_in(cast.commune, reason=f"Ban thường vụ xã vắng mặt, lần {k}", by=admin)
        accounts.issue_api_token(member_user, name=f"Bảng tính báo cáo {k}", by=member_user)
        reviews.copy_rule_set(RuleSet.objects.get(code="2025"), code=f"2025-ban-sao-{k}", name=f"Bản sao {k}",
                              by=admin)
        # A draft of the meeting rules, and a lower minimum of the commune for its small cells.
        meetings.copy_meeting_rules(MeetingRules.objects.get(code="2025"), by=admin)
        meetings.add_rule_exception(cast.commune, max_members=k, decision_number=f"{k}-QĐ/ĐU",
                                    decision_date=datetime.date(2026, 3, 5), regular_min_minutes=60,
                                    combined_min_minutes=90, valid_from=datetime.date(2026, 3, 5),
                                    by=world.user("committee"))
        # A roster with n impossible dates: the import's report pages its errors.
        world.import_job = documents.start_import(unit=cast.cell, upload=csv_upload(
            [f"{row},Nguyễn Văn Lỗi {row},31/02/1980,Nam,{30_000_000 + 1000 * k + row},TN-HA-1"
             for row in range(1, n + 1)]), by=secretary)


def _grow_reviews(world: World, n: int) -> None:
    """A new cycle of the commune (the earlier one closed), with n more of everything a cycle lists."""
    cast = world.cast
    secretary, staff, member_user = world.user("secretary"), world.user("parent_staff"), world.user("member")
    if world.cycle is not None:
        reviews.close_cycle(world.cycle, by=staff)
    k = world.next()
    cycle = open_for(cast.commune, title=f"Kiểm điểm năm 2026, đợt {k}", enforce_order=False, by=staff)

    def review_of(member) -> Review:
        return Review.objects.get(cycle=cycle, member=member)

    collective = Review.objects.get(cycle=cycle, unit=cast.cell, member=None)
    reviewed, draft = review_of(cast.members["secretary"]), review_of(cast.members["member"])
    for number in range(n):
        reviews.add_review_shortcoming(collective, text=f"Tập thể: {words(k * 100 + number)}", cause="objective",
                                       by=secretary)
        reviews.add_review_shortcoming(reviewed, text=f"Bí thư: {words(k * 200 + number)}", cause="subjective",
                                       by=secretary)
        reviews.add_review_shortcoming(draft, text=f"Đảng viên: {words(k * 300 + number)}", cause="subjective",
                                       by=member_user)
        reviews.send_review_prompt(reviewed, from_unit=cast.commune, text=f"Làm rõ điểm {number + 1}", by=staff)
        reviews.send_review_prompt(draft, from_unit=cast.commune, text=f"Làm rõ điểm {number + 1}", by=staff)
    complete_review(collective, secretary, text=words(k * 7))
    complete_review(reviewed, secretary, text=words(k * 7 + 1), submit=False)
    answer_prompts(reviewed, secretary)
    reviewed = reviews.submit_review(Review.objects.get(pk=reviewed.pk), version=None, by=secretary)
    for number in range(n):  # reopened by the commune and submitted again: the review's history grows
        reviews.cancel_rating(reviewed, reason=f"Bổ sung lần {number + 1}", by=staff)
        reviewed = reviews.submit_review(Review.objects.get(pk=reviewed.pk), version=None, by=secretary)
    world.draft = complete_review(draft, member_user, text=words(k * 7 + 2), submit=False)
    # Every member with a login gives feedback on the secretary's review and on the commune; half of the extras
    # leave their own review a draft (the cycle page lists who has not submitted).
    writers = [(cast.members["member"], member_user)] + [(extra, extra.user) for extra in world.extras]
    for number, (member, user) in enumerate(writers):
        reviews.give_feedback(review=reviewed, from_unit=cast.cell, kind="suggestion" if number % 2 else "shortcoming",
                              text=f"Góp ý: {words(k * 400 + number)}", by=user)
        reviews.give_feedback(superior=cast.commune, from_unit=cast.cell, kind="suggestion",
                              text=f"Góp ý đảng ủy: {words(k * 500 + number)}", by=user)
        if member.pk != cast.members["member"].pk:
            complete_review(review_of(member), user, text=words(k * 600 + number), submit=number % 2 == 1)
    # The commune decides the other submitted reviews of the extras (the first one is what the pages appraise)
    # above what their scores allow: each decision keeps the rule it overrides, listed on the cycle's page.
    for extra in world.extras[2::2]:
        review = reviews.propose_level(review_of(extra), level="excellent", comment="Tiêu biểu", by=secretary)
        reviews.decide_level(review, level="excellent", override_reason="Được khen thưởng đột xuất", by=staff)
    world.cycle, world.reviewed = cycle, reviewed
    world.colleague = review_of(world.extras[0])
    world.on_paper = review_of(world.veteran)
    world.feedback = Feedback.objects.filter(review=reviewed).order_by("pk").first()


def _grow_corrections(world: World, n: int) -> None:
    """n more shortcomings of the member, found forty days ago, under one approved plan whose steps are now
    overdue (the committee's board lists the overdue ones), and n more entries on the first one's timeline."""
    cast = world.cast
    secretary, member_user = world.user("secretary"), world.user("member")
    supervisors = [cast.members["secretary"], *world.extras]
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40), tick=False):
        today = timezone.localdate()
        k = world.next()
        found = [corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], source="secretary",
                                                text=f"Khắc phục: {words(k * 800 + number)}", by=secretary)
                 for number in range(n)]
        plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=found,
                                       deadline=today + datetime.timedelta(days=20), by=member_user)
        for number in range(n):
            measure = corrections.add_measure(plan, text=f"Biện pháp {number + 1}", deadline=plan.deadline,
                                              supervisor=supervisors[number % len(supervisors)], by=member_user)
            corrections.add_step(measure, what=f"Bước {number + 1}", due=today + datetime.timedelta(days=10),
                                 by=member_user)
        corrections.submit_plan(plan, by=member_user)
        corrections.decide_plan(plan, approve=True, by=secretary)
    for number in range(n):
        corrections.post_progress(found[0], note=f"Đã làm phần {number + 1}", by=member_user,
                                  evidence=pdf_upload("bien-lai.pdf") if number == 0 else None)
        corrections.comment_on_fix(found[0], note=f"Ghi nhận phần {number + 1}", by=secretary)
    world.shortcoming, world.plan = found[0], plan
    world.evidence = ProgressEntry.objects.filter(shortcoming=found[0]).exclude(evidence="").first()


def collective_draft_plan(world: World) -> CorrectionPlan:
    """A draft plan of the cell's collective for one of its shortcomings, made the first time it is asked for."""
    plan = CorrectionPlan.objects.filter(unit=world.cast.cell, member=None, status="draft").first()
    if plan is None:
        item = Shortcoming.objects.filter(unit=world.cast.cell, member=None, plans__isnull=True,
                                          review__submitted_at__isnull=False).order_by("pk").first()
        plan = corrections.save_plan(None, unit=world.cast.cell, shortcomings=[item], measures=[], by=SYSTEM,
                                     deadline=timezone.localdate() + datetime.timedelta(days=60))
    return plan


def _grow_meetings(world: World, n: int, new_members: list[Member]) -> None:
    """n more meetings of the cell this year (every other one already held), each with its roll and its paper
    sent to the members; the next meeting's roll, speakers, documents and agenda grow; n more topics, all of
    them recommended by the commune and picked by the cell."""
    cast = world.cast
    secretary, staff = world.user("secretary"), world.user("parent_staff")
    now = timezone.localtime()
    for _ in range(n):
        slot = next(world.meeting_slots)
        if slot % 2:
            starts = now.replace(hour=8, minute=0, second=0, microsecond=0) + datetime.timedelta(days=slot)
        else:
            starts = now.replace(hour=19, minute=30, second=0, microsecond=0) - datetime.timedelta(days=slot)
        meeting = meetings.schedule_meeting(cast.cell, title=f"Sinh hoạt chi bộ, buổi {slot}", starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=120), agenda=["Thời sự"],
                                            introductory_paper="Báo cáo tình hình thôn", by=secretary)
        meetings.publish_documents(meeting, by=secretary)
    meeting = world.meeting  # the new members are on its roll since they joined
    for number, member in enumerate(new_members):
        meetings.mark_attendance(meeting.attendance.get(member=member), status="present", by=secretary)
        meetings.add_contribution(meeting, member=member, note=f"Ý kiến {number + 1}", by=secretary)
        meetings.add_document(meeting, title=f"Tài liệu {world.next()}", upload=pdf_upload("tai-lieu.pdf"),
                              by=secretary)
    # A meeting held two months ago, its roll marked and minutes approved; each speaker added since is a change
    # kept with its reason.
    starts = now.replace(hour=14, minute=0, second=0, microsecond=0) - datetime.timedelta(days=60 + world.next())
    held = meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ đã họp", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=120), agenda=["Thời sự"],
                                     by=secretary)
    for line in held.attendance.all():
        meetings.mark_attendance(line, status="present", by=secretary)
    for number in range(n):  # n votes taken, their results read into the minutes
        motion = meetings.open_motion(held, text=f"Biểu quyết {number + 1}", kind="resolution", by=secretary)
        meetings.cast_vote(motion, member=new_members[0], choice="for", by=secretary)
        meetings.close_motion(motion, by=secretary)
    meetings.save_minutes(held, conclusions="Thống nhất kế hoạch", by=secretary)
    meetings.approve_minutes(held, by=secretary)
    for number, member in enumerate(new_members):
        meetings.add_contribution(held, member=member, note=f"Ý kiến bổ sung {number + 1}",
                                  change_reason="Ghi sót người phát biểu", by=secretary)
    world.held = held
    agenda = list(meeting.agenda.order_by("order").values_list("title", flat=True))
    meetings.update_meeting(meeting, agenda=[*agenda, *(f"Nội dung {len(agenda) + number + 1}"
                                                        for number in range(n))][:50], by=secretary)
    for _ in range(n):
        meetings.save_topic(cast.commune, title=f"Chuyên đề {world.next()}", tags=["học và làm theo Bác"], by=staff)
    topics = list(Topic.objects.filter(unit=cast.commune))
    year = now.year
    meetings.save_topic_plan(cast.commune, year, topics=topics, publish=True, by=staff)
    meetings.save_cell_plan(cast.cell, year, meeting_day=3, meeting_time=datetime.time(19, 30),
                            topics={4: topics}, by=secretary)


def _grow_directives(world: World, n: int) -> None:
    """A new plan of the commune to its cells (the earlier ones stay), with n more key tasks, reporting dates,
    files and amendments than the last; the cell acknowledges it, plans n tasks and reports on each key task; a
    draft of the next one with as many key tasks."""
    cast = world.cast
    staff, secretary = world.user("parent_staff"), world.user("secretary")
    k = world.next()
    size = (world.directive.tasks.count() if world.directive else 0) + n
    today = timezone.localdate()
    values = {"kind": "KH", "issuer_symbol": "ĐUX", "issued_on": today, "target_mode": "children",
              "tasks": [f"Nhiệm vụ {number}: {words(k * 900 + number)}" for number in range(size)],
              "report_dates": [today + datetime.timedelta(days=30 * (number + 1)) for number in range(size)]}
    directive = directives.create_draft(cast.commune, number=str(100 + k), title=f"Kế hoạch số {k}", by=staff,
                                        **values)
    for number in range(size):
        directives.add_file(directive, upload=pdf_upload(f"phu-luc-{number}.pdf"), by=staff)
    directive = directives.issue(directive, version=None, by=staff)
    for number in range(size):
        directives.amend(directive, version=None, reason=f"Bổ sung lần {number + 1}",
                         summary=f"Mục đích, yêu cầu: {words(k * 950 + number)}", by=staff)
    receipt = directive.receipts.get(unit=cast.cell)
    period = directive.periods.first()
    for key_task in directive.tasks.all():
        directives.add_task(receipt, key_task=key_task, text=f"Triển khai {key_task.number}",
                            owner=cast.members["member"], by=secretary)
        directives.file_report(receipt, key_task=key_task, period=period, percent=50, status="in_progress",
                               narrative="Đang triển khai", evidence=pdf_upload("bien-ban.pdf"), by=secretary)
    world.directive = directive
    world.directive_draft = directives.create_draft(cast.commune, number=str(500 + k), title=f"Dự thảo {k}",
                                                    by=staff, **values)


def _grow_inspections(world: World, n: int) -> None:
    """n more inspections in the commune's programme, each concluded with n remedies; the one under way gets n
    more findings and remedies."""
    cast = world.cast
    staff = world.user("parent_staff")
    deadline = timezone.localdate() + datetime.timedelta(days=90)

    def plan(content: str) -> Inspection:
        return oversight.plan_inspection(cast.commune, year=timezone.localdate().year, kind="thematic_supervision",
                                         subject_unit=cast.cell, content=content, period_start=timezone.localdate(),
                                         period_end=deadline, team=[staff], by=staff)

    if world.inspection is None:
        world.inspection = oversight.notify_subject(plan("Giám sát chuyên đề đang tiến hành"), by=staff)
    for number in range(n):
        k = world.next()
        oversight.record_finding(world.inspection, text=f"Phát hiện {k}: {words(k * 1000)}", by=staff)
        oversight.add_remedy(world.inspection, text=f"Khắc phục {k}", deadline=deadline,
                             member=cast.members["member"] if number % 2 else None, by=staff)
        done = oversight.notify_subject(plan(f"Giám sát số {k}"), by=staff)
        for count in range(n):
            oversight.add_remedy(done, text=f"Yêu cầu {k}.{count}", deadline=deadline, by=staff)
        world.concluded = oversight.conclude(done, number=f"{k}-KL/ĐUX", date=timezone.localdate(),
                                             conclusion="Kết luận", by=staff)


def _grow_dues(world: World, n: int) -> None:
    """The cell records party dues from this month (its list and the meeting's sheet list the members grown); the
    member pays n more months, long past (their page lists every payment)."""
    cast, secretary = world.cast, world.user("secretary")
    if not DuesBook.objects.filter(unit=cast.cell).exists():
        dues.start_recording(cast.cell, month=timezone.localdate().replace(day=1), by=secretary)
    for _ in range(n):
        k = world.next()
        dues.record_payment(cast.members["member"], month=datetime.date(2001 + k // 12, k % 12 + 1, 1),
                            amount=20_000 + k, collected_on=timezone.localdate(), reference=f"PT-{k}", by=secretary)


def _grow_library(world: World, n: int, new_members: list[Member]) -> None:
    """n more documents of the commune, each saved by the member (the library and the saved list grow); the first
    one studied at n more thematic sessions the member attended (its page lists them, the cell's list names the
    sessions each member attended) and confirmed by the members grown (the cell's list, its Excel file and the
    commune's figures by cell grow with the members and cells grown)."""
    cast, staff, secretary = world.cast, world.user("parent_staff"), world.user("secretary")
    due = timezone.localdate() + datetime.timedelta(days=30)
    for _ in range(n):
        k = world.next()
        document = library.publish_document(
            cast.commune, kind="NQ", number=f"{k}-NQ/TW", issuer="Bộ Chính trị", issued_on=timezone.localdate(),
            title=f"Nghị quyết số {k}", upload=pdf_upload(f"nq-{k}.pdf"), required=True, study_due=due, by=staff)
        world.library = world.library or document
        library.save_bookmark(document, user=world.user("member"), saved=True, by=world.user("member"))
        starts = timezone.now() - datetime.timedelta(days=200 + next(world.meeting_slots))
        session = meetings.schedule_meeting(cast.cell, kind="thematic", title=f"Chuyên đề nghị quyết {k}",
                                            starts_at=starts, ends_at=starts + datetime.timedelta(minutes=120),
                                            by=secretary)
        library.link_document(session, world.library, by=secretary)
        meetings.mark_attendance(session.attendance.get(member=cast.members["member"]), status="present",
                                 by=secretary)
    for member in new_members:
        library.confirm_study(world.library, member=member, note="Thu hoạch", by=member.user)


def _grow_alerts(world: World, n: int) -> None:
    """The daily checks over what grew: the new cells of the commune held no meeting, each raises a warning; the
    rule of silent members changed n more times (the rules page lists recent changes, each rule its versions); n
    more directives of the commune to the sibling cell, issued ten days ago and not acknowledged (the warning about
    them lists each)."""
    cast, staff = world.cast, world.user("parent_staff")
    today = timezone.localdate()
    for _ in range(n):
        rule = Rule.objects.get(kind="silent", current=True)
        alerts.update_rule(rule, by=world.user("admin"), version=rule.version, threshold=rule.threshold + 1,
                           period=3, receiver="cell", enabled=True, note=f"Lần {world.next()}")
        k = world.next()
        directive = directives.create_draft(
            cast.commune, kind="KH", number=str(10_000 + k), issuer_symbol="ĐUX",
            issued_on=today - datetime.timedelta(days=10), title=f"Kế hoạch chưa tiếp nhận {k}", target_mode="units",
            target_units=[cast.sibling_cell], tasks=["Quán triệt"], report_dates=[today + datetime.timedelta(days=30)],
            by=staff)
        directives.issue(directive, version=None, by=staff)
    alerts.evaluate(by=SYSTEM, today=today)
    world.alert = Alert.objects.get(kind="directive_unacknowledged", unit=cast.sibling_cell)


# --- how to reach every GET page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    url: Callable[[World], str]
    who: str  # a cast member who gets the page (200)


def at(name: str, *args: Callable[[World], object], query: str = "") -> Callable[[World], str]:
    """The URL of `name` with arguments read from the world (objects give their pk)."""
    def build(world: World) -> str:
        values = [arg(world) for arg in args]
        return reverse(name, args=[value.pk if isinstance(value, models.Model) else value for value in values]) + query

    return build


def member_export(world: World) -> ExportJob:
    """The cell's roster written in the background for a plain member (made on first use, inside the survey)."""
    job = ExportJob.objects.filter(kind="documents.roster").first()
    return job or documents.start_export(kind="documents.roster", object_id=world.cast.cell.pk, file_format="csv",
                                         total_rows=2, by=world.cast.users["member"])


def cell(world: World) -> Unit:
    return world.cast.cell


def commune(world: World) -> Unit:
    return world.cast.commune


def api(path: Callable[[World], str]) -> Callable[[World], str]:
    return lambda world: "/api/" + path(world)


PAGES: dict[str, Reach] = {
    "org:dashboard": Reach(at("org:dashboard"), "inspector"),
    "org:tree": Reach(at("org:tree"), "inspector"),
    "org:tree.children": Reach(at("org:tree.children", commune), "parent_staff"),
    "org:units.detail": Reach(at("org:units.detail", cell), "secretary"),
    "org:units.edit": Reach(at("org:units.edit", cell), "parent_staff"),
    "org:units.create": Reach(at("org:units.create", commune), "parent_staff"),
    "org:units.move": Reach(at("org:units.move", cell), "parent_staff"),
    "org:units.history": Reach(at("org:units.history", cell), "secretary"),
    "org:units.grants": Reach(at("org:units.grants", cell), "parent_staff"),
    "org:units.stand_in": Reach(at("org:units.stand_in", commune), "admin"),
    "org:members.create": Reach(at("org:members.create", cell), "secretary"),
    "org:members.search": Reach(at("org:members.search", query="?q=nguyen"), "secretary"),
    "org:members.detail": Reach(at("org:members.detail", lambda w: w.veteran), "secretary"),
    "org:members.edit": Reach(at("org:members.edit", lambda w: w.veteran), "secretary"),
    "org:members.transfer": Reach(at("org:members.transfer", lambda w: w.veteran), "secretary"),
    "org:members.status": Reach(at("org:members.status", lambda w: w.veteran), "secretary"),
    "org:members.post": Reach(at("org:members.post", lambda w: w.veteran), "secretary"),
    "org:members.account": Reach(at("org:members.account", lambda w: w.veteran), "secretary"),
    "org:members.history": Reach(at("org:members.history", lambda w: w.veteran), "secretary"),
    "accounts:login": Reach(at("accounts:login"), "anonymous"),
    "accounts:password_change": Reach(at("accounts:password_change"), "member"),
    "accounts:password_change_done": Reach(at("accounts:password_change_done"), "member"),
    "accounts:password_reset": Reach(at("accounts:password_reset"), "anonymous"),
    "accounts:password_reset_done": Reach(at("accounts:password_reset_done"), "anonymous"),
    "accounts:password_reset_confirm": Reach(at("accounts:password_reset_confirm", lambda w: "MQ",
                                                lambda w: "not-a-token"), "anonymous"),
    "accounts:password_reset_complete": Reach(at("accounts:password_reset_complete"), "anonymous"),
    "accounts:tokens": Reach(at("accounts:tokens"), "member"),
    "accounts:security": Reach(at("accounts:security"), "member"),
    "accounts:two_factor.setup": Reach(at("accounts:two_factor.setup"), "member"),
    "accounts:activate": Reach(at("accounts:activate"), "anonymous"),
    "notifications:inbox": Reach(at("notifications:inbox"), "member"),
    "notifications:preferences": Reach(at("notifications:preferences"), "member"),
    "documents:roster": Reach(at("documents:roster", cell, lambda w: "xlsx"), "secretary"),
    "documents:profile": Reach(at("documents:profile", lambda w: w.veteran, lambda w: "docx"), "secretary"),
    "documents:exports.detail": Reach(at("documents:exports.detail", lambda w: member_export(w)), "member"),
    "documents:exports.progress": Reach(at("documents:exports.progress", lambda w: member_export(w)), "member"),
    "documents:exports.file": Reach(at("documents:exports.file", lambda w: member_export(w)), "member"),
    "documents:imports.create": Reach(at("documents:imports.create", cell), "secretary"),
    "documents:units.import": Reach(at("documents:units.import", commune), "parent_staff"),
    "documents:exchange": Reach(at("documents:exchange", commune), "parent_staff"),
    "documents:exchange.download": Reach(at("documents:exchange.download", commune, lambda w: "xlsx"), "parent_staff"),
    "documents:imports.detail": Reach(at("documents:imports.detail", lambda w: w.import_job), "secretary"),
    "documents:imports.progress": Reach(at("documents:imports.progress", lambda w: w.import_job), "secretary"),
    "documents:conflicts.detail": Reach(at("documents:conflicts.detail", lambda w: w.conflict), "parent_staff"),
    "reviews:rules.list": Reach(at("reviews:rules.list"), "member"),
    "reviews:rules.detail": Reach(at("reviews:rules.detail", lambda w: RuleSet.objects.get(code="2025")), "member"),
    "reviews:rules.changes": Reach(at("reviews:rules.changes", lambda w: RuleSet.objects.get(code="2025.2")),
                                   "member"),
    "reviews:rules.copy": Reach(at("reviews:rules.copy", lambda w: RuleSet.objects.get(code="2025")), "admin"),
    "reviews:rules.thresholds": Reach(at("reviews:rules.thresholds", lambda w: w.draft_rule_set), "admin"),
    "reviews:rules.item_edit": Reach(at("reviews:rules.item_edit", lambda w: ChecklistItem.objects.filter(
        checklist__rule_set=w.draft_rule_set).order_by("pk").first()), "admin"),
    "reviews:cycles.list": Reach(at("reviews:cycles.list", cell), "secretary"),
    "reviews:cycles.create": Reach(at("reviews:cycles.create", commune), "parent_staff"),
    "reviews:cycles.detail": Reach(at("reviews:cycles.detail", lambda w: w.cycle), "parent_staff"),
    "reviews:cycles.unit": Reach(at("reviews:cycles.unit", lambda w: w.cycle, cell), "secretary"),
    "reviews:cycles.superior_feedback": Reach(at("reviews:cycles.superior_feedback", lambda w: w.cycle, cell),
                                              "member"),
    "reviews:cycles.prompts": Reach(at("reviews:cycles.prompts", lambda w: w.cycle, commune), "parent_staff"),
    "reviews:cycles.summary": Reach(at("reviews:cycles.summary", lambda w: w.cycle, cell, lambda w: "xlsx"),
                                    "secretary"),
    "reviews:cycles.results": Reach(at("reviews:cycles.results", lambda w: w.cycle, lambda w: "xlsx"),
                                    "parent_staff"),
    "reviews:reviews.document": Reach(at("reviews:reviews.document", lambda w: w.reviewed, lambda w: "docx"),
                                      "parent_staff"),
    "reviews:reviews.mine": Reach(at("reviews:reviews.mine"), "member"),
    "reviews:reviews.detail": Reach(at("reviews:reviews.detail", lambda w: w.reviewed), "parent_staff"),
    "reviews:reviews.edit": Reach(at("reviews:reviews.edit", lambda w: w.draft), "member"),
    "reviews:reviews.return": Reach(at("reviews:reviews.return", lambda w: w.colleague), "secretary"),
    "reviews:reviews.on_paper": Reach(at("reviews:reviews.on_paper", lambda w: w.on_paper), "secretary"),
    "reviews:reviews.exclude": Reach(at("reviews:reviews.exclude", lambda w: w.on_paper), "secretary"),
    "reviews:shortcomings.create": Reach(at("reviews:shortcomings.create", lambda w: w.draft), "member"),
    "reviews:shortcomings.edit": Reach(at("reviews:shortcomings.edit", lambda w: w.draft.shortcomings.first()),
                                       "member"),
    "reviews:feedback.respond": Reach(at("reviews:feedback.respond", lambda w: w.feedback), "secretary"),
    "reviews:reviews.propose": Reach(at("reviews:reviews.propose", lambda w: w.colleague), "secretary"),
    "reviews:reviews.decide": Reach(at("reviews:reviews.decide", lambda w: w.colleague), "parent_staff"),
    "reviews:reviews.cancel": Reach(at("reviews:reviews.cancel", lambda w: w.colleague), "parent_staff"),
    "reviews:prompts.create": Reach(at("reviews:prompts.create", lambda w: w.draft), "parent_staff"),
    "corrections:mine": Reach(at("corrections:mine"), "member"),
    "corrections:units.board": Reach(at("corrections:units.board", cell), "secretary"),
    "corrections:shortcomings.create": Reach(at("corrections:shortcomings.create", cell), "secretary"),
    "corrections:shortcomings.detail": Reach(at("corrections:shortcomings.detail", lambda w: w.shortcoming),
                                             "secretary"),
    # A shortcoming the secretary named in their submitted review has no plan yet (a draft review's are planned
    # once it is submitted); a collective one gets a draft plan to edit.
    "corrections:plans.create": Reach(at("corrections:plans.create", lambda w: Shortcoming.objects.filter(
        member=w.cast.members["secretary"], plans__isnull=True).order_by("pk").first()), "secretary"),
    "corrections:plans.edit": Reach(at("corrections:plans.edit", lambda w: collective_draft_plan(w)), "secretary"),
    "corrections:plans.detail": Reach(at("corrections:plans.detail", lambda w: w.plan), "secretary"),
    "corrections:plans.document": Reach(at("corrections:plans.document", lambda w: w.plan, lambda w: "docx"),
                                        "secretary"),
    "corrections:units.export": Reach(at("corrections:units.export", cell, lambda w: "xlsx"), "secretary"),
    "corrections:evidence.download": Reach(at("corrections:evidence.download", lambda w: w.evidence), "secretary"),
    "dues:cell": Reach(at("dues:cell", cell), "secretary"),
    "dues:start": Reach(at("dues:start", cell), "secretary"),
    "dues:member": Reach(at("dues:member", lambda w: w.cast.members["member"]), "member"),
    "dues:pay": Reach(at("dues:pay", lambda w: w.cast.members["member"]), "secretary"),
    "dues:meeting": Reach(at("dues:meeting", lambda w: w.meeting), "secretary"),
    "quality:meeting": Reach(at("quality:meeting", lambda w: w.held), "secretary"),
    "quality:unit": Reach(at("quality:unit", commune), "parent_staff"),
    "dues:import": Reach(at("dues:import", commune), "parent_staff"),
    "library:list": Reach(at("library:list"), "member"),
    "library:saved": Reach(at("library:saved"), "member"),
    "library:publish": Reach(at("library:publish", commune), "parent_staff"),
    "library:detail": Reach(at("library:detail", lambda w: w.library), "member"),
    "library:file": Reach(at("library:file", lambda w: w.library), "member"),
    "library:withdraw": Reach(at("library:withdraw", lambda w: w.library), "parent_staff"),
    "library:progress": Reach(at("library:progress", lambda w: w.library), "parent_staff"),
    "library:cell": Reach(at("library:cell", lambda w: w.library, cell), "secretary"),
    "library:cell.export": Reach(at("library:cell.export", lambda w: w.library, cell, lambda w: "xlsx"), "secretary"),
    "meetings:mine": Reach(at("meetings:mine"), "member"),
    "meetings:feed": Reach(at("meetings:feed", lambda w: w.feed.token), "anonymous"),
    "meetings:list": Reach(at("meetings:list", cell), "secretary"),
    "meetings:create": Reach(at("meetings:create", cell), "secretary"),
    "meetings:plan": Reach(at("meetings:plan", cell), "secretary"),
    "meetings:topics": Reach(at("meetings:topics", commune), "parent_staff"),
    "meetings:topic_plan": Reach(at("meetings:topic_plan", commune), "parent_staff"),
    "meetings:statistics": Reach(at("meetings:statistics", cell), "secretary"),
    "meetings:attendance_export": Reach(at("meetings:attendance_export", cell, lambda w: "xlsx"), "secretary"),
    "meetings:rules": Reach(at("meetings:rules"), "admin"),
    "meetings:rules.edit": Reach(at("meetings:rules.edit", lambda w: MeetingRules.objects.filter(
        copied_from__code="2025").order_by("pk").first() or MeetingRules.objects.get(code="2025")), "admin"),
    "meetings:unit_rules": Reach(at("meetings:unit_rules", commune), "parent_staff"),
    "meetings:detail": Reach(at("meetings:detail", lambda w: w.meeting), "secretary"),
    "meetings:edit": Reach(at("meetings:edit", lambda w: w.meeting), "secretary"),
    "meetings:check_in_screen": Reach(at("meetings:check_in_screen", lambda w: w.meeting), "secretary"),
    "meetings:votes": Reach(at("meetings:votes", lambda w: w.held), "secretary"),
    "meetings:check_in": Reach(at("meetings:check_in", lambda w: w.meeting), "member"),
    "meetings:minutes.edit": Reach(at("meetings:minutes.edit", lambda w: w.meeting), "secretary"),
    "meetings:documents.download": Reach(at("meetings:documents.download", lambda w: w.meeting.documents.first()),
                                         "secretary"),
    "meetings:minutes": Reach(at("meetings:minutes", lambda w: w.meeting, lambda w: "docx"), "secretary"),
    "oversight:unit": Reach(at("oversight:unit", commune), "parent_staff"),
    "oversight:dashboard": Reach(at("oversight:dashboard", commune), "parent_staff"),
    "oversight:dashboard.export": Reach(at("oversight:dashboard.export", commune, lambda w: "xlsx"), "parent_staff"),
    "oversight:create": Reach(at("oversight:create", commune), "parent_staff"),
    "oversight:detail": Reach(at("oversight:detail", lambda w: w.inspection), "parent_staff"),
    "oversight:self_report": Reach(at("oversight:self_report", lambda w: w.inspection), "secretary"),
    "oversight:self_report.file": Reach(at("oversight:self_report.file", lambda w: w.self_reported()), "secretary"),
    "oversight:findings.add": Reach(at("oversight:findings.add", lambda w: w.inspection), "parent_staff"),
    "oversight:remedies.add": Reach(at("oversight:remedies.add", lambda w: w.inspection), "parent_staff"),
    "oversight:conclude": Reach(at("oversight:conclude", lambda w: w.inspection), "parent_staff"),
    "oversight:conclusion": Reach(at("oversight:conclusion", lambda w: w.concluded, lambda w: "docx"), "secretary"),
    "directives:mine": Reach(at("directives:mine"), "secretary"),
    "directives:unit": Reach(at("directives:unit", commune), "parent_staff"),
    "directives:create": Reach(at("directives:create", commune), "parent_staff"),
    "directives:detail": Reach(at("directives:detail", lambda w: w.directive), "parent_staff"),
    "directives:edit": Reach(at("directives:edit", lambda w: w.directive_draft), "parent_staff"),
    "directives:amend": Reach(at("directives:amend", lambda w: w.directive), "parent_staff"),
    "directives:key_tasks.edit": Reach(at("directives:key_tasks.edit", lambda w: w.directive.tasks.first()),
                                       "parent_staff"),
    "directives:files.download": Reach(at("directives:files.download", lambda w: w.directive.files.first()),
                                       "parent_staff"),
    "directives:progress": Reach(at("directives:progress", lambda w: w.directive, commune), "parent_staff"),
    "directives:document": Reach(at("directives:document", lambda w: w.directive, lambda w: "docx"), "parent_staff"),
    "directives:receipts.document": Reach(at("directives:receipts.document", lambda w: w.directive.receipts.get(
        unit=w.cast.cell), lambda w: "docx"), "secretary"),
    "directives:progress.export": Reach(at("directives:progress.export", lambda w: w.directive, commune,
                                           lambda w: "xlsx"), "parent_staff"),
    "directives:receipt": Reach(at("directives:receipt", lambda w: w.directive.receipts.get(unit=w.cast.cell)),
                                "secretary"),
    "directives:tasks.add": Reach(at("directives:tasks.add", lambda w: w.directive.receipts.get(unit=w.cast.cell)),
                                  "secretary"),
    "directives:report": Reach(at("directives:report", lambda w: w.directive.receipts.get(unit=w.cast.cell)),
                               "secretary"),
    "directives:reports.evidence": Reach(at("directives:reports.evidence", lambda w: w.directive.receipts.get(
        unit=w.cast.cell).reports.first()), "secretary"),
    "api:openapi-json": Reach(lambda w: "/api/openapi.json", "anonymous"),
    "api:openapi-view": Reach(lambda w: "/api/docs", "anonymous"),
    "api:unit_detail": Reach(api(lambda w: f"units/{w.cast.cell.pk}"), "secretary"),
    "api:unit_children": Reach(api(lambda w: f"units/{w.cast.commune.pk}/children"), "parent_staff"),
    "api:unit_members": Reach(api(lambda w: f"units/{w.cast.cell.pk}/members"), "secretary"),
    "api:member_search": Reach(api(lambda w: "members/search?q=nguyen"), "secretary"),
    "api:library_documents": Reach(api(lambda w: "library/documents?q=nghi%20quyet"), "member"),
    "api:member_detail": Reach(api(lambda w: f"members/{w.veteran.pk}"), "secretary"),
    "api:review_detail": Reach(api(lambda w: f"reviews/{w.reviewed.pk}"), "parent_staff"),
    "api:review_feedback": Reach(api(lambda w: f"reviews/{w.reviewed.pk}/feedback"), "parent_staff"),
    "api:unit_list": Reach(api(lambda w: "units"), "parent_staff"),
    "api:meeting_list": Reach(api(lambda w: "meetings?page_size=100"), "secretary"),
    "api:meeting_detail": Reach(api(lambda w: f"meetings/{w.meeting.pk}"), "secretary"),
    "api:meeting_roll": Reach(api(lambda w: f"meetings/{w.meeting.pk}/roll"), "secretary"),
    "api:meeting_speakers": Reach(api(lambda w: f"meetings/{w.meeting.pk}/speakers"), "secretary"),
    "api:meeting_motions": Reach(api(lambda w: f"meetings/{w.held.pk}/motions"), "secretary"),
    "api:speaker_add": Reach(api(lambda w: f"meetings/{w.meeting.pk}/speakers"), "secretary"),
    "api:meeting_minutes": Reach(api(lambda w: f"meetings/{w.meeting.pk}/minutes"), "secretary"),
    "api:cell_dues": Reach(api(lambda w: f"units/{w.cast.cell.pk}/dues"), "secretary"),
    "api:cycle_list": Reach(api(lambda w: "cycles?page_size=100"), "parent_staff"),
    "api:cycle_detail": Reach(api(lambda w: f"cycles/{w.cycle.pk}"), "parent_staff"),
    "api:cycle_reviews": Reach(api(lambda w: f"cycles/{w.cycle.pk}/reviews?page_size=100"), "parent_staff"),
    "api:review_rating": Reach(api(lambda w: f"reviews/{w.reviewed.pk}/rating"), "parent_staff"),
    "api:review_citations": Reach(api(lambda w: f"reviews/{w.reviewed.pk}/citations"), "parent_staff"),
    "api:review_feedback_give": Reach(api(lambda w: f"reviews/{w.reviewed.pk}/feedback"), "secretary"),
    "api:shortcoming_list": Reach(api(lambda w: "shortcomings?page_size=100"), "parent_staff"),
    "api:shortcoming_detail": Reach(api(lambda w: f"shortcomings/{w.shortcoming.pk}"), "secretary"),
    "api:shortcoming_progress": Reach(api(lambda w: f"shortcomings/{w.shortcoming.pk}/progress"), "secretary"),
    "api:shortcoming_progress_post": Reach(api(lambda w: f"shortcomings/{w.shortcoming.pk}/progress"), "member"),
    "api:directive_list": Reach(api(lambda w: "directives?page_size=100"), "member"),
    "api:directive_detail": Reach(api(lambda w: f"directives/{w.directive.pk}"), "member"),
    "api:directive_reports": Reach(api(lambda w: f"directives/{w.directive.pk}/reports?page_size=100"), "secretary"),
    "api:alert_list": Reach(api(lambda w: "alerts?page_size=100"), "parent_staff"),
    "api:alert_detail": Reach(api(lambda w: f"alerts/{w.alert.pk}"), "parent_staff"),
    "api:unit_dashboard": Reach(api(lambda w: f"units/{w.cast.commune.pk}/dashboard"), "parent_staff"),
    "healthz": Reach(at("healthz"), "anonymous"),
    "alerts:unit": Reach(at("alerts:unit", commune), "parent_staff"),
    "alerts:unit.export": Reach(at("alerts:unit.export", commune, lambda w: "xlsx"), "parent_staff"),
    "alerts:detail": Reach(at("alerts:detail", lambda w: w.alert), "parent_staff"),
    "alerts:rules": Reach(at("alerts:rules"), "admin"),
    "alerts:rules.edit": Reach(at("alerts:rules.edit", lambda w: Rule.objects.get(kind="silent", current=True)),
                               "admin"),
}

# GET URLs that are no page: they answer 404 to everyone.
NO_PAGE = {"api:api-root": "the API's root lists nothing (ninja answers 404)",
           "setup": "the first-run set-up is a page only while the installation has no unit; here it sends on",
           "accounts:activate.password": "a page only after a set-up code was proven in the session; here it sends "
                                         "back to the first step",
           "accounts:two_factor.verify": "a page only while a login owes its code; the cast's sessions have entered "
                                         "theirs, so it sends on",
           "^api/": "any address under /api/ that names no operation: the API's own 404"}


# --- the lists whose queries are counted ---------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """A list whose queries are counted: `reach` another URL of the same page (default: PAGES[name]);
    `allowance` extra queries it may take as it grows, each one justified where it is given."""

    reach: Reach | None = None
    allowance: int = 0


# Keys are URL names; "name#variant" counts another URL of the same page. Word and PDF downloads are built from
# one content model before rendering (documents/rendering.py), so the Word one is counted for both.
COUNTED: dict[str, Counted] = {
    "org:dashboard": Counted(),
    "org:tree": Counted(),
    "org:tree.children": Counted(),
    "org:units.detail": Counted(),
    "org:units.detail#committee": Counted(Reach(at("org:units.detail", commune), "parent_staff")),
    "org:units.history": Counted(),
    "org:units.grants": Counted(),
    "org:units.stand_in": Counted(),
    "org:members.search": Counted(),
    "org:members.detail": Counted(),
    "org:members.history": Counted(),
    "accounts:tokens": Counted(),
    "notifications:inbox": Counted(),
    "documents:roster": Counted(),
    "documents:roster#docx": Counted(Reach(at("documents:roster", cell, lambda w: "docx"), "secretary")),
    "documents:profile": Counted(),
    "documents:imports.create": Counted(),
    "documents:exchange.download": Counted(),
    "documents:imports.detail": Counted(),
    "documents:imports.progress": Counted(),
    "reviews:rules.list": Counted(),
    "reviews:cycles.list": Counted(),
    "reviews:cycles.detail": Counted(),
    "reviews:cycles.detail#cell": Counted(Reach(at("reviews:cycles.detail", lambda w: w.cycle), "secretary")),
    "reviews:cycles.unit": Counted(),
    "reviews:cycles.unit#committee": Counted(Reach(at("reviews:cycles.unit", lambda w: w.cycle, commune),
                                                   "parent_staff")),
    "reviews:cycles.prompts": Counted(),
    "reviews:cycles.summary": Counted(),
    "reviews:cycles.results": Counted(),
    "reviews:reviews.document": Counted(),
    "reviews:reviews.mine": Counted(),
    "reviews:reviews.detail": Counted(),
    "reviews:reviews.edit": Counted(),
    "corrections:mine": Counted(),
    "corrections:mine#supervisor": Counted(Reach(at("corrections:mine"), "secretary")),
    "corrections:units.board": Counted(),
    "corrections:units.board#committee": Counted(Reach(at("corrections:units.board", commune), "parent_staff")),
    "corrections:shortcomings.detail": Counted(),
    "corrections:plans.detail": Counted(),
    "corrections:plans.document": Counted(),
    "corrections:units.export": Counted(),
    "dues:cell": Counted(),
    "dues:member": Counted(),
    "dues:meeting": Counted(),
    "library:list": Counted(),
    "library:saved": Counted(),
    "library:detail": Counted(),
    "library:progress": Counted(),
    "library:cell": Counted(),
    "library:cell.export": Counted(),
    "meetings:mine": Counted(),
    "meetings:feed": Counted(),
    "meetings:list": Counted(),
    "meetings:plan": Counted(),
    "meetings:topics": Counted(),
    "meetings:statistics": Counted(),
    "meetings:attendance_export": Counted(),
    "meetings:rules": Counted(),
    "meetings:unit_rules": Counted(),
    "meetings:statistics#committee": Counted(Reach(at("meetings:statistics", commune), "parent_staff")),
    "meetings:detail": Counted(),
    "meetings:detail#held": Counted(Reach(at("meetings:detail", lambda w: w.held), "secretary")),
    "meetings:detail#during": Counted(Reach(at("meetings:detail", lambda w: w.meeting, query="?step=during"),
                                            "secretary")),
    "meetings:minutes": Counted(),
    "meetings:votes": Counted(),
    "meetings:minutes#held": Counted(Reach(at("meetings:minutes", lambda w: w.held, lambda w: "docx"), "secretary")),
    "oversight:unit": Counted(),
    "oversight:unit#cell": Counted(Reach(at("oversight:unit", cell), "secretary")),
    "oversight:dashboard.export": Counted(),
    "oversight:detail": Counted(),
    "oversight:conclusion": Counted(),
    "directives:mine": Counted(),
    "directives:unit": Counted(),
    "directives:detail": Counted(),
    "directives:progress": Counted(),
    "directives:progress.export": Counted(),
    "directives:document": Counted(),
    "directives:receipts.document": Counted(),
    "directives:receipt": Counted(),
    "api:unit_children": Counted(),
    "api:unit_members": Counted(),
    "api:member_search": Counted(),
    "api:review_feedback": Counted(),
    "api:unit_list": Counted(),
    "api:meeting_list": Counted(),
    "api:meeting_roll": Counted(),
    "api:meeting_speakers": Counted(),
    "api:meeting_motions": Counted(),
    "api:speaker_add": Counted(),  # the speakers' list again: the same path as the POST that records one
    "api:cell_dues": Counted(),
    "api:library_documents": Counted(),
    "api:cycle_list": Counted(),
    "api:cycle_reviews": Counted(),
    "api:review_feedback_give": Counted(),  # the feedback again: the same path as the POST that gives some
    "api:shortcoming_list": Counted(),
    "api:shortcoming_progress": Counted(),
    "api:shortcoming_progress_post": Counted(),  # the timeline again: the same path as the POST that adds to it
    "api:directive_list": Counted(),
    "api:directive_reports": Counted(),
    "api:alert_list": Counted(),
    "alerts:unit": Counted(),
    "alerts:unit.export": Counted(),
    "alerts:detail": Counted(),
    "alerts:rules": Counted(),
    "alerts:rules.edit": Counted(),
}


def reach_of(key: str) -> Reach:
    return COUNTED[key].reach or PAGES[key.split("#")[0]]


# --- what a response lists ---------------------------------------------------------------------------------------


def _is_model(value) -> bool:
    return isinstance(value, models.Model)


def _models_in(value, depth: int = 2) -> int:
    """How many model instances `value` holds: itself, or inside its items, values or fields (two levels down:
    a row may hold a list, as a quarter holds its topics)."""
    if _is_model(value):
        return 1
    if isinstance(value, dict):
        values = list(value.values())
    elif isinstance(value, (list, tuple)):
        values = list(value)
    elif is_dataclass(value) and not isinstance(value, type):
        values = [getattr(value, item.name) for item in fields(value)]
    else:
        return 0
    return sum(_models_in(item, depth - 1) for item in values) if depth else 0


def _is_list(value) -> bool:
    """A Page, a QuerySet, or a list of rows of which some are or hold model instances."""
    if isinstance(value, (Page, QuerySet)):
        return True
    return isinstance(value, (list, tuple)) and any(_models_in(row) for row in value)


def context_lists(response: HttpResponse) -> dict[str, object]:
    """The lists in the template context of a page (every template it rendered), by context name."""
    contexts = response.context
    if contexts is None:
        return {}
    contexts = contexts if isinstance(contexts, list) else [contexts]
    found = {}
    for context in contexts:
        for name, value in context.flatten().items():
            if _is_list(value):
                found.setdefault(name, value)
    return found


def _size(value) -> int:
    """A list's rows, and the model instances its rows hold."""
    rows = list(value.object_list if isinstance(value, Page) else value)
    return len(rows) + sum(_models_in(row) for row in rows if not _is_model(row))


def json_rows(body: bytes) -> int | None:
    """The records a JSON answer lists: the answer itself, or its `items` (None when it lists none)."""
    data = json.loads(body)
    rows = data.get("items") if isinstance(data, dict) else data
    if isinstance(rows, list) and rows and all(isinstance(row, dict) for row in rows):
        return len(rows)
    return None


@dataclass
class Seen:
    """One response as the survey read it."""

    status: int
    kind: str  # "page", "json" or "file"
    lists: list[str] = field(default_factory=list)  # the context names holding lists (pages)
    rows: int = 0  # how much it lists: rows of its lists or of its JSON, or the file's size
    queries: list[str] = field(default_factory=list, repr=False)

    @property
    def is_list(self) -> bool:
        return bool(self.lists) if self.kind == "page" else self.kind == "json" and self.rows > 0


def read(response: HttpResponse, body: bytes) -> Seen:
    content_type = response.headers.get("Content-Type", "")
    if response.status_code != 200:
        return Seen(response.status_code, "page")
    if content_type.startswith("text/html") and response.context is not None:
        lists = context_lists(response)
        return Seen(200, "page", sorted(lists), sum(_size(value) for value in lists.values()))
    if content_type.startswith("application/json"):
        return Seen(200, "json", rows=json_rows(body) or 0)
    return Seen(200, "file", rows=len(body))


# --- the survey ----------------------------------------------------------------------------------------------


@dataclass(repr=False)
class Survey:
    pages: dict[str, Seen]  # every GET page, requested once in the world
    not_found: dict[str, str]  # GET URLs missing from PAGES that do not refuse GET (405): their routes
    counts: dict[str, list[Seen]]  # each COUNTED entry: in the world, then after each grow
    errors: dict[str, str] = field(default_factory=dict)


def request(client: Client, url: str) -> Seen:
    cache.clear()  # the full render, not the cached scope and page parts
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = body_bytes(response)  # files may be written while they are read
    seen = read(response, body)
    seen.queries = [query["sql"] for query in captured.captured_queries]
    return seen


def _placeholder_url(route: str) -> str:
    """A URL of the route with made-up arguments: enough for a view that refuses GET before loading anything."""
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda match: "x" if match.group(1) == "str" else "1", route)


@pytest.fixture(scope="module")
def survey(django_db_setup, django_db_blocker, tmp_path_factory) -> Survey:
    media = tmp_path_factory.mktemp("media")
    settings = override_settings(MEDIA_ROOT=media,
                                 PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), settings, time_machine.travel(WORLD_NOW, tick=True), transaction.atomic():
        cache.clear()
        world = build_world(make_cast())
        clients = {}

        def client(who: str) -> Client:
            if who not in clients:
                clients[who] = world.cast.client(who)
            return clients[who]

        result = Survey(pages={}, not_found={}, counts={key: [] for key in COUNTED})
        patterns = url_patterns()
        for name, route in patterns.items():
            if name in PAGES:
                result.pages[name] = request(client(PAGES[name].who), PAGES[name].url(world))
            elif name not in NO_PAGE and request(client("member"), _placeholder_url(route)).status != 405:
                result.not_found[name] = route  # a GET page nobody said how to reach (POST-only views answer 405)
        for size in (None, *SIZES):
            if size is not None:
                grow(world, size)
            for key in COUNTED:
                reach = reach_of(key)
                try:
                    result.counts[key].append(request(client(reach.who), reach.url(world)))
                except Exception as error:  # reported by the key's own test
                    result.errors[key] = f"{type(error).__name__}: {error}"
        transaction.set_rollback(True)
    cache.clear()
    return result


# --- the tests ---------------------------------------------------------------------------------------------------


def test_every_get_url_is_reached(survey):
    patterns = url_patterns()

    not_found = survey.not_found
    refused = {name: seen.status for name, seen in survey.pages.items() if seen.status != 200}
    stale = sorted((set(PAGES) | set(NO_PAGE) | {key.split("#")[0] for key in COUNTED}) - set(patterns))

    assert not not_found, "GET URLs without a way to reach them (add them to PAGES): " + ", ".join(
        f"{name} ({route})" for name, route in sorted(not_found.items()))
    assert not refused, "PAGES entries that do not reach their page (who or URL is wrong): " + ", ".join(
        f"{name} ({status})" for name, status in sorted(refused.items()))
    assert not stale, "entries for URLs that no longer exist: " + ", ".join(stale)


def test_every_list_page_has_a_query_count_test(survey):
    counted = {key.split("#")[0] for key in COUNTED}

    uncounted = sorted(name for name, seen in survey.pages.items() if seen.is_list and name not in counted)

    assert not uncounted, "list pages without a query-count entry (add them to COUNTED, and make grow reach " \
        "them): " + ", ".join(f"{name} (lists {', '.join(survey.pages[name].lists) or 'JSON rows'})"
                              for name in uncounted)


def _repeated(queries: list[str]) -> str:
    """The queries run more than once, digits and quoted values blanked: where an N+1 shows."""
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", query) for query in queries)
    return "\n".join(f"  {count} × {shape[:300]}" for shape, count in shapes.most_common() if count > 1)


@pytest.mark.parametrize("key", list(COUNTED))
def test_list_queries_do_not_grow(survey, key):
    assert key not in survey.errors, survey.errors.get(key)
    first, *grown = survey.counts[key]
    allowance = COUNTED[key].allowance

    statuses = [seen.status for seen in survey.counts[key]]
    counts = [len(seen.queries) for seen in survey.counts[key]]

    assert statuses == [200] * len(statuses), f"{key}: answered {statuses}"
    assert grown[-1].rows > first.rows, f"{key} lists as much after growing ({first.rows}): grow does not reach it"
    assert max(counts) <= counts[0] + allowance, (
        f"{key}: {counts} queries with the world and after growing it by {', '.join(map(str, SIZES))}; "
        f"repeated queries after the last growth:\n{_repeated(grown[-1].queries)}")
