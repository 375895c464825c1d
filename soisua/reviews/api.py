"""Reviews in the JSON API: cycles, the reviews of a cycle, a review's rating and the feedback on it, as the caller
may see them, and feedback given through the same service as the review page."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from soisua.core.api_common import MAX_ID, ApiError, ApiInput, FromDay, Pages, ToDay, day_range, responses
from soisua.org import access

from . import policy, queries, services
from .enums import CycleKind, CycleStatus, FeedbackKind, ReviewStatus
from .services.feedback import MAX_FEEDBACK_LENGTH

router = Router(tags=[_("Reviews")])

ReviewId = Path(..., ge=1, le=MAX_ID)
CycleId = Path(..., ge=1, le=MAX_ID)
UNIT_FILTER = _("A unit's id: only what concerns its subtree (404 when the caller does not see the unit).")


class CycleOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    unit_id: int
    rule_set: str
    period_start: datetime.date
    period_end: datetime.date
    self_review_due: datetime.date
    appraisal_due: datetime.date
    decision_due: datetime.date
    anonymity: str

    @staticmethod
    def resolve_rule_set(cycle) -> str:
        return cycle.rule_set.code


class CycleDetailOut(CycleOut):
    # The highest unit of the cycle the caller reads: the counts are of its subtree.
    focus_unit_id: int
    counts: dict[str, int]


class ReviewOut(Schema):
    id: int
    cycle_id: int
    unit_id: int
    member_id: int | None
    form: str
    status: str
    submitted_at: datetime.datetime | None
    self_level: str
    cell_level: str
    decided_level: str | None

    @staticmethod
    def resolve_form(review) -> str:
        return review.form.code

    @staticmethod
    def resolve_decided_level(review) -> str | None:
        return review.decided_level if review.decided_at else None


class CitationOut(Schema):
    section: str
    key: str
    text: str
    source: str
    evidence: bool
    url: str
    file_url: str


class FeedbackOut(Schema):
    id: int
    kind: str
    text: str
    checklist_items: list[str]
    created_on: datetime.date
    # Null whenever the cycle's anonymity hides the author from the caller.
    author: str | None
    mine: bool
    response: str


class FeedbackListOut(Schema):
    withheld: bool
    items: list[FeedbackOut]


class FeedbackIn(ApiInput):
    kind: FeedbackKind
    text: str = Field(..., min_length=1, max_length=MAX_FEEDBACK_LENGTH)
    checklist_items: list[str] = Field([], max_length=200, description="Codes of the rule set's checklist items.")


class FeedbackGivenOut(Schema):
    # The feedback's id only: never its author, and nothing that dates it more finely than the day.
    id: int
    created_on: datetime.date


class LevelOut(Schema):
    code: str
    name: str


class ConditionOut(Schema):
    code: str
    text: str


class RatingOut(Schema):
    review_id: int
    self_score_general: Decimal | None
    self_score_tasks: Decimal | None
    self_level: LevelOut | None
    cell_level: LevelOut | None
    cell_comment: str
    cell_on: datetime.date | None
    decided_level: LevelOut | None
    decision_reason: str
    decided_on: datetime.date | None
    # The forcing conditions the cell or the committee found to apply (they force the lowest level).
    forcing_conditions: list[ConditionOut]


@router.get("/cycles", response=responses(list[CycleOut]), summary=_("Review cycles"),
            description=_("The cycles the caller sees: opened at a unit they see or above one. `unit`: the cycles in "
                          "which that unit's subtree is reviewed; `from`, `to`: those whose period reviewed meets "
                          "those days."))
@paginate(Pages, page_size=50)
def cycle_list(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID, description=UNIT_FILTER),
               status: CycleStatus | None = None, kind: CycleKind | None = None,
               period_from: datetime.date | None = FromDay,
               period_to: datetime.date | None = ToDay):
    period_from, period_to = day_range(period_from, period_to)
    within = access.get_unit_filter_for_user(request.user, unit)
    return queries.cycles_where(policy.visible_cycles(request.user), unit=within,
                                status=status or "", kind=kind or "", period_from=period_from, period_to=period_to)


@router.get("/cycles/{cycle_id}", response=responses(CycleDetailOut), summary=_("A review cycle"),
            description=_("Its rule set, dates and the number of reviews in each status in the part of the cycle the "
                          "caller reads (`focus_unit_id` and below)."))
def cycle_detail(request: HttpRequest, cycle_id: int = CycleId):
    cycle = policy.get_cycle_for_user(request.user, cycle_id)
    focus = queries.focus_unit(request.user, cycle)
    cycle.focus_unit_id, cycle.counts = focus.pk, queries.counts_by_status(cycle, focus)
    return cycle


@router.get("/cycles/{cycle_id}/reviews", response=responses(list[ReviewOut]), summary=_("The reviews of a cycle"),
            description=_("The reviews the caller may read, as on the pages: drafts only to their writers."))
@paginate(Pages, page_size=100)
def cycle_reviews(request: HttpRequest, cycle_id: int = CycleId,
                  unit: int | None = Query(None, ge=1, le=MAX_ID, description=UNIT_FILTER),
                  status: ReviewStatus | None = None):
    cycle = policy.get_cycle_for_user(request.user, cycle_id)
    within = access.get_unit_filter_for_user(request.user, unit)
    return queries.reviews_where(cycle, policy.readable_reviews(request.user), unit=within,
                                 status=status or "")


@router.get("/reviews/{review_id}", response=responses(ReviewOut), summary=_("A review"))
def review_detail(request: HttpRequest, review_id: int = ReviewId):
    return policy.get_review_for_user(request.user, review_id)


@router.get("/reviews/{review_id}/citations", response=responses(list[CitationOut]),
            summary=_("The year's record cited in a review"),
            description=_("The facts of the year's record its writer cited, in order, with the section cited in: the "
                          "sentence and its source as cited; the addresses of the source page and its file only "
                          "where the caller may open them, empty otherwise."))
def review_citations(request: HttpRequest, review_id: int = ReviewId):
    review = policy.get_review_for_user(request.user, review_id)
    return policy.citations_for_reader(request.user, review.citations)


@router.get("/reviews/{review_id}/rating", response=responses(RatingOut), summary=_("A review's rating"),
            description=_("The three steps of the rating as the review page shows them: the self-assessment, the "
                          "level the cell proposed and the level the superior committee decided, each with its "
                          "facts."))
def review_rating(request: HttpRequest, review_id: int = ReviewId):
    review = policy.get_review_for_user(request.user, review_id)
    names = {level.code: level.name for level in queries.levels_of(review.cycle.rule_set)}

    def level(code: str) -> dict | None:
        return {"code": code, "name": names.get(code, code)} if code else None

    decided = review.decided_at is not None
    return {
        "review_id": review.pk, "self_score_general": review.self_score_general,
        "self_score_tasks": review.self_score_tasks, "self_level": level(review.self_level),
        "cell_level": level(review.cell_level), "cell_comment": review.cell_comment,
        "cell_on": review.cell_at.date() if review.cell_at else None,
        "decided_level": level(review.decided_level) if decided else None,
        "decision_reason": review.decision_reason if decided else "",
        "decided_on": review.decided_at.date() if decided else None,
        "forcing_conditions": [{"code": condition.code, "text": condition.text}
                               for condition in queries.forcing_applied(review)]}


@router.get("/reviews/{review_id}/feedback", response=responses(FeedbackListOut),
            summary=_("The feedback on a review"),
            description=_("The feedback the caller may see; `withheld` is true when some is hidden from them, and "
                          "`author` is null whenever the cycle's anonymity hides it."))
def review_feedback(request: HttpRequest, review_id: int = ReviewId):
    review = policy.get_review_for_user(request.user, review_id)
    shown, withheld = policy.visible_feedback(request.user, review)
    return {"withheld": withheld, "items": [
        {"id": item.pk, "kind": item.kind, "text": item.text, "checklist_items": item.items,
         "created_on": item.created_on, "author": item.author, "mine": item.mine, "response": item.response}
        for item in shown]}


@router.post("/reviews/{review_id}/feedback", response=responses(FeedbackGivenOut), summary=_("Give feedback"),
             description=_("Feedback from a fellow member of the cell on a submitted review, as on the review page, "
                           "stored as the cycle's anonymity says. The answer names no author. `checklist_items`: "
                           "codes of the cycle's rule set (an unknown code is refused, 422)."))
def review_feedback_give(request: HttpRequest, payload: FeedbackIn, review_id: int = ReviewId):
    review = policy.get_review_for_user(request.user, review_id, give_feedback=True)
    items = queries.checklist_items_by_code(review.cycle, payload.checklist_items)
    unknown = [code for code in payload.checklist_items if code not in items]
    if unknown:
        raise ApiError(422, "unknown_checklist_item", gettext(
            "These checklist items are not in the cycle's rule set: %(codes)s.") % {"codes": ", ".join(unknown)})
    feedback = services.give_feedback(review=review, from_unit=review.unit, kind=payload.kind, text=payload.text,
                                      checklist_items=[item.pk for item in items.values()], by=request.user)
    return {"id": feedback.pk, "created_on": feedback.created_on}

