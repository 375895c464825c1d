"""Exports of corrections: a correction plan as the official document a cell files (Word and PDF from one
`PartyDocument`), and a unit's open corrections as a row generator for the spreadsheet writer.

The document is always Vietnamese, whatever the reader's language: it is the paper the cell files (docs/domain.md,
"Corrections", and docs/documents.md); labels come from the enums through `documents.language`. A collective's
plan carries the cell's number for plans once approved; a member's plan is a personal paper without one. Callers
decide access first (`policy.get_plan_for_user`; for the spreadsheet, the unit's leadership or the levels above).
Spreadsheet headers and labels are translated: render them inside `translation.override(user.language)`.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from soisua.documents import numbering
from soisua.documents.exports import (
    AUTHORITY_COMMITTEE,
    FILING_RECIPIENT,
    POST_SECRETARY,
    secretary_name,
    unit_leadership,
)
from soisua.documents.language import filed_paper, label
from soisua.documents.rendering import (
    Block,
    Facts,
    Header,
    Heading,
    Paragraph,
    PartyDocument,
    Signature,
    Signatures,
    Table,
    document_date,
)
from soisua.documents.writers import Column, Sheet
from soisua.org.models import Unit
from soisua.org.queries import ancestors

# Who signs for a unit's leadership and its secretary's name: the same rule as on review documents, so a cell's
# plans and reviews are signed alike.
from . import queries
from .enums import Cause, PlanStatus, Severity
from .models import CorrectionPlan, Measure, Shortcoming

# Official wording (documents are always Vietnamese; the interface's labels would follow the reader's language).
TITLE = "KẾ HOẠCH KHẮC PHỤC HẠN CHẾ, KHUYẾT ĐIỂM"
OWNER_SIGNATURE = "NGƯỜI LẬP KẾ HOẠCH"
# A plan's status as the paper words it, which differs from the interface's short labels.
PLAN_STATUSES = {PlanStatus.DRAFT: pgettext_lazy("filed paper", "Draft, not yet submitted for approval"),
                 PlanStatus.SUBMITTED: pgettext_lazy("filed paper", "Submitted, awaiting approval"),
                 PlanStatus.APPROVED: pgettext_lazy("filed paper", "Approved"),
                 PlanStatus.RETURNED: pgettext_lazy("filed paper", "Returned to be completed")}
STEP_COLUMNS = ["TT", "Nội dung thực hiện", "Thời hạn", "Minh chứng dự kiến", "Hoàn thành"]
STEP_ALIGN = ("center", "left", "center", "left", "center")
STEP_WIDTHS = (7, 40, 15, 25, 15)


def _paragraphs(text: str) -> list[Paragraph]:
    """One paragraph per written line, so Word and PDF break the text where its author did."""
    return [Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip()]


def _place(unit: Unit, lineage: list[Unit]) -> str:
    return next((candidate.place for candidate in [unit, *reversed(lineage)] if candidate.place), "")


def _owner_name(plan: CorrectionPlan) -> str:
    return plan.member.full_name if plan.member_id else plan.unit.name


def _summary(plan: CorrectionPlan) -> str:
    owner = f"Của đồng chí {plan.member.full_name}" if plan.member_id else f"Của tập thể {plan.unit.name}"
    return f"{owner} - {plan.cycle.title}" if plan.cycle_id else owner


def _identity(plan: CorrectionPlan) -> Facts:
    items = [("Họ và tên", plan.member.full_name), ("Chi bộ", plan.unit.name)] if plan.member_id else [
        ("Tập thể", plan.unit.name)]
    if plan.cycle_id:
        items.append(("Kỳ kiểm điểm", plan.cycle.title))
    return Facts(items)


def _shortcoming_blocks(shortcomings: list[Shortcoming]) -> list[Block]:
    blocks: list[Block] = [Heading("I. HẠN CHẾ, KHUYẾT ĐIỂM CẦN KHẮC PHỤC")]
    for number, shortcoming in enumerate(shortcomings, start=1):
        first, *rest = _paragraphs(shortcoming.text) or [Paragraph("")]
        blocks += [Paragraph(f"{number}. {first.text}"), *rest]
        cause = label(Cause(shortcoming.cause)) if shortcoming.cause in Cause.values else shortcoming.cause
        blocks.append(Paragraph(f"Nguyên nhân: {cause}" + (f". {shortcoming.cause_text}" if shortcoming.cause_text
                                                           else ".")))
        severity = (label(Severity(shortcoming.severity)) if shortcoming.severity in Severity.values
                    else shortcoming.severity)
        blocks.append(Paragraph(f"Mức độ: {severity}."))
        if shortcoming.responsibility:
            blocks.append(Paragraph(f"Trách nhiệm: {shortcoming.responsibility}"))
        if shortcoming.recurring_of_id:
            blocks.append(Paragraph("Hạn chế, khuyết điểm này đã được nêu ở lần kiểm điểm trước."))
    return blocks


def _steps_table(measure: Measure) -> Table:
    rows = [[str(number), step.what, document_date(step.due), step.evidence_expected,
             document_date(step.done_on) if step.done_on else "Chưa"]
            for number, step in enumerate(measure.steps.all(), start=1)]
    return Table(STEP_COLUMNS, rows, align=STEP_ALIGN, widths=STEP_WIDTHS)


def _measure_blocks(measures: list[Measure]) -> list[Block]:
    blocks: list[Block] = [Heading("II. BIỆN PHÁP VÀ LỘ TRÌNH KHẮC PHỤC")]
    if not measures:
        return [*blocks, Paragraph("(Chưa có biện pháp.)")]
    for number, measure in enumerate(measures, start=1):
        first, *rest = _paragraphs(measure.text) or [Paragraph("")]
        blocks += [Paragraph(f"{number}. {first.text}"), *rest]
        if measure.steps.all():
            blocks += [Paragraph("Lộ trình thực hiện:"), _steps_table(measure)]
        supervisor = f"đồng chí {measure.supervisor.full_name}" if measure.supervisor_id else "(chưa phân công)"
        deadline = document_date(measure.deadline) or "(chưa định)"
        blocks += [Paragraph(f"Người giám sát: {supervisor}."), Paragraph(f"Thời hạn hoàn thành: {deadline}.")]
    return blocks


def _approver_name(plan: CorrectionPlan) -> str:
    """The approver's name as a member, else the login's full name; never a username on paper."""
    user = plan.decided_by
    if user is None:
        return ""
    member = getattr(user, "member", None)
    return member.full_name if member is not None else user.get_full_name()


def _approving_unit(plan: CorrectionPlan, superior: Unit | None) -> Unit | None:
    """The cell committee approves members' plans; the superior committee the collective's
    (policy.can_decide_plan)."""
    return plan.unit if plan.member_id else superior


def _approval(plan: CorrectionPlan, superior: Unit | None) -> Paragraph:
    unit, name = _approving_unit(plan, superior), _approver_name(plan)
    if name:
        by = f"đồng chí {name} ({unit.name})" if unit else f"đồng chí {name}"
    else:
        by = unit.name if unit else "cấp có thẩm quyền"
    day = document_date(timezone.localtime(plan.decided_at).date())
    return Paragraph(f"Kế hoạch được {by} phê duyệt ngày {day}.")


def _status_blocks(plan: CorrectionPlan, superior: Unit | None) -> list[Block]:
    blocks: list[Block] = [Heading("III. THỜI HẠN VÀ TỔ CHỨC THỰC HIỆN"),
                           Paragraph(f"Thời hạn hoàn thành toàn bộ kế hoạch: {document_date(plan.deadline)}."),
                           Paragraph(f"Tình trạng kế hoạch: {PLAN_STATUSES.get(plan.status, plan.status)}.")]
    if plan.status == PlanStatus.APPROVED and plan.decided_at:
        blocks.append(_approval(plan, superior))
    elif plan.status == PlanStatus.RETURNED and plan.return_reason:
        blocks.append(Paragraph(f"Lý do trả lại: {plan.return_reason}"))
    return blocks


def _signatures(plan: CorrectionPlan, superior: Unit | None) -> Signatures:
    """The owner on the right (for a collective, its leadership); once approved, the approver on the left: the cell
    for a member's plan, the superior committee for the collective's."""
    _who, authority = unit_leadership(plan.unit)
    cell = Signature(authority, POST_SECRETARY, secretary_name(plan.unit))
    owner = Signature(OWNER_SIGNATURE, "", plan.member.full_name) if plan.member_id else cell
    if plan.status != PlanStatus.APPROVED:
        return Signatures((owner,))
    approver = cell if plan.member_id else Signature(AUTHORITY_COMMITTEE, POST_SECRETARY, secretary_name(superior))
    return Signatures((approver, owner))


def plan_document(plan: CorrectionPlan, *, on: datetime.date | None = None) -> PartyDocument:
    """A correction plan in the official layout: the shortcomings it fixes, the measures with their roadmaps,
    supervisors and deadlines, the overall deadline and its approval, signed by its owner and, once approved,
    for the unit that approved it; a draft until approved. A collective's plan is numbered in its cell's register
    and dated the day it was approved; a member's plan is a personal paper without a number line."""
    with filed_paper():
        lineage = ancestors(plan.unit)
        superior = lineage[-1] if lineage else None
        approved = plan.status == PlanStatus.APPROVED
        day = timezone.localdate(plan.decided_at) if approved and plan.decided_at else on or timezone.localdate()
        number = "" if plan.member_id else numbering.printed_number(plan, unit=plan.unit, kind=numbering.PLAN)
        header = Header(issuer=plan.unit.name, superior=superior.name if superior else "", number=number,
                        place=_place(plan.unit, lineage), date=day)
        shortcomings = list(plan.shortcomings.order_by("created_at", "order", "pk"))
        measures = list(plan.measures.select_related("supervisor").prefetch_related("steps"))
        blocks = [_identity(plan), *_shortcoming_blocks(shortcomings), *_measure_blocks(measures),
                  *_status_blocks(plan, superior), _signatures(plan, superior)]
        # A member's plan goes to the cell's leadership; a collective's to the committee that approves it.
        addressee = plan.unit.name if plan.member_id else (superior.name if superior else "")
        return PartyDocument(header=header, title=TITLE, summary=_summary(plan), blocks=blocks, draft=not approved,
                             recipients=[name for name in (addressee, FILING_RECIPIENT) if name])


# Spreadsheets ---------------------------------------------------------------------------------------------

SHORTCOMING_TEXT_LIMIT = 300

SUBTREE_COLUMNS = [
    Column("unit", gettext_lazy("Unit"), "text", 30),
    Column("owner", gettext_lazy("Owner"), "text", 26),
    Column("shortcoming", gettext_lazy("Shortcoming"), "text", 60),
    Column("severity", gettext_lazy("Severity"), "text", 14),
    Column("status", gettext_lazy("Status"), "text", 22),
    Column("next_due", gettext_lazy("Next due"), "date", 12),
    Column("overdue", gettext_lazy("Overdue"), "text", 10),
    Column("recurring", gettext_lazy("Recurring"), "text", 10),
    Column("plan_status", gettext_lazy("Plan status"), "text", 22),
]


def _subtree_shortcomings(unit: Unit):
    """One query: the open corrections with their unit, owner and latest plan's status, in tree order."""
    latest_plan = (CorrectionPlan.objects.filter(shortcomings=OuterRef("pk")).order_by("-created_at", "-pk")
                   .values("status")[:1])
    return (queries.open_corrections(unit).filter(queries.put_before_the_cell())
            .annotate(plan_status=Subquery(latest_plan))
            .only("unit", "unit__name", "unit__path", "member", "member__full_name", "text", "severity", "status",
                  "next_due", "recurring_of")
            .order_by("unit__path", F("next_due").asc(nulls_last=True), "pk"))


def subtree_sheet(unit: Unit, *, today: datetime.date) -> Sheet:
    """The open corrections of the subtree as a printable sheet, counted by status under the table."""
    return Sheet(unit.code, SUBTREE_COLUMNS, subtree_rows(unit, today=today), issuer=unit.name,
                 title=_("Shortcomings not yet corrected"), on=today, breakdown="status",
                 scope=[_("Shortcomings not yet verified in %(unit)s and the units under it") % {"unit": unit.name}])


def subtree_rows(unit: Unit, *, today: datetime.date) -> Iterator[list[Any]]:
    """The unit's subtree's unverified shortcomings, one row each in the order of SUBTREE_COLUMNS; overdue as of
    `today`. Names and shortcomings only: no birth dates, card, ID or phone numbers."""
    yes, no, collective, no_plan = _("Yes"), _("No"), _("Collective"), _("No plan yet")
    for shortcoming in _subtree_shortcomings(unit).iterator(chunk_size=2000):
        plan_status = PlanStatus(shortcoming.plan_status).label if shortcoming.plan_status else no_plan
        yield [shortcoming.unit.name, shortcoming.member.full_name if shortcoming.member_id else collective,
               Truncator(shortcoming.text).chars(SHORTCOMING_TEXT_LIMIT), shortcoming.get_severity_display(),
               shortcoming.get_status_display(), shortcoming.next_due,
               yes if queries.is_overdue(shortcoming, today) else no,
               yes if shortcoming.recurring_of_id else no, str(plan_status)]
