"""Early warnings in the JSON API: those the caller may open, and a warning acknowledged through the same service
and rules as its page."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from soisua.core.api_common import MAX_ID, ApiInput, FromDay, Pages, ToDay, day_range, responses

from . import policy, queries, services
from .enums import AlertStatus, Check
from .services import MAX_NOTE

router = Router(tags=[_("Early warnings")])

AlertId = Path(..., ge=1, le=MAX_ID)


class MemberRef(Schema):
    id: int
    full_name: str


class AlertOut(Schema):
    id: int
    # The check that found it (the rule's code).
    kind: str
    unit_id: int
    unit_name: str
    owner_id: int
    status: str
    # What the check measured ({"count": 3}, {"rate": 40, "marked": 12}…).
    figures: dict[str, int | float]
    opened_at: datetime.datetime
    resolved_at: datetime.datetime | None
    # The member it is about, when the caller may read them.
    member: MemberRef | None

    @staticmethod
    def resolve_unit_name(alert) -> str:
        return alert.unit.name

    @staticmethod
    def resolve_member(alert, context) -> dict | None:
        member = policy.named_member(context["request"].user, alert)
        return {"id": member.pk, "full_name": member.full_name} if member is not None else None


class EvidenceOut(Schema):
    label: str
    # The page that shows the row (empty for a figure).
    url: str


class AlertDetailOut(AlertOut):
    first_raised_at: datetime.datetime
    times_opened: int
    rule_version: int
    rule_threshold: int
    acknowledged_at: datetime.datetime | None
    acknowledgement: str
    # The rows the warning rests on that the caller may open; `hidden_evidence` counts the others.
    evidence: list[EvidenceOut]
    hidden_evidence: int
    can_acknowledge: bool

    @staticmethod
    def resolve_rule_version(alert) -> int:
        return alert.rule.version

    @staticmethod
    def resolve_rule_threshold(alert) -> int:
        return alert.rule.threshold

    @staticmethod
    def resolve_evidence(alert, context) -> list[dict]:
        shown, _hidden = _evidence(context["request"].user, alert)
        return [{"label": str(item.label), "url": item.url} for item in shown]

    @staticmethod
    def resolve_hidden_evidence(alert, context) -> int:
        return _evidence(context["request"].user, alert)[1]

    @staticmethod
    def resolve_can_acknowledge(alert, context) -> bool:
        return policy.can_acknowledge(context["request"].user, alert) and alert.status == AlertStatus.OPEN


class AcknowledgeIn(ApiInput):
    note: str = Field(..., max_length=MAX_NOTE, description="What the unit does about the warning.")


def _evidence(user, alert) -> tuple[list, int]:
    """policy.evidence_for, read once per answer (the schema asks for the rows and for the count of the others)."""
    if not hasattr(alert, "evidence_shown"):
        alert.evidence_shown = policy.evidence_for(user, alert)
    return alert.evidence_shown


@router.get("/alerts", response=responses(list[AlertOut]), summary=_("Early warnings"),
            description=_("The warnings the caller may open, the newest first: live ones (open or acknowledged) "
                          "unless `state` names another. `unit`: the warnings of its subtree, for those who follow "
                          "it (403 for its plain members); `check`: one check's; `from`, `to`: opened on those days "
                          "or between them."))
@paginate(Pages, page_size=50)
def alert_list(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID),
               state: AlertStatus | None = None, check: Check | None = None,
               opened_from: datetime.date | None = FromDay,
               opened_to: datetime.date | None = ToDay):
    opened_from, opened_to = day_range(opened_from, opened_to)
    user = request.user
    if unit is not None:
        scope_unit = policy.get_unit_for_user(user, unit)
        within = policy.listed(user, scope_unit)
    else:
        scope_unit, within = None, policy.visible_alerts(user)
    return queries.listing(scope_unit, status=state or "", check=check or "", within=within,
                           opened_from=opened_from, opened_to=opened_to)


@router.get("/alerts/{alert_id}", response=responses(AlertDetailOut), summary=_("An early warning"),
            description=_("What was found, what it rests on (the rows the caller may open) and its acknowledgement."))
def alert_detail(request: HttpRequest, alert_id: int = AlertId):
    return policy.get_alert_for_user(request.user, alert_id)


@router.post("/alerts/{alert_id}/acknowledge", response=responses(AlertDetailOut),
             summary=_("Acknowledge an early warning"),
             description=_("The owner's leadership says what the unit does about an open warning, as on its page; "
                           "nobody acknowledges a warning about themselves. A warning no longer open is refused "
                           "(422, code \"not_open\")."))
def alert_acknowledge(request: HttpRequest, payload: AcknowledgeIn, alert_id: int = AlertId):
    alert = policy.get_alert_for_user(request.user, alert_id, acknowledge=True)
    services.acknowledge(alert, by=request.user, note=payload.note, version=None)
    return policy.get_alert_for_user(request.user, alert_id)
