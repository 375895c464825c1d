"""A unit's dashboard in the JSON API: the figures its page shows for the subtree, from the same function
(oversight.dashboard.build), for the same readers."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Schema

from soisua.core.api_common import MAX_ID, responses

from . import dashboard, policy

router = Router(tags=[_("Dashboards")])

UnitId = Path(..., ge=1, le=MAX_ID)


class CycleRef(Schema):
    id: int
    title: str
    kind: str
    status: str


class LevelCount(Schema):
    code: str
    name: str
    count: int


class FeedbackCounts(Schema):
    received: int
    answered: int
    waiting: int


class FeedbackRow(Schema):
    # "collective": on the unit's collective review; "superior": from the cells below on its committee.
    target: str
    review_id: int | None
    # Null while the cycle's anonymity withholds the figures.
    counts: FeedbackCounts | None


class QuotaRow(Schema):
    unit_id: int
    level: str | None
    base_count: int
    given: int
    allowed: int


class ReviewFigures(Schema):
    # The latest cycle covering the unit (null when none): its progress in the subtree and the levels decided.
    cycle: CycleRef | None
    progress: dict[str, int]
    levels: list[LevelCount]
    feedback: list[FeedbackRow]
    quota: list[QuotaRow]


class MeetingFigures(Schema):
    # This year's attendance lines by status, minutes late, meetings, lines and the rate (null without marked lines).
    attendance: dict[str, int | None]
    # Meetings per month of this year: total and by kind.
    months: list[dict[str, int]]


class DirectiveRow(Schema):
    directive_id: int
    symbol: str
    title: str
    # Overall progress in the unit's subtree, in percent.
    progress: int


class DirectiveFigures(Schema):
    received: list[DirectiveRow]
    issued: list[DirectiveRow]


class ChildFigures(Schema):
    unit_id: int
    name: str
    attendance: dict[str, int | None]
    corrections: dict[str, int]


class DashboardOut(Schema):
    unit_id: int
    year: int
    reviews: ReviewFigures
    # Shortcomings of the subtree: open, verified, recurring, overdue.
    corrections: dict[str, int]
    meetings: MeetingFigures
    directives: DirectiveFigures
    # The direct sub-units, worst first (most overdue corrections, then the lowest attendance).
    children: list[ChildFigures]


def _directive(directive, progress: int) -> dict:
    return {"directive_id": directive.pk, "symbol": directive.symbol, "title": directive.title, "progress": progress}


@router.get("/units/{unit_id}/dashboard", response=responses(DashboardOut), summary=_("A unit's dashboard"),
            description=_("How the unit's subtree is doing, as its dashboard page shows it: reviews, corrections, "
                          "meetings, directives and the sub-units. For those who speak for the unit or cover it; its "
                          "plain members are refused (403)."))
def unit_dashboard(request: HttpRequest, unit_id: int = UnitId):
    unit = policy.get_unit_for_user(request.user, unit_id, dashboard=True)
    board = dashboard.build(unit, timezone.localdate(), reader=request.user)
    cycle = board.cycle
    return {
        "unit_id": unit.pk, "year": board.year,
        "reviews": {
            "cycle": {"id": cycle.pk, "title": cycle.title, "kind": cycle.kind, "status": cycle.status} if cycle
            else None,
            "progress": board.review_progress,
            "levels": [{"code": level.code, "name": level.name, "count": count} for level, count in board.levels],
            "feedback": board.feedback,
            "quota": [{"unit_id": row.unit.pk, "level": row.level.code if row.level else None,
                       "base_count": row.base_count, "given": row.given, "allowed": row.allowed}
                      for row in board.quota]},
        "corrections": board.corrections,
        "meetings": {"attendance": board.attendance,
                     "months": [{key: value for key, value in month.items() if key not in ("x", "y", "height")}
                                for month in board.months]},
        "directives": {"received": [_directive(receipt.directive, progress) for receipt, progress in board.received],
                       "issued": [_directive(directive, progress) for directive, progress in board.issued]},
        "children": [{"unit_id": row.unit.pk, "name": row.unit.name, "attendance": row.attendance,
                      "corrections": row.corrections} for row in board.children],
    }
