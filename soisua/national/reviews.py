"""The year-end review of REVIEW_YEAR: a cycle the root opened for the whole tree and closed, with one review per
unit below the root and per member reviewed, as they stood when it closed, and the figures they add to the
subtree counters.

Where each review stands is drawn here; the rows, their forms and versions and the counter metrics are shaped by
`soisua.reviews.bulk`.
"""

import datetime
import random

from soisua.reviews import bulk
from soisua.reviews.enums import Audience, ReviewRank, ReviewStatus
from soisua.reviews.models import Review
from soisua.reviews.queries import current_rule_set
from soisua.reviews.scope import EXCLUDED_STATUSES

from .dates import REVIEWED_AT
from .ids import IdBlock
from .meetings import Figures
from .people import weighted
from .sizes import Sizes
from .writer import Chunk

REVIEW_YEAR = REVIEWED_AT.year
TITLE = f"Kiểm điểm, đánh giá, xếp loại chất lượng năm {REVIEW_YEAR}"
PERIOD = (datetime.date(REVIEW_YEAR, 1, 1), datetime.date(REVIEW_YEAR, 12, 31))
OPENED_AT = datetime.datetime(REVIEW_YEAR, 11, 15, 8, 0, tzinfo=datetime.UTC)
SELF_REVIEW_DUE = datetime.date(REVIEW_YEAR, 12, 15)
APPRAISAL_DUE = datetime.date(REVIEW_YEAR, 12, 25)
DECISION_DUE = datetime.date(REVIEW_YEAR + 1, 1, 15)
DECIDED_AT = datetime.datetime(REVIEW_YEAR + 1, 1, 10, 9, 0, tzinfo=datetime.UTC)
CLOSED_AT = datetime.datetime(REVIEW_YEAR + 1, 1, 31, 9, 0, tzinfo=datetime.UTC)
# Where a review stood when the cycle closed (by one draw): never started, a draft, returned and not submitted
# again, excluded (members only, all without a login), else submitted; a submitted member's review was written on
# paper in the cell's meeting for PAPER of them, and is late for LATE of them. Most submitted reviews were decided.
NOT_STARTED, DRAFT, RETURNED, EXCLUDED = 0.01, 0.01, 0.005, 0.01
PAPER, LATE, DECIDED = 0.25, 0.06, 0.97
LEVELS = [("excellent", 12), ("good", 68), ("completed", 17), ("not_completed", 3)]
EXCLUDED_REASON = "Đi lao động ở nước ngoài trong thời gian kiểm điểm"


class Reviews:
    """Draws from `rng`, a stream of its own: the organisation of a seed is the same with or without reviews."""

    def __init__(self, rng: random.Random, sizes: Sizes, root):
        self.rng = rng
        rule_set = current_rule_set()
        self.cycle = bulk.open_cycle(root, rule_set=rule_set, title=TITLE, period_start=PERIOD[0],
                                     period_end=PERIOD[1], self_review_due=SELF_REVIEW_DUE,
                                     appraisal_due=APPRAISAL_DUE, decision_due=DECISION_DUE, opened_at=OPENED_AT,
                                     closed_at=CLOSED_AT)
        self.forms = bulk.forms(rule_set)
        self.levels = weighted(LEVELS)
        self.ids = IdBlock(Review, (sizes.members + sizes.cells + sizes.communes) // 20 + 1)
        self.done = 0

    def add(self, chunk: Chunk, figures: Figures, *, unit: dict, member_id: int | None = None,
            status: str = "", rank: int = ReviewRank.COLLECTIVE) -> None:
        """The review of `member_id` in their cell `unit` (with the member's status and rank), or without a member
        the collective review of `unit` (a dict with id and province_id); adds its figures to `figures`."""
        if member_id is not None and status in EXCLUDED_STATUSES:
            return  # not reviewed: the cycle leaves exempt and suspended members out
        rng = self.rng
        form = self.forms[(Audience.COLLECTIVE,) if member_id is None else bulk.audiences(status, rank)]
        draw = rng.random()
        values = {}
        if draw < NOT_STARTED:
            values["status"] = ReviewStatus.EXPECTED
        elif draw < NOT_STARTED + DRAFT:
            values["status"] = ReviewStatus.DRAFT
        elif draw < NOT_STARTED + DRAFT + RETURNED:
            values["status"] = ReviewStatus.RETURNED
        elif draw < NOT_STARTED + DRAFT + RETURNED + EXCLUDED and member_id is not None:
            values.update(status=ReviewStatus.EXCLUDED, excluded_reason=EXCLUDED_REASON)
        else:
            values.update(self.submitted(paper=member_id is not None and rng.random() < PAPER))
        row = bulk.review_row(id=self.ids.take(), cycle=self.cycle, unit_id=unit["id"],
                              province_id=unit["province_id"], form_id=form, rank=rank, member_id=member_id,
                              **values)
        chunk[Review].append(row)
        for key, value in bulk.counter_figures(self.cycle, row).items():
            figures[key] = figures.get(key, 0) + value
        self.done += 1

    def submitted(self, *, paper: bool) -> dict:
        rng = self.rng
        late = rng.random() < LATE
        day = SELF_REVIEW_DUE + datetime.timedelta(days=rng.randint(1, 8) if late else -rng.randint(0, 20))
        values = {"status": ReviewStatus.SUBMITTED}
        if paper:
            values["paper_on"] = day
        else:
            values["submitted_at"] = datetime.datetime.combine(day, datetime.time(rng.randint(1, 14)),
                                                               tzinfo=datetime.UTC)
        if rng.random() < DECIDED:
            values.update(decided_level=rng.choices(self.levels[0], cum_weights=self.levels[1])[0],
                          decided_at=DECIDED_AT)
        return values
