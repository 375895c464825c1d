"""Corrections in the JSON API: shortcomings, their plans and their progress, as the caller may see them, and
progress reported through the same service as the shortcoming's page."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from soisua.core.api_common import MAX_ID, ApiInput, FromDay, Pages, ToDay, day_range, responses
from soisua.org import access

from . import policy, queries, services
from .enums import ShortcomingStatus

router = Router(tags=[_("Corrections")])

ShortcomingId = Path(..., ge=1, le=MAX_ID)
UNIT_FILTER = _("A unit's id: only what concerns its subtree (404 when the caller does not see the unit).")
MAX_NOTE = 5000
MAX_LINK = 500


def _name(user) -> str | None:
    if user is None:
        return None
    member = getattr(user, "member", None)
    return member.full_name if member is not None else (user.get_full_name() or user.get_username())


class ShortcomingOut(Schema):
    id: int
    unit_id: int
    # Null for the collective's (the unit's own) shortcoming.
    member_id: int | None
    member_name: str | None
    source: str
    severity: str
    text: str
    status: str
    next_due: datetime.date | None
    fix_by: datetime.date | None
    created_on: datetime.date

    @staticmethod
    def resolve_member_name(shortcoming) -> str | None:
        return shortcoming.member.full_name if shortcoming.member_id else None

    @staticmethod
    def resolve_created_on(shortcoming) -> datetime.date:
        return shortcoming.created_at.date()


class PersonOut(Schema):
    id: int
    full_name: str


class StepOut(Schema):
    what: str
    due: datetime.date
    evidence_expected: str
    done_on: datetime.date | None


class MeasureOut(Schema):
    text: str
    deadline: datetime.date | None
    supervisor: PersonOut | None
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(measure) -> list:
        return list(measure.steps.all())


class PlanOut(Schema):
    id: int
    status: str
    deadline: datetime.date
    return_reason: str
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(plan) -> list:
        return list(plan.measures.all())


class ShortcomingDetailOut(ShortcomingOut):
    cause: str
    cause_text: str
    responsibility: str
    measures: str
    cycle_id: int | None
    review_id: int | None
    verified_at: datetime.datetime | None
    plans: list[PlanOut]

    @staticmethod
    def resolve_plans(shortcoming) -> list:
        return list(queries.plans_of(shortcoming))


class ProgressOut(Schema):
    id: int
    kind: str
    at: datetime.datetime
    author: str | None
    note: str
    link: str
    # The evidence file's name: the file itself is downloaded from the shortcoming's page, not through the API.
    evidence_name: str

    @staticmethod
    def resolve_author(entry) -> str | None:
        return _name(entry.author)


class ProgressIn(ApiInput):
    note: str = Field(..., max_length=MAX_NOTE)
    link: str = Field("", max_length=MAX_LINK)

    @field_validator("link")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                raise ValueError("not a web address") from None
        return value


@router.get("/shortcomings", response=responses(list[ShortcomingOut]), summary=_("Shortcomings"),
            description=_("The shortcomings the caller may see, as on the pages (one named in a draft review only to "
                          "its writer), the next due first. `member`: one member's own; `from`, `to`: the next "
                          "deadline on those days or between them."))
@paginate(Pages, page_size=50)
def shortcoming_list(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID, description=UNIT_FILTER),
                     status: ShortcomingStatus | None = None, member: int | None = Query(None, ge=1, le=MAX_ID),
                     due_from: datetime.date | None = FromDay,
                     due_to: datetime.date | None = ToDay):
    due_from, due_to = day_range(due_from, due_to)
    scope_unit = access.get_unit_for_user(request.user, unit) if unit is not None else None
    return queries.shortcomings_where(policy.visible_shortcomings(request.user), unit=scope_unit, status=status or "",
                                      member_id=member, due_from=due_from, due_to=due_to)


@router.get("/shortcomings/{shortcoming_id}", response=responses(ShortcomingDetailOut), summary=_("A shortcoming"),
            description=_("With its correction plans: each plan's measures, deadlines, supervisors and roadmap "
                          "steps."))
def shortcoming_detail(request: HttpRequest, shortcoming_id: int = ShortcomingId):
    return policy.get_shortcoming_for_user(request.user, shortcoming_id)


@router.get("/shortcomings/{shortcoming_id}/progress", response=responses(list[ProgressOut]),
            summary=_("The progress of a shortcoming's fix"),
            description=_("Its timeline: progress updates, comments, the fix claimed, verified or reopened, oldest "
                          "first."))
@paginate(Pages, page_size=100)
def shortcoming_progress(request: HttpRequest, shortcoming_id: int = ShortcomingId):
    return queries.timeline(policy.get_shortcoming_for_user(request.user, shortcoming_id)).order_by("at", "pk")


@router.post("/shortcomings/{shortcoming_id}/progress", response=responses(ProgressOut),
             summary=_("Report progress on a fix"),
             description=_("The owner reports what was done, as on the shortcoming's page: a note, and a link if "
                           "any. Evidence files are attached on the page; the API takes text only."))
def shortcoming_progress_post(request: HttpRequest, payload: ProgressIn, shortcoming_id: int = ShortcomingId):
    shortcoming = policy.get_shortcoming_for_user(request.user, shortcoming_id, write=True)
    return services.post_progress(shortcoming, note=payload.note, link=payload.link, by=request.user)
