"""Directives in the JSON API: those the caller may see, their key tasks and the units' reports, and a unit's
receipt acknowledged through the same service as the page."""

import datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from soisua.core.api_common import MAX_ID, ApiInput, FromDay, Pages, ToDay, day_range, responses
from soisua.org import access

from . import policy, queries, services

router = Router(tags=[_("Directives")])

DirectiveId = Path(..., ge=1, le=MAX_ID)
UNIT_FILTER = _("A unit's id: only what concerns its subtree (404 when the caller does not see the unit).")


class DirectiveOut(Schema):
    id: int
    kind: str
    # The number as printed: "75-KH/ĐUK".
    symbol: str
    issuer_id: int
    issuer_name: str
    issued_on: datetime.date
    title: str
    status: str

    @staticmethod
    def resolve_issuer_name(directive) -> str:
        return directive.issuer.name


class KeyTaskOut(Schema):
    id: int
    number: int
    text: str
    deadline: datetime.date | None
    measure: str


class PeriodOut(Schema):
    id: int
    due_on: datetime.date
    label: str


class DirectiveDetailOut(DirectiveOut):
    summary: str
    basis: str
    parent_id: int | None
    tasks: list[KeyTaskOut]
    periods: list[PeriodOut]

    @staticmethod
    def resolve_parent_id(directive) -> int | None:
        return directive.parent_id if directive.parent_visible else None

    @staticmethod
    def resolve_tasks(directive) -> list:
        return queries.tasks_of(directive)

    @staticmethod
    def resolve_periods(directive) -> list:
        return queries.periods_of(directive)


class ReportOut(Schema):
    id: int
    unit_id: int
    key_task_id: int
    key_task_number: int
    period_id: int
    period_due_on: datetime.date
    status: str
    percent: int
    narrative: str
    reported_at: datetime.datetime

    @staticmethod
    def resolve_unit_id(report) -> int:
        return report.receipt.unit_id

    @staticmethod
    def resolve_key_task_number(report) -> int:
        return report.key_task.number

    @staticmethod
    def resolve_period_due_on(report) -> datetime.date:
        return report.period.due_on


class AcknowledgeIn(ApiInput):
    unit: int = Field(..., ge=1, le=MAX_ID, description="The id of the unit whose receipt is acknowledged.")


class ReceiptOut(Schema):
    id: int
    directive_id: int
    unit_id: int
    acknowledged_at: datetime.datetime | None


@router.get("/directives", response=responses(list[DirectiveOut]), summary=_("Directives"),
            description=_("The directives the caller may see: those their units issued or are drafting, and those "
                          "addressed to units they read, the latest first. `unit`: issued by a unit of its subtree "
                          "or addressed to one; `from`, `to`: issued on those days or between them."))
@paginate(Pages, page_size=50)
def directive_list(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID, description=UNIT_FILTER),
                   issued_from: datetime.date | None = FromDay,
                   issued_to: datetime.date | None = ToDay):
    issued_from, issued_to = day_range(issued_from, issued_to)
    within = access.get_unit_filter_for_user(request.user, unit)
    return queries.directives_where(policy.visible_directives(request.user), unit=within,
                                    issued_from=issued_from, issued_to=issued_to)


@router.get("/directives/{directive_id}", response=responses(DirectiveDetailOut), summary=_("A directive"),
            description=_("Its number as printed, its key tasks and its reporting periods."))
def directive_detail(request: HttpRequest, directive_id: int = DirectiveId):
    directive = policy.get_directive_for_user(request.user, directive_id)
    directive.parent_visible = (directive.parent_id is not None
                                and policy.can_see_directive(request.user, directive.parent))
    return directive


@router.get("/directives/{directive_id}/reports", response=responses(list[ReportOut]),
            summary=_("The reports on a directive"),
            description=_("The units' reports the caller may see: of the units they read or speak for and the units "
                          "below those they speak for, never a sibling's."))
@paginate(Pages, page_size=100)
def directive_reports(request: HttpRequest, directive_id: int = DirectiveId,
                      unit: int | None = Query(None, ge=1, le=MAX_ID, description=UNIT_FILTER)):
    directive = policy.get_directive_for_user(request.user, directive_id)
    return queries.reports_where(directive, policy.visible_receipts(request.user, "receipt__"),
                                 unit=access.get_unit_filter_for_user(request.user, unit))


@router.post("/directives/{directive_id}/acknowledge", response=responses(ReceiptOut),
             summary=_("Acknowledge a directive"),
             description=_("Those who speak for a unit the directive is addressed to acknowledge its receipt, as on "
                           "the page. Acknowledging it again is refused (422, code \"acknowledged\")."))
def directive_acknowledge(request: HttpRequest, payload: AcknowledgeIn, directive_id: int = DirectiveId):
    directive = policy.get_directive_for_user(request.user, directive_id)
    unit = access.get_unit_for_user(request.user, payload.unit)
    receipt = None if directive.is_draft else queries.receipt_of(directive, unit)
    if receipt is None:
        raise Http404
    receipt = policy.get_receipt_for_user(request.user, receipt.pk, act=True)
    return services.acknowledge(receipt, by=request.user)
