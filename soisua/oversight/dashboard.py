"""A unit's dashboard: how its whole subtree is doing, put together from each app's reads (reviews, corrections,
meetings, directives), with its direct sub-units ranked worst first. Every figure comes from the subtree counters
(docs/architecture.md, "Subtree counters"): the unit's rows and its children's, never a scan of the subtree, so the
country's dashboard costs what a cell's does. Access is decided by the caller (policy.get_unit_for_user(...,
dashboard=True)).

A new part of the page is a field of `Dashboard` (and of `ChildRow` for the sub-units' table), filled in `build`
from its app's reads; `exports.dashboard_sheets` puts each of its tables in the workbook."""

import datetime
from dataclasses import dataclass, field

from soisua.corrections import queries as corrections
from soisua.counters import rollups
from soisua.directives import queries as directives
from soisua.directives import rollup as directive_rollup
from soisua.meetings import queries as meetings
from soisua.org.models import Unit
from soisua.quality import queries as quality
from soisua.reviews import policy as review_policy
from soisua.reviews import queries as reviews
from soisua.reviews import rating_rules

RECENT = 5
CHART_HEIGHT = 100
# The trends: the last cycles covering the unit, and the months up to today's.
TREND_CYCLES = 5
TREND_MONTHS = 12
# The review trend's bars: full width is all the expected reviews (or all the members decided); one row per cycle.
TREND_WIDTH = 250
TREND_ROW = 58


@dataclass
class ChildRow:
    unit: Unit
    attendance: dict
    corrections: dict = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return self.corrections.get("overdue", 0)


@dataclass
class Dashboard:
    unit: Unit
    year: int
    cycle: object = None
    review_progress: dict = field(default_factory=dict)
    levels: list = field(default_factory=list)
    corrections: dict = field(default_factory=dict)
    attendance: dict = field(default_factory=dict)
    months: list = field(default_factory=list)
    received: list = field(default_factory=list)
    issued: list = field(default_factory=list)
    children: list = field(default_factory=list)
    # The excellent quota of each grassroots organisation shown (the unit, or its children that are): QuotaUse.
    quota: list = field(default_factory=list)
    # Feedback addressed to the unit's committee in the cycle, counts only (reviews.policy.committee_feedback).
    feedback: list = field(default_factory=list)
    # Review results per cycle, oldest first, with their bars; the levels of the newest cycle's rule set.
    cycles: list = field(default_factory=list)
    trend_levels: list = field(default_factory=list)
    # Meetings and attendance per month over the last TREND_MONTHS months, with their bars.
    recent_months: list = field(default_factory=list)
    # Regular meetings of the year by the level their cell gave them, and the members' ratings (quality).
    quality: object = None

    @property
    def cycles_height(self) -> int:
        return TREND_ROW * len(self.cycles)


def _bars(months: list[dict]) -> list[dict]:
    """The meetings per month as bars of an SVG chart: x, height and the figure (the table beside it says the same)."""
    top = max((month["total"] for month in months), default=0) or 1
    return [{**month, "x": 8 + 24 * index, "height": round(CHART_HEIGHT * month["total"] / top),
             "y": CHART_HEIGHT - round(CHART_HEIGHT * month["total"] / top)} for index, month in enumerate(months)]


def _share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _cycle_rows(trend: list[dict]) -> list[dict]:
    """Each cycle's figures with its bars: submitted of expected, then the members decided at each level (one
    segment per level, best first; `index` names its colour)."""
    rows = []
    for position, figures in enumerate(trend):
        decided = sum(count for _level, count in figures["levels"])
        levels, segments, x = [], [], 0
        for index, (level, count) in enumerate(figures["levels"]):
            levels.append({"level": level, "count": count, "percent": _share(count, decided)})
            width = round(TREND_WIDTH * count / decided) if decided else 0
            if width:
                segments.append({"x": x, "width": width, "index": min(index, 3), "level": level, "count": count,
                                 "percent": _share(count, decided)})
            x += width
        rows.append({**figures, "decided": decided, "levels": levels, "segments": segments,
                     "submitted_percent": _share(figures["submitted"], figures["expected"]),
                     "submitted_width": round(TREND_WIDTH * figures["submitted"] / figures["expected"])
                     if figures["expected"] else 0, "y": TREND_ROW * position})
    return rows


def _month_bars(months: list[dict]) -> list[dict]:
    """Meetings and the attendance rate per month as bars of two charts on the same months (x)."""
    top = max((month["meetings"] for month in months), default=0) or 1
    bars = []
    for index, month in enumerate(months):
        height = round(CHART_HEIGHT * month["meetings"] / top)
        rate = round(CHART_HEIGHT * month["rate"] / 100) if month["rate"] is not None else 0
        bars.append({**month, "x": 8 + 24 * index, "height": height, "y": CHART_HEIGHT - height,
                     "rate_height": rate, "rate_y": CHART_HEIGHT - rate})
    return bars


def _directive_progress(unit: Unit, directives_shown: list) -> dict[int, int]:
    """The overall progress of each directive the unit received or issued, in its subtree: one read of the counters
    and one of the key tasks, however many are shown."""
    if not directives_shown:
        return {}
    figures = rollups.figures(unit.pk, sorted({directive_rollup.period(directive) for directive in directives_shown}),
                              tuple(directive_rollup.prefix(directive) for directive in directives_shown))
    tasks = directives.tasks_of_many(directives_shown)
    return {directive.pk: directive_rollup.progress(directive, figures, tasks[directive.pk])["overall"]
            for directive in directives_shown}


def build(unit: Unit, today: datetime.date, reader=None) -> Dashboard:
    """The dashboard of `unit` on `today`; `reader` is who reads it (the feedback counts leave out what they wrote
    themselves, as the feedback pages do)."""
    board = Dashboard(unit=unit, year=today.year)
    board.cycle = reviews.latest_cycle_covering(unit)
    if board.cycle is not None:
        board.review_progress, board.levels = reviews.counted_progress(board.cycle, unit)
        board.feedback = review_policy.committee_feedback(reader, board.cycle, unit, today)
    board.cycles = _cycle_rows(reviews.counted_trend(unit, TREND_CYCLES))
    if board.cycles:
        board.trend_levels = [row["level"] for row in board.cycles[-1]["levels"]]
    board.attendance = meetings.attendance_summary(unit, today.year)
    board.quality = quality.distribution(unit, quality.year_periods_to(today))
    board.months = _bars(meetings.meetings_per_month(unit, today.year))
    board.recent_months = _month_bars(meetings.monthly_summaries(unit, rollups.last_months(today, TREND_MONTHS)))
    receipts = list(directives.received_by(unit)[:RECENT])
    issued = list(directives.issued_by(unit).filter(status="issued")[:RECENT])
    overall = _directive_progress(unit, [*(receipt.directive for receipt in receipts), *issued])
    board.received = [(receipt, overall[receipt.directive_id]) for receipt in receipts]
    board.issued = [(directive, overall[directive.pk]) for directive in issued]
    children = [ChildRow(child, summary) for child, summary in meetings.children_summaries(unit, today.year)]
    counts = corrections.subtree_counts([unit, *(row.unit for row in children)], today)
    board.corrections = counts[unit.pk]
    for row in children:
        row.corrections = counts[row.unit.pk]
    if board.cycle is not None:
        organisations = [unit] if unit.kind.is_grassroots else [row.unit for row in children
                                                                 if row.unit.kind.is_grassroots]
        board.quota = rating_rules.counted_quota(board.cycle, organisations)
    # Worst first: most overdue corrections, then the lowest attendance (a unit without marked lines last).
    board.children = sorted(children, key=lambda row: (-row.overdue,
                                                       row.attendance["rate"] if row.attendance["rate"] is not None
                                                       else 101, row.unit.sort_key))
    return board
