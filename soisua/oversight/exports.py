"""An inspection's conclusion as the official document (Word and PDF from one `PartyDocument`), and a unit's
dashboard as a workbook (`dashboard_sheets`).

The conclusion is always Vietnamese: it is the paper the inspecting body issues (docs/documents.md). It prints the
number typed when concluding; before that it is a draft (DỰ THẢO, blanks before the symbol). The workbook is in the
reader's language. Callers decide access first (policy.get_inspection_for_user,
policy.get_unit_for_user(..., dashboard=True)).
"""

from dataclasses import replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from soisua.documents import numbering
from soisua.documents.exports import FILING_RECIPIENT, POST_SECRETARY, secretary_name, unit_leadership
from soisua.documents.language import filed_paper
from soisua.documents.rendering import (
    Block,
    Facts,
    Header,
    Heading,
    Paragraph,
    PartyDocument,
    Signature,
    Table,
    document_date,
)
from soisua.documents.writers import SUM, Column, Sheet
from soisua.org.queries import ancestors

from .dashboard import Dashboard
from .enums import InspectionKind
from .models import Inspection

KINDS = {InspectionKind.REGULAR_SUPERVISION: "giám sát thường xuyên",
         InspectionKind.THEMATIC_SUPERVISION: "giám sát chuyên đề",
         InspectionKind.INSPECTION: "kiểm tra khi có dấu hiệu vi phạm",
         InspectionKind.SELF_INSPECTION: "tự kiểm tra"}
REMEDY_COLUMNS = ["TT", "Nội dung yêu cầu khắc phục", "Đối tượng", "Thời hạn"]
# Parts are numbered in the order they appear: a conclusion without findings or recommendations skips no number.
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip()]


def conclusion_document(inspection: Inspection) -> PartyDocument:
    """The conclusion: what was inspected and when, the findings, the conclusion, recommendations and the remedies
    asked with their deadlines, signed for the inspecting body; sent to the subject and the level above."""
    with filed_paper():
        return _conclusion_document(inspection)


def _conclusion_document(inspection: Inspection) -> PartyDocument:
    body = inspection.body
    lineage = ancestors(body)
    place = next((unit.place for unit in [body, *reversed(lineage)] if unit.place), "")
    number = inspection.conclusion_number or f"{numbering.BLANK}-{numbering.CONCLUSION}" + (
        f"/{numbering.unit_symbol(body)}" if numbering.unit_symbol(body) else "")
    header = Header(issuer=body.name, superior=lineage[-1].name if lineage else "", number=number, place=place,
                    date=inspection.conclusion_date)
    subject = (f"đồng chí {inspection.subject_member.full_name}, {inspection.subject_unit.name}"
               if inspection.subject_member_id else inspection.subject_unit.name)
    blocks: list[Block] = [
        Facts([("Hình thức", KINDS[inspection.kind].capitalize()), ("Đối tượng", subject),
               ("Thời gian", f"Từ {document_date(inspection.period_start)} đến "
                             f"{document_date(inspection.period_end)}")])]
    parts: list[tuple[str, list[Block]]] = [("NỘI DUNG", _paragraphs(inspection.content))]
    findings = list(inspection.findings.all())
    if findings:
        parts.append(("KẾT QUẢ KIỂM TRA, GIÁM SÁT", [Paragraph(f"{number}. {finding.text}")
                                                    for number, finding in enumerate(findings, start=1)]))
    parts.append(("KẾT LUẬN", _paragraphs(inspection.conclusion)))
    if inspection.recommendations:
        parts.append(("KIẾN NGHỊ", _paragraphs(inspection.recommendations)))
    remedies = list(inspection.remedies.select_related("unit", "member"))
    if remedies:
        parts.append(("YÊU CẦU KHẮC PHỤC", [
            Table(REMEDY_COLUMNS, [[str(number), remedy.text,
                                    f"Đồng chí {remedy.member.full_name}" if remedy.member_id else remedy.unit.name,
                                    document_date(remedy.deadline)] for number, remedy in enumerate(remedies, start=1)],
                  align=("center", "left", "left", "center"), widths=(7, 50, 28, 15)),
            Paragraph("Các tổ chức, cá nhân được yêu cầu khắc phục báo cáo kết quả đúng thời hạn.")]))
    for numeral, (title, content) in zip(ROMAN, parts, strict=False):
        blocks += [Heading(f"{numeral}. {title}"), *content]
    _who, authority = unit_leadership(body)
    recipients = [inspection.subject_unit.name, *([lineage[-1].name] if lineage else []), FILING_RECIPIENT]
    return PartyDocument(header=header, title="KẾT LUẬN", summary=f"{KINDS[inspection.kind].capitalize()} đối với "
                         f"{subject}", blocks=blocks,
                         signature=Signature(authority, POST_SECRETARY, secretary_name(body)), recipients=recipients,
                         draft=not inspection.is_concluded)


# --- a unit's dashboard, a sheet per table ---------------------------------------------------------------------

FEEDBACK_TARGETS = {"collective": gettext_lazy("On the collective review, from the members"),
                    "superior": gettext_lazy("From the cells below, to the level above")}
WITHHELD = gettext_lazy("Shown once enough people have given feedback.")


def dashboard_workbook(board: Dashboard, warnings: list) -> list[Sheet]:
    """`dashboard_sheets`, each printing the unit and its table's name above it."""
    scope = [_("Figures of %(unit)s and the units under it") % {"unit": board.unit.name}]
    return [replace(sheet, issuer=board.unit.name, title=sheet.name, scope=scope)
            for sheet in dashboard_sheets(board, warnings)]


def dashboard_sheets(board: Dashboard, warnings: list) -> list[Sheet]:
    """Every table of the dashboard page, a sheet each, with the figures the page shows beside them first."""
    return [
        Sheet(gettext_lazy("Summary"), [Column("part", gettext_lazy("Part"), "text", 24),
                                        Column("figure", gettext_lazy("Figure"), "text", 30),
                                        Column("value", gettext_lazy("Value"), "number", 40)], _summary(board)),
        Sheet(gettext_lazy("Early warnings"), [Column("check", gettext_lazy("Check"), "text", 40),
                                               Column("open", gettext_lazy("Open"), "number", 10, total=SUM),
                                               Column("acknowledged", gettext_lazy("Acknowledged"), "number", 14,
                                                      total=SUM)],
              [[label, open_count, acknowledged] for _code, label, open_count, acknowledged in warnings]),
        Sheet(gettext_lazy("Members by decided level"), [Column("level", gettext_lazy("Level"), "text", 30),
                                                         Column("members", gettext_lazy("Members"), "number", 10,
                                                                total=SUM)],
              [[level.name, count] for level, count in board.levels]),
        Sheet(gettext_lazy("Quota"), [
            Column("organisation", gettext_lazy("Organisation"), "text", 34),
            Column("given", gettext_lazy("Decided at the quota level"), "number", 14),
            Column("allowed", gettext_lazy("Allowed"), "number", 10),
            Column("percent", gettext_lazy("Quota (percent)"), "number", 10),
            Column("base", gettext_lazy("Quota base level"), "text", 24),
            Column("base_count", gettext_lazy("Rated at the base level"), "number", 14),
            Column("over", gettext_lazy("Over the quota"), "text", 10)],
              [[row.unit.name, row.given, row.allowed, float(row.percent),
                row.base.name if row.base else row.base_level, row.base_count, _yes_no(row.over)]
               for row in board.quota]),
        Sheet(gettext_lazy("Feedback to the committee"), [
            Column("target", gettext_lazy("Feedback"), "text", 40),
            Column("received", pgettext_lazy("feedback", "Received"), "number", 10),
            Column("answered", gettext_lazy("Answered"), "number", 10),
            Column("waiting", gettext_lazy("Waiting"), "number", 10),
            Column("note", gettext_lazy("Note"), "text", 40)], _feedback(board)),
        Sheet(gettext_lazy("Review results by cycle"), _cycle_columns(board), _cycles(board)),
        Sheet(gettext_lazy("The last 12 months"), [Column("month", gettext_lazy("Month"), "text", 10),
                                                    Column("meetings", gettext_lazy("Meetings"), "number", 10),
                                                    Column("rate", gettext_lazy("Attendance rate (%)"), "number", 14)],
              [[f"{month['month']:02d}/{month['year']}", month["meetings"], month["rate"]]
               for month in board.recent_months]),
        Sheet(gettext_lazy("Meetings per month"), [Column("month", gettext_lazy("Month"), "text", 10),
                                                   Column("meetings", gettext_lazy("Meetings"), "number", 10)],
              [[f"{month['month']:02d}/{board.year}", month["total"]] for month in board.months]),
        Sheet(gettext_lazy("Directives"), [Column("symbol", gettext_lazy("Number and symbol"), "text", 20),
                                           Column("title", gettext_lazy("Title"), "text", 50),
                                           Column("side", gettext_lazy("Received or issued"), "text", 14),
                                           Column("progress", gettext_lazy("Progress (%)"), "number", 12)],
              [*([receipt.directive.symbol, receipt.directive.title, gettext_lazy("received"), overall]
                 for receipt, overall in board.received),
               *([directive.symbol, directive.title, gettext_lazy("issued"), overall]
                 for directive, overall in board.issued)]),
        Sheet(gettext_lazy("Sub-units"), [Column("unit", gettext_lazy("Unit"), "text", 34),
                                          Column("overdue", gettext_lazy("Overdue corrections"), "number", 14),
                                          Column("rate", gettext_lazy("Attendance rate (%)"), "number", 14),
                                          Column("meetings", gettext_lazy("Meetings"), "number", 10)],
              [[row.unit.name, row.overdue, row.attendance["rate"], row.attendance["meetings"]]
               for row in board.children]),
    ]


def _yes_no(value: bool):
    return gettext_lazy("Yes") if value else gettext_lazy("No")


def _summary(board: Dashboard) -> list[list]:
    reviews, corrections = gettext_lazy("Reviews"), gettext_lazy("Corrections")
    meetings = gettext_lazy("Meetings in %(year)s") % {"year": board.year}
    rows = []
    if board.cycle is not None:
        progress = board.review_progress
        rows += [[reviews, gettext_lazy("Cycle"), board.cycle.title],
                 [reviews, gettext_lazy("Expected"), progress["expected"]],
                 [reviews, gettext_lazy("Submitted"), progress["submitted"]],
                 [reviews, gettext_lazy("Late"), progress["late"]]]
    rows += [[corrections, gettext_lazy("Not verified yet"), board.corrections["open"]],
             [corrections, gettext_lazy("Overdue"), board.corrections["overdue"]],
             [corrections, gettext_lazy("Recurring"), board.corrections["recurring"]],
             [corrections, gettext_lazy("Fix verified"), board.corrections["verified"]],
             [meetings, gettext_lazy("Meetings"), board.attendance["meetings"]],
             [meetings, gettext_lazy("Attendance rate (%)"), board.attendance["rate"]],
             [meetings, gettext_lazy("Absent without reason"), board.attendance["unexcused"]]]
    return rows


def _feedback(board: Dashboard) -> list[list]:
    rows = []
    for row in board.feedback:
        counts = row["counts"]
        rows.append([FEEDBACK_TARGETS[row["target"]], *((counts["received"], counts["answered"], counts["waiting"], "")
                                                         if counts else (None, None, None, WITHHELD))])
    return rows


def _cycle_columns(board: Dashboard) -> list[Column]:
    columns = [Column("cycle", gettext_lazy("Cycle"), "text", 34),
               Column("period_end", gettext_lazy("Period until"), "date", 12),
               Column("expected", gettext_lazy("Expected"), "number", 10),
               Column("submitted", gettext_lazy("Submitted"), "number", 10),
               Column("submitted_percent", gettext_lazy("Submitted (%)"), "number", 12),
               Column("decided", gettext_lazy("Members decided"), "number", 12)]
    for level in board.trend_levels:
        columns += [Column(level.code, level.name, "number", 14),
                    Column(f"{level.code}_percent", f"{level.name} (%)", "number", 14)]
    return columns


def _cycles(board: Dashboard) -> list[list]:
    rows = []
    for row in board.cycles:
        by_code = {item["level"].code: item for item in row["levels"]}
        shares = []
        for level in board.trend_levels:
            item = by_code.get(level.code)
            shares += [item["count"], item["percent"]] if item else [0, 0]
        rows.append([row["cycle"].title, row["cycle"].period_end, row["expected"], row["submitted"],
                     row["submitted_percent"], row["decided"], *shares])
    return rows
