"""Members' shortcomings from the last review and their correction plans, as they stand on REFERENCE_DAY.

Where each member's plan stands is drawn here; the rows and what follows from it (statuses, versions, due dates,
the figures they add to the subtree counters) are shaped by `soisua.corrections.bulk`.
"""

import datetime
import random

from soisua.corrections import bulk
from soisua.corrections.enums import PlanStatus, ShortcomingStatus, Source
from soisua.corrections.models import CorrectionPlan, Measure, RoadmapStep, Shortcoming

from .dates import PLANS_END, PLANS_MADE, REFERENCE_DAY, REVIEWED_AT
from .ids import IdBlock
from .meetings import Figures
from .people import weighted
from .sizes import Sizes
from .writer import Chunk

SHORTCOMING_TEXTS = [
    "Chưa gương mẫu trong sinh hoạt chi bộ, còn vắng họp không có lý do",
    "Đóng đảng phí chưa đúng hạn",
    "Chưa chủ động nghiên cứu, học tập nghị quyết",
    "Tinh thần tự phê bình và phê bình chưa cao, còn nể nang",
    "Chưa thường xuyên giữ mối liên hệ với chi ủy nơi cư trú",
    "Việc thực hiện nhiệm vụ được giao còn chậm so với kế hoạch",
    "Chưa tích cực tham gia các phong trào của địa phương",
    "Còn ngại va chạm trong đấu tranh với biểu hiện tiêu cực",
]
MEASURE_TEXTS = ["Tham gia đầy đủ sinh hoạt chi bộ, báo cáo chi ủy khi vắng",
                 "Đóng đảng phí trước ngày 5 hằng tháng",
                 "Học tập nghị quyết theo kế hoạch của chi bộ, viết bài thu hoạch",
                 "Chủ động đăng ký và báo cáo kết quả công việc hằng quý"]
STEP_TEXT, STEP_EVIDENCE = "Báo cáo kết quả với chi ủy", "Báo cáo"
SOURCES = [(Source.SELF_REVIEW, 70), (Source.FEEDBACK, 15), (Source.MEETING, 10), (Source.INSPECTION, 5)]
# Shares of members by where their correction plan stands on REFERENCE_DAY. Behind: a step due before that day
# is unfinished, so the member's unverified shortcomings are overdue (about 12 % of all shortcomings).
NO_PLAN, DRAFT_PLAN, BEHIND, VERIFIED = 0.08, 0.07, 0.18, 0.35


class Shortcomings:
    """Draws from `rng` (the organisation's stream: members and their shortcomings are drawn in turn)."""

    def __init__(self, rng: random.Random, sizes: Sizes, per_member: int):
        self.rng = rng
        self.per_member = per_member
        self.sources = weighted(SOURCES)
        expected = sizes.members * per_member
        self.ids = {model: IdBlock(model, count) for model, count in [
            (Shortcoming, expected // 20), (bulk.PlanShortcoming, expected // 20),
            (CorrectionPlan, sizes.members // 20), (Measure, sizes.members // 20),
            (RoadmapStep, sizes.members // 8)]}
        self.done = 0

    def add(self, chunk: Chunk, figures: Figures, cell: dict, member_id: int, supervisor_id: int | None) -> None:
        """The member's shortcomings (none to twice `per_member`) and their plan, if they made one; what they add
        to the cell's counters goes to `figures`."""
        rng = self.rng
        count = min(rng.randint(0, 2 * self.per_member), len(SHORTCOMING_TEXTS))
        if not count:
            return
        stage = rng.random()
        approved = stage >= NO_PLAN + DRAFT_PLAN
        behind = approved and stage < NO_PLAN + DRAFT_PLAN + BEHIND
        owner = {"unit_id": cell["id"], "member_id": member_id, "province_id": cell["province_id"]}
        plan, due = None, None
        if stage >= NO_PLAN:
            plan, due = self.add_plan(chunk, owner, supervisor_id, approved=approved, behind=behind)
        for order, text in enumerate(rng.sample(SHORTCOMING_TEXTS, count)):
            shortcoming_id = self.ids[Shortcoming].take()
            source = rng.choices(self.sources[0], cum_weights=self.sources[1])[0]
            created_at = REVIEWED_AT + datetime.timedelta(minutes=rng.randint(0, 30 * 24 * 60))
            status, verified_at = ShortcomingStatus.OPEN, None
            if approved:
                if rng.random() < VERIFIED:
                    status = ShortcomingStatus.VERIFIED
                    verified_at = datetime.datetime.combine(
                        REFERENCE_DAY - datetime.timedelta(days=rng.randint(1, 120)), datetime.time(9),
                        tzinfo=datetime.UTC)
                elif behind:  # a member behind on the roadmap has not reported a fix yet
                    status = rng.choice([ShortcomingStatus.PLANNED, ShortcomingStatus.IN_PROGRESS])
                else:
                    status = rng.choice(bulk.BEING_FIXED)
            row = bulk.shortcoming_row(
                id=shortcoming_id, **owner, text=text, order=order, source=source, created_at=created_at, plan=plan,
                status=status, due=due, verified_at=verified_at)
            chunk[Shortcoming].append(row)
            for key, value in bulk.counter_figures(row).items():
                figures[key] = figures.get(key, 0) + value
            if plan is not None:
                chunk[bulk.PlanShortcoming].append(bulk.plan_link_row(
                    id=self.ids[bulk.PlanShortcoming].take(), plan_id=plan["id"], shortcoming_id=shortcoming_id))
        self.done += count

    def add_plan(self, chunk: Chunk, owner: dict, supervisor_id: int | None, *, approved: bool,
                 behind: bool) -> tuple[dict, datetime.date | None]:
        """A plan with one measure and its roadmap, and the day its unverified shortcomings are due. Approved plans
        have their steps due before REFERENCE_DAY done, except from a random one on when the member is behind; the
        others (draft or submitted) have none done."""
        rng = self.rng
        made = PLANS_MADE + datetime.timedelta(days=rng.randint(0, 20))
        deadline = PLANS_END - datetime.timedelta(days=rng.randint(0, 60))
        status = PlanStatus.APPROVED if approved else rng.choice([PlanStatus.DRAFT, PlanStatus.SUBMITTED])
        first = made + datetime.timedelta(days=rng.randint(20, 100))  # always before REFERENCE_DAY
        count = rng.randint(2, 3)
        dues = [first + (deadline - first) * number // (count - 1) for number in range(count)]
        past = sum(due < REFERENCE_DAY for due in dues)
        undone_from = 0 if not approved else rng.randrange(past) if behind else past
        moment = datetime.datetime.combine(made, datetime.time(10), tzinfo=datetime.UTC)
        plan = bulk.plan_row(
            id=self.ids[CorrectionPlan].take(), **owner, deadline=deadline, status=status, created_at=moment,
            submitted_at=None if status == PlanStatus.DRAFT else moment + datetime.timedelta(days=2),
            decided_at=moment + datetime.timedelta(days=7) if status == PlanStatus.APPROVED else None)
        chunk[CorrectionPlan].append(plan)
        measure = bulk.measure_row(id=self.ids[Measure].take(), plan_id=plan["id"], text=rng.choice(MEASURE_TEXTS),
                                   supervisor_id=supervisor_id, deadline=deadline)
        chunk[Measure].append(measure)
        steps = [bulk.step_row(id=self.ids[RoadmapStep].take(), measure_id=measure["id"], order=order,
                               what=STEP_TEXT, due=due, evidence_expected=STEP_EVIDENCE,
                               done_on=due - datetime.timedelta(days=3) if order < undone_from else None)
                 for order, due in enumerate(dues)]
        chunk[RoadmapStep].extend(steps)
        return plan, bulk.next_due(plan, steps)
