"""A unit's dashboard: how its whole subtree is doing, put together from each app's reads (reviews, corrections,
meetings, directives), with its direct sub-units ranked worst first. Every figure comes from the subtree counters
(docs/architecture.md, "Subtree counters"): the unit's rows and its children's, never a scan of the subtree, so the
country's dashboard costs what a cell's does. Access is decided by the caller (policy.get_unit_for_user(...,
dashboard=True)).

A new part of the page is a field of `Dashboard` (and of `ChildRow` for the sub-units' table), filled in `build`
from its app's reads."""

import datetime
from dataclasses import dataclass, field

from soisua.corrections import queries as corrections
from soisua.counters import rollups
from soisua.directives import queries as directives
from soisua.directives import rollup as directive_rollup
from soisua.meetings import queries as meetings
from soisua.org.models import Unit
from soisua.reviews import queries as reviews

RECENT = 5
CHART_HEIGHT = 100


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


def _bars(months: list[dict]) -> list[dict]:
    """The meetings per month as bars of an SVG chart: x, height and the figure (the table beside it says the same)."""
    top = max((month["total"] for month in months), default=0) or 1
    return [{**month, "x": 8 + 24 * index, "height": round(CHART_HEIGHT * month["total"] / top),
             "y": CHART_HEIGHT - round(CHART_HEIGHT * month["total"] / top)} for index, month in enumerate(months)]


def _directive_progress(directive) -> int:
    return directive_rollup.progress(directive, rollups.figures(directive.issuer_id, [directive_rollup.period(
        directive)], directive_rollup.prefix(directive)), directives.tasks_of(directive))["overall"]


def build(unit: Unit, today: datetime.date) -> Dashboard:
    board = Dashboard(unit=unit, year=today.year)
    board.cycle = reviews.latest_cycle_covering(unit)
    if board.cycle is not None:
        board.review_progress, board.levels = reviews.counted_progress(board.cycle, unit)
    board.attendance = meetings.attendance_summary(unit, today.year)
    board.months = _bars(meetings.meetings_per_month(unit, today.year))
    for receipt in directives.received_by(unit)[:RECENT]:
        figures = rollups.figures(unit.pk, [directive_rollup.period(receipt.directive)],
                                  directive_rollup.prefix(receipt.directive))
        tasks = directives.tasks_of(receipt.directive)
        board.received.append((receipt, directive_rollup.progress(receipt.directive, figures, tasks)["overall"]))
    board.issued = [(directive, _directive_progress(directive))
                    for directive in directives.issued_by(unit).filter(status="issued")[:RECENT]]
    children = [ChildRow(child, summary) for child, summary in meetings.children_summaries(unit, today.year)]
    counts = corrections.subtree_counts([unit, *(row.unit for row in children)], today)
    board.corrections = counts[unit.pk]
    for row in children:
        row.corrections = counts[row.unit.pk]
    # Worst first: most overdue corrections, then the lowest attendance (a unit without marked lines last).
    board.children = sorted(children, key=lambda row: (-row.overdue,
                                                       row.attendance["rate"] if row.attendance["rate"] is not None
                                                       else 101, row.unit.sort_key))
    return board
