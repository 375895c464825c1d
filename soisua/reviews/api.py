"""Reviews in the JSON API: a review's rating and the feedback on it, as the caller may see them."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Schema

from soisua.core.api_common import responses

from . import policy

router = Router(tags=[_("Reviews")])

# Ids are 64-bit in every supported database: a larger number is refused (422) rather than sent to a query.
ReviewId = Path(..., ge=1, le=2**63 - 1)


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


@router.get("/reviews/{review_id}", response=responses(ReviewOut), summary=_("A review"))
def review_detail(request: HttpRequest, review_id: int = ReviewId):
    return policy.get_review_for_user(request.user, review_id)


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
