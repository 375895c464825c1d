"""The subtree counters kept by each write equal a rebuild from the source rows after any sequence of writes
through the services — reviews (save, submit, return, propose, decide, cancel, on paper, exclude), corrections (record,
plan, complete a step, claim, verify, reopen, remove), attendance, directive reports and subtree moves — and the
figures a dashboard reads from them equal a count over the subtree's rows, overdue corrections on any day
included."""

import contextlib
import datetime

import pytest
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soisua.core.actors import SYSTEM
from soisua.core.errors import DomainError
from soisua.corrections import rollup as corrections_rollup
from soisua.corrections import services as corrections
from soisua.corrections.enums import DONE_STATUSES
from soisua.corrections.models import RoadmapStep, Shortcoming
from soisua.counters import rollups
from soisua.directives import services as directives
from soisua.directives.enums import TargetMode, TaskStatus
from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus
from soisua.meetings.models import Meeting
from soisua.org import services as org_services
from soisua.org.models import Member, Unit
from soisua.reviews import queries as review_queries
from soisua.reviews import rollup as review_rollup
from soisua.reviews import services as reviews
from soisua.reviews.models import Review
from tests.factories import complete_review, make_member, make_unit

LEVELS = ["excellent", "good", "completed", "not_completed"]
TEXTS = ["Chậm nộp đảng phí", "Chưa gương mẫu trong sinh hoạt chi bộ", "Chậm nộp đảng phí hằng tháng"]
STATUSES = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED]
# Days the overdue figure is read on, from today: before, on and after the steps' and plans' due dates.
DAYS = [-1, 0, 1, 15, 31, 45, 59, 61, 400]

index = st.integers(0, 30)
review_step = st.tuples(st.sampled_from(["save", "submit", "return_", "propose", "decide", "cancel", "paper",
                                         "exclude"]), index, st.integers(0, 3))
correction_step = st.tuples(st.sampled_from(["record", "plan", "step", "claim", "verify", "reopen", "remove"]),
                            index, st.integers(0, 3))
other_step = st.tuples(st.sampled_from(["meeting", "mark", "report", "move"]), index, st.integers(0, 3))
operations = st.lists(st.one_of(review_step, correction_step, other_step), min_size=1, max_size=20)


class World:
    def __init__(self, cast):
        self.cast, self.today = cast, timezone.localdate()
        make_member(cast.sibling_cell, "Vũ Thị Hoa")  # someone to supervise the sibling's plan
        make_member(cast.other_cell, "Đinh Văn Tám")  # a second member without a login
        self.section = make_unit(cast.commune, "section", "Đảng bộ bộ phận Thôn")
        self.cycle = reviews.open_cycle(
            cast.province, title="Kiểm điểm", kind="year", enforce_order=False,
            period_start=self.today - datetime.timedelta(days=365), period_end=self.today,
            self_review_due=self.today - datetime.timedelta(days=1), appraisal_due=self.today,
            decision_due=self.today, by=SYSTEM)
        draft = directives.create_draft(
            cast.province, kind="KH", number="01", issuer_symbol="TU", issued_on=self.today,
            title="Kế hoạch tự soi, tự sửa", target_mode=TargetMode.SUBTREE, tasks=["Quán triệt", "Sơ kết"],
            report_dates=[self.today + datetime.timedelta(days=30)], by=SYSTEM)
        self.directive = directives.issue(draft, version=None, by=SYSTEM)

    def units(self) -> list[Unit]:
        return list(Unit.objects.order_by("pk"))

    def cells(self) -> list[Unit]:
        return [Unit.objects.get(pk=cell.pk) for cell in (self.cast.cell, self.cast.sibling_cell,
                                                          self.cast.other_cell)]

    def apply(self, kind: str, number: int, choice: int) -> None:
        getattr(self, kind)(number, choice)

    @staticmethod
    def pick(rows: list, number: int):
        return rows[number % len(rows)] if rows else None

    # --- reviews -------------------------------------------------------------------------------------------

    # Each write picks among the reviews it may apply to (a refused one is tried now and then too), so a short
    # sequence reaches decisions and their cancellation.

    def review(self, number: int, *states: Q) -> Review:
        rows = Review.objects.filter(cycle=self.cycle).order_by("pk")
        matching = list(rows.filter(*states)) if number % 5 else []  # now and then any row, to be refused
        return self.pick(matching or list(rows), number)

    def save(self, number, choice):
        review = self.review(number, Q(status__in=["expected", "draft", "returned"]))
        reviews.save_review(review, version=review.version, content=reviews.ReviewContent(), by=SYSTEM)

    def submit(self, number, choice):
        complete_review(self.review(number, Q(status__in=["expected", "draft", "returned"])), SYSTEM)

    def submitted(self, number: int) -> Review:
        """A submitted review without a decision: one submitted now when there is none (or now and then)."""
        if not number % 5 or not Review.objects.filter(cycle=self.cycle, status="submitted", decided_at=None).exists():
            complete_review(self.review(number, Q(status__in=["expected", "draft", "returned"])), SYSTEM)
        return self.review(number, Q(status="submitted", decided_at=None))

    def return_(self, number, choice):
        reviews.return_review(self.submitted(number), reason="Viết lại phần tự đánh giá", by=SYSTEM)

    def propose(self, number, choice):
        reviews.propose_level(self.submitted(number), level=LEVELS[choice], comment="Đề xuất", by=SYSTEM)

    def decide(self, number, choice):
        review = self.submitted(number)
        if not review.cell_level:
            review = reviews.propose_level(review, level="good", comment="Đồng ý", by=SYSTEM)
        reviews.decide_level(review, level=LEVELS[choice], reason="Theo kết quả", override_reason="Đã thống nhất",
                             by=SYSTEM)

    def cancel(self, number, choice):
        if not Review.objects.filter(cycle=self.cycle, decided_at__isnull=False).exists():
            self.decide(number, choice)
        reviews.cancel_rating(self.review(number, ~Q(decided_at=None)), reason="Xem xét lại", by=SYSTEM)

    def paper(self, number, choice):
        reviews.mark_reviewed_on_paper(self.review(number, Q(member__user=None, member__isnull=False)),
                                       paper_on=self.today - datetime.timedelta(days=choice), by=SYSTEM)

    def exclude(self, number, choice):
        reviews.exclude_review(self.review(number, Q(member__user=None, member__isnull=False)),
                               reason="Đi công tác dài ngày", by=SYSTEM)

    # --- corrections: as for reviews, each write first brings a shortcoming to where it applies when none is --

    def shortcoming(self, number: int, *states: Q) -> Shortcoming | None:
        rows = Shortcoming.objects.order_by("pk")
        matching = list(rows.filter(*states)) if number % 5 else []  # now and then any row, to be refused
        return self.pick(matching or list(rows), number)

    def ensure(self, number: int, choice: int, states: list[str], before) -> Shortcoming:
        """A shortcoming in one of `states`, reaching one through `before` when there is none (or now and then)."""
        if not number % 7 or not Shortcoming.objects.filter(status__in=states).exists():
            before(number, choice)
        return self.shortcoming(number, Q(status__in=states))

    def record(self, number, choice):
        if choice == 3:  # a collective shortcoming of a cell or a commune
            unit = self.pick([unit for unit in self.units() if unit.parent_id is not None], number)
            member = None
        else:
            member = self.pick(list(Member.objects.order_by("pk")), number)
            unit = member.cell
        corrections.record_shortcoming(unit=unit, member=member, text=TEXTS[choice % len(TEXTS)], by=SYSTEM)

    def plan(self, number, choice):
        if not number % 7 or not Shortcoming.objects.filter(plans=None).exists():
            self.record(number, choice)
        shortcoming = self.shortcoming(number, Q(plans=None))
        plan = corrections.create_plan(unit=shortcoming.unit, member=shortcoming.member, shortcomings=[shortcoming],
                                       deadline=self.today + datetime.timedelta(days=60), by=SYSTEM)
        supervisor = (Member.objects.filter(cell__path__startswith=shortcoming.unit.path)
                      .exclude(pk=shortcoming.member_id or 0).order_by("pk").first())
        measure = corrections.add_measure(plan, text="Sửa chữa", supervisor=supervisor, deadline=plan.deadline,
                                          by=SYSTEM)
        for days in sorted({15 * choice, 45}):
            corrections.add_step(measure, what="Báo cáo chi ủy", due=self.today + datetime.timedelta(days=days),
                                 by=SYSTEM)
        corrections.submit_plan(plan, by=SYSTEM)
        corrections.decide_plan(plan, approve=True, by=SYSTEM)

    def step(self, number, choice):
        if not RoadmapStep.objects.filter(done_on=None).exists():
            self.plan(number, choice)
        step = self.pick(list(RoadmapStep.objects.filter(done_on=None).order_by("pk")), number)
        corrections.complete_step(step, by=SYSTEM)

    def claim(self, number, choice):
        corrections.claim_fix(self.ensure(number, choice, ["planned", "in_progress"], self.plan), note="Đã sửa",
                              by=SYSTEM)

    def verify(self, number, choice):
        corrections.verify_fix(self.ensure(number, choice, ["claimed"], self.claim), by=SYSTEM)

    def reopen(self, number, choice):
        corrections.reopen_fix(self.ensure(number, choice, ["claimed", "verified"], self.verify), reason="Chưa đạt",
                               by=SYSTEM)

    def remove(self, number, choice):
        corrections.remove_shortcoming(self.ensure(number, choice, ["open", "planned", "verified"], self.record),
                                       by=SYSTEM)

    # --- meetings, directives, moves -----------------------------------------------------------------------

    def meeting(self, number, choice):
        starts = timezone.now() - datetime.timedelta(days=40 * choice + 1)
        meetings.schedule_meeting(self.pick(self.cells(), number), title="Sinh hoạt chi bộ", starts_at=starts,
                                  ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)

    def mark(self, number, choice):
        meeting = self.pick(list(Meeting.objects.order_by("pk")), number)
        lines = list(meeting.attendance.order_by("pk")) if meeting else []
        if lines:
            status = STATUSES[choice]
            meetings.mark_attendance(lines[number % len(lines)], status=status, minutes_late=10,
                                     reason="Đi công tác" if status == AttendanceStatus.EXCUSED else "", by=SYSTEM)

    def report(self, number, choice):
        receipt = self.pick(list(self.directive.receipts.select_related("directive").order_by("pk")), number)
        directives.file_report(receipt, key_task=self.directive.tasks.order_by("number")[choice % 2],
                               period=self.directive.periods.get(), percent=25 * choice,
                               status=TaskStatus.IN_PROGRESS, by=SYSTEM)

    def move(self, number, choice):
        """A cell to either commune or into the section, and from the section straight under its commune (leaving
        an ancestor and joining none)."""
        cell = self.pick(self.cells(), number)
        target = [self.cast.commune, self.cast.other_commune, self.section, self.cast.commune][choice]
        org_services.move_unit(cell, new_parent=Unit.objects.get(pk=target.pk), by=SYSTEM)


def counted_by_scan(world: World, unit: Unit) -> tuple[dict, dict, dict, dict]:
    """What the dashboard shows of `unit`'s subtree, counted over the rows themselves."""
    progress = review_queries.progress(world.cycle, unit)
    members = Review.objects.filter(cycle=world.cycle, unit__path__startswith=unit.path, member__isnull=False)
    levels = dict(members.filter(decided_at__isnull=False)
                  .values_list("decided_level").annotate(count=Count("pk")).order_by())
    # The quota's base: the decided level, else the cell's proposal.
    rated_level = Case(When(decided_at__isnull=False, then=F("decided_level")), default=F("cell_level"),
                       output_field=CharField())
    rated = dict(members.annotate(rated=rated_level).exclude(rated=Value("")).values_list("rated")
                 .annotate(count=Count("pk")).order_by())
    rows = Shortcoming.objects.filter(unit__path__startswith=unit.path)
    unverified = rows.exclude(status__in=DONE_STATUSES)
    corrections_by_day = {day: {
        "open": unverified.count(), "verified": rows.filter(status__in=DONE_STATUSES).count(),
        "recurring": unverified.filter(recurring_of__isnull=False).count(),
        "overdue": unverified.filter(Q(next_due__lt=world.today + datetime.timedelta(days=day))).count()}
        for day in DAYS}
    return progress, levels, rated, corrections_by_day


def counted_by_counters(world: World, unit: Unit) -> tuple[dict, dict, dict, dict]:
    figures = rollups.figures(unit.pk, [review_rollup.period(world.cycle)], review_rollup.prefix(world.cycle))
    levels = {code: count for code, count in review_rollup.levels(world.cycle, figures).items() if count}
    corrections_by_day = {day: corrections_rollup.of_units(
        [unit.pk], world.today + datetime.timedelta(days=day))[unit.pk] for day in DAYS}
    rated = {code: count for code, count in review_rollup.rated(world.cycle, figures).items() if count}
    return review_rollup.progress(world.cycle, figures), levels, rated, corrections_by_day


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_counters_equal_a_rebuild_and_a_count_after_any_sequence_of_writes(cast, steps):
    with transaction.atomic():
        world = World(cast)
        for kind, number, choice in steps:
            with contextlib.suppress(DomainError):  # a refused write changes nothing
                world.apply(kind, number, choice)

        for unit in world.units():
            assert counted_by_counters(world, unit) == counted_by_scan(world, unit), f"{unit} after {steps}"
        drift = rollups.rebuild()
        transaction.set_rollback(True)
    assert drift == {"attendance.": 0, "corr.": 0, "dir.": 0, "meetings.": 0, "quality.": 0, "rev.": 0}, (
        f"drift after {steps}")
