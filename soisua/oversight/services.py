"""Writes to inspections: planning one in a committee's programme, telling the subject, its self-report, the
team's findings, the remedies asked and the conclusion, which turns each remedy into a shortcoming followed by
the inspecting body.

Each function owns its transaction, appends the audit entry and raises InspectionError (translated) on refusal.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM, person
from soisua.core.errors import Conflict, DomainError, clean_text, save_if_current
from soisua.core.uploads import check_document_upload
from soisua.corrections import services as corrections
from soisua.corrections.enums import Source
from soisua.documents import numbering
from soisua.notifications.services import notify
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Member, Unit

from .enums import InspectionKind, InspectionStatus
from .models import Finding, Inspection, RemedyRequest

MAX_TEXT = 20_000
LEADERSHIP = {Role.SECRETARY, Role.COMMITTEE, Role.STAFF}


class InspectionError(DomainError):
    """A refused change to an inspection; the message is already translated."""


def _text(value: str, label: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = clean_text(value, label, limit, error=InspectionError)
    if required and not text:
        raise InspectionError(_("“%(field)s” is required.") % {"field": label}, code="required")
    return text


def _open(inspection: Inspection) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.is_concluded:
        raise InspectionError(_("This inspection is concluded; its records no longer change."), code="concluded")
    return inspection


def _check_not_own_case(inspection: Inspection, by) -> None:
    """Nobody tells, records, asks remedies in or concludes the inspection of their own case, however they reach
    the service (a committee member of the body inspected by it). Only the system is let through."""
    member = inspection.subject_member
    if by is not SYSTEM and member is not None and member.user_id is not None and member.user_id == by.pk:
        raise InspectionError(_("Nobody acts on the inspection of their own case."), code="own")


def _tell(users, inspection: Inspection, *, by, event: str, template: str, url: str = "") -> None:
    """Tell each of `users` once per event, never the one who acted."""
    url = url or reverse("oversight:detail", args=[inspection.pk])
    actor = person(by)
    for user in {user.pk: user for user in users if actor is None or user.pk != actor.pk}.values():
        notify(user, kind=f"oversight.{event}", event_key=f"inspection-{event}:{inspection.pk}", url=url,
               template=f"oversight/notifications/{template}",
               context={"inspection": inspection, "body": inspection.body.name,
                        "subject": str(inspection.subject_member or inspection.subject_unit)})


def _subject_people(inspection: Inspection) -> list:
    people = access.users_with_roles(inspection.subject_unit_id, LEADERSHIP)
    if inspection.subject_member_id and inspection.subject_member.user_id:
        people.append(inspection.subject_member.user)
    return people


def _body_people(inspection: Inspection) -> list:
    return [*access.users_with_roles(inspection.body_id, LEADERSHIP), *inspection.team.all()]


@transaction.atomic
def plan_inspection(body: Unit, *, year: int, kind: str, subject_unit: Unit, subject_member: Member | None = None,
                    content: str, period_start: datetime.date, period_end: datetime.date, team=(),
                    by) -> Inspection:
    """An inspection in `body`'s programme for `year`, of a unit at or below it, or of one of its members."""
    if kind not in InspectionKind.values:
        raise InspectionError(_("Choose the kind of inspection or supervision."), code="kind")
    if subject_member is not None:
        subject_unit = subject_member.cell
    if not subject_unit.path.startswith(body.path):
        raise InspectionError(_("%(unit)s is not under %(body)s.") % {"unit": subject_unit.name, "body": body.name},
                              code="outside")
    if kind == InspectionKind.SELF_INSPECTION and subject_unit.pk != body.pk and subject_member is None:
        raise InspectionError(_("A self-inspection is of the unit itself or one of its members."), code="kind")
    if period_end < period_start:
        raise InspectionError(_("The period ends before it starts."), code="period")
    content = _text(content, _("content"), required=True)
    team = list(team)
    allowed = set(access.users_with_roles(body.pk, set(Role)))
    outsiders = [str(user) for user in team if user not in allowed]
    if outsiders:
        raise InspectionError(_("The team is chosen among those holding a role in %(body)s: %(names)s.")
                              % {"body": body.name, "names": ", ".join(outsiders)}, code="team")
    inspection = Inspection.objects.create(body=body, year=year, kind=kind, subject_unit=subject_unit,
                                           subject_member=subject_member, content=content,
                                           period_start=period_start, period_end=period_end,
                                           created_by=person(by))
    inspection.team.set(team)
    audit.record(by, "oversight.inspection.plan", inspection, {"subject": subject_unit.pk, "kind": kind,
                                                               "member": subject_member.pk if subject_member else None})
    return inspection


@transaction.atomic
def notify_subject(inspection: Inspection, *, by) -> Inspection:
    """Start the inspection: the subject's leadership (and the member inspected) are told and asked for their
    self-report."""
    inspection = _open(inspection)
    _check_not_own_case(inspection, by)
    if inspection.status != InspectionStatus.PLANNED:
        raise InspectionError(_("The subject was told already."), code="notified")
    save_if_current(inspection, None, {"status": InspectionStatus.NOTIFIED, "notified_at": timezone.now()})
    audit.record(by, "oversight.inspection.notify", inspection, {})
    _tell(_subject_people(inspection), inspection, by=by, event="notified", template="notified")
    return inspection


@transaction.atomic
def submit_self_report(inspection: Inspection, *, text: str, upload=None, version: int | None = None,
                       by) -> Inspection:
    """`version`: the inspection's as the form showed it (None skips the check)."""
    inspection = _open(inspection)
    if version is not None and version != inspection.version:
        raise Conflict(current_version=inspection.version)
    if inspection.status != InspectionStatus.NOTIFIED:
        raise InspectionError(_("The self-report is written once the subject has been told."), code="not_notified")
    text = _text(text, _("self-report"), required=True)
    if upload is not None:
        check_document_upload(upload)
        inspection.self_report_file = upload
        inspection.save(update_fields=["self_report_file"])
    save_if_current(inspection, None, {"self_report": text, "self_reported_at": timezone.now()})
    audit.record(by, "oversight.inspection.self_report", inspection, {"file": bool(upload)})
    _tell(_body_people(inspection), inspection, by=by, event="self_report", template="self_report")
    return inspection


@transaction.atomic
def record_finding(inspection: Inspection, *, text: str, by) -> Finding:
    inspection = _open(inspection)
    _check_not_own_case(inspection, by)
    finding = Finding.objects.create(inspection=inspection, text=_text(text, _("finding"), required=True),
                                     recorded_by=person(by))
    audit.record(by, "oversight.finding.record", finding, {"inspection": inspection.pk})
    return finding


@transaction.atomic
def add_remedy(inspection: Inspection, *, text: str, deadline: datetime.date, unit: Unit | None = None,
               member: Member | None = None, by) -> RemedyRequest:
    """A remedy the conclusion will ask of the subject (or a unit or member within it), by a deadline that is not
    already past."""
    inspection = _open(inspection)
    _check_not_own_case(inspection, by)
    unit = member.cell if member is not None else (unit or inspection.subject_unit)
    if not unit.path.startswith(inspection.subject_unit.path):
        raise InspectionError(_("A remedy is asked of %(subject)s or a unit or member within it.")
                              % {"subject": inspection.subject_unit.name}, code="outside")
    if inspection.subject_member_id and member is not None and member.pk != inspection.subject_member_id:
        raise InspectionError(_("This inspection concerns one member only."), code="outside")
    if deadline < timezone.localdate():
        raise InspectionError(_("The deadline %(date)s is already past.") % {"date": deadline.strftime("%d/%m/%Y")},
                              code="deadline")
    remedy = RemedyRequest.objects.create(inspection=inspection, unit=unit, member=member, deadline=deadline,
                                          text=_text(text, _("remedy requested"), required=True, limit=5000))
    audit.record(by, "oversight.remedy.add", remedy, {"inspection": inspection.pk, "unit": unit.pk})
    return remedy


@transaction.atomic
def remove_remedy(remedy: RemedyRequest, *, by) -> None:
    _check_not_own_case(_open(remedy.inspection), by)
    audit.record(by, "oversight.remedy.remove", remedy, {"inspection": remedy.inspection_id})
    remedy.delete()


@transaction.atomic
def conclude(inspection: Inspection, *, number: str, date: datetime.date, conclusion: str, recommendations: str = "",
             version: int | None = None, by) -> Inspection:
    """The conclusion (number, date, text, recommendations): each remedy asked becomes a shortcoming of its unit
    or member (source: inspection) with its deadline, followed and verified by the inspecting body; the subject
    is told; the number is recorded in the inspecting body's register (docs/documents.md, "Numbers"). Refused
    before the subject was told, dated before the inspected period began or after today, with a number not
    written as a number ("05-KL/UBKT") or already used by another document of the body that year, or with a
    remedy due before the conclusion's date."""
    inspection = _open(inspection)
    _check_not_own_case(inspection, by)
    if inspection.status != InspectionStatus.NOTIFIED:
        raise InspectionError(_("Tell the subject before concluding."), code="not_notified")
    if version is not None and inspection.version != version:
        raise Conflict(current_version=inspection.version)
    if date < inspection.period_start or date > timezone.localdate():
        raise InspectionError(_("The conclusion is dated between the start of the inspection (%(start)s) and "
                                "today.") % {"start": inspection.period_start.strftime("%d/%m/%Y")}, code="date")
    number = _text(number, _("conclusion number"), required=True, limit=40)
    typed = numbering.parse_typed(number)
    if typed is None:
        raise InspectionError(_("Write the conclusion's number as its number, kind and issuer, for example "
                                "05-KL/UBKT."), code="number")
    conclusion = _text(conclusion, _("conclusion"), required=True)
    remedies = list(inspection.remedies.select_related("unit", "member"))
    late = [remedy for remedy in remedies if remedy.deadline < date]
    if late:
        raise InspectionError(_("A remedy is due before the conclusion's date: %(text)s")
                              % {"text": late[0].text[:80]}, code="deadline")
    sequence, kind, symbol = typed
    try:
        numbering.record_typed(inspection, unit=inspection.body, kind=kind or numbering.CONCLUSION, number=sequence,
                               symbol=symbol or numbering.unit_symbol(inspection.body), on=date, by=by,
                               title=f"Kết luận {inspection.subject_unit.name} ngày {date:%d/%m/%Y}")
    except numbering.NumberTaken as taken:
        raise InspectionError(taken.messages, code="number") from None
    for remedy in remedies:
        remedy.shortcoming = corrections.record_shortcoming(
            unit=remedy.unit, member=remedy.member, source=Source.INSPECTION, text=remedy.text,
            fix_by=remedy.deadline, followed_by=inspection.body, by=by)
        remedy.save(update_fields=["shortcoming"])
    save_if_current(inspection, None, {"status": InspectionStatus.CONCLUDED, "conclusion_number": number,
                                       "conclusion_date": date, "conclusion": conclusion,
                                       "recommendations": _text(recommendations, _("recommendations")),
                                       "concluded_by": person(by)})
    audit.record(by, "oversight.inspection.conclude", inspection, {"number": number, "remedies": len(remedies)})
    _tell(_subject_people(inspection), inspection, by=by, event="concluded", template="concluded")
    # Those asked a remedy and not told above (a member, a unit within the subject) may not read the inspection:
    # their link is the shortcoming. One message each, whatever they were asked (one event per person).
    for remedy in remedies:
        asked = ([remedy.member.user] if remedy.member_id and remedy.member.user_id
                 else [] if remedy.member_id else access.users_with_roles(remedy.unit_id, LEADERSHIP))
        _tell(asked, inspection, by=by, event="concluded", template="concluded",
              url=reverse("corrections:shortcomings.detail", args=[remedy.shortcoming_id]))
    return inspection
