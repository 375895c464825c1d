"""Exports of directives: a directive and a unit's implementation report in the official layout (Word and PDF
from one `PartyDocument`), and a directive's progress as a spreadsheet (one row per unit addressed).

Documents are always Vietnamese: they are the papers the units file (docs/documents.md). A directive prints its
typed number once issued; a unit's report is numbered in the unit's register once it has reported on every key
task for a period, and is a draft (DỰ THẢO, blanks before its symbol) until then.
Callers decide access first (policy.py). Spreadsheet headers are translated: render them inside
`translation.override(user.language)`.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from soisua.documents.writers import COUNT, Column, Sheet
from soisua.org.models import Unit
from soisua.org.queries import ancestors

from . import queries
from .enums import DirectiveKind, TargetMode, TaskStatus
from .models import Directive, Receipt

# Official wording: the document type as printed above the summary.
KIND_TITLES = {DirectiveKind.PLAN: "KẾ HOẠCH", DirectiveKind.INSTRUCTION: "HƯỚNG DẪN",
               DirectiveKind.CONCLUSION: "KẾT LUẬN", DirectiveKind.RESOLUTION: "NGHỊ QUYẾT",
               DirectiveKind.DIRECTIVE: "CHỈ THỊ", DirectiveKind.NOTICE: "THÔNG BÁO"}
TARGETS = {TargetMode.CHILDREN: "Các tổ chức đảng trực thuộc", TargetMode.SUBTREE: "Các tổ chức đảng các cấp",
           TargetMode.KINDS: "Các tổ chức đảng trực thuộc", TargetMode.UNITS: ""}
STATUSES = {TaskStatus.NOT_STARTED: "Chưa triển khai", TaskStatus.IN_PROGRESS: "Đang thực hiện",
            TaskStatus.DONE: "Hoàn thành"}
REPORT_TITLE = "BÁO CÁO"
TASK_COLUMNS = ["TT", "Nhiệm vụ trọng tâm", "Thời hạn", "Tiêu chí hoàn thành"]
REPORT_COLUMNS = ["TT", "Nhiệm vụ trọng tâm", "Kết quả thực hiện", "Tỷ lệ", "Tình trạng"]


def citation(directive: Directive) -> str:
    """How another document cites the directive: "Kế hoạch số 72-KH/TU ngày 25/03/2022 của Tỉnh ủy"."""
    return (f"{KIND_TITLES[directive.kind].capitalize()} số {directive.symbol} ngày "
            f"{document_date(directive.issued_on)} của {directive.issuer.name}")


def _basis(directive: Directive) -> list[str]:
    """The documents the directive rests on: its basis as typed, then the one it carries out and the directives it
    cites in soisua, unless typed already (its number in the text)."""
    typed = [line.strip() for line in (directive.basis or "").splitlines() if line.strip()]
    cited = [directive.parent] if directive.parent_id else []
    cited += [other for other in directive.basis_directives.select_related("issuer") if other.pk != directive.parent_id]
    return typed + [citation(other) for other in cited if not any(other.symbol in line for line in typed)]


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip()]


def _place(unit: Unit, lineage: list[Unit]) -> str:
    return next((candidate.place for candidate in [unit, *reversed(lineage)] if candidate.place), "")


def _header(unit: Unit, number: str, on: datetime.date) -> tuple[Header, list[Unit]]:
    lineage = ancestors(unit)
    superior = lineage[-1].name if lineage else ""
    return Header(issuer=unit.name, superior=superior, number=number, place=_place(unit, lineage), date=on), lineage


def _signature(unit: Unit) -> Signature:
    _who, authority = unit_leadership(unit)
    return Signature(authority, POST_SECRETARY, secretary_name(unit))


def directive_document(directive: Directive) -> PartyDocument:
    """The directive as issued: its basis, purpose, numbered key tasks with deadlines and measures, reporting
    dates, signed for its issuer; the units addressed are its recipients ("Nơi nhận"). A draft prints DỰ THẢO and
    blanks before its symbol."""
    with filed_paper():
        return _directive_document(directive)


def _directive_document(directive: Directive) -> PartyDocument:
    symbol = f"/{directive.issuer_symbol}" if directive.issuer_symbol else ""
    number = f"{numbering.BLANK}-{directive.kind}{symbol}" if directive.is_draft else directive.symbol
    header, lineage = _header(directive.issuer, number, directive.issued_on)
    blocks: list[Block] = []
    basis = _basis(directive)
    if basis:
        blocks += [Paragraph("Căn cứ " + "; ".join(basis) + ","),
                   Paragraph(f"{directive.issuer.name} ban hành {KIND_TITLES[directive.kind].lower()} như sau:")]
    # The parts are numbered as printed; a draft without its purpose yet leaves that part out rather than print
    # an empty heading.
    numerals = iter(("I", "II", "III"))
    purpose = _paragraphs(directive.summary)
    if purpose:
        blocks += [Heading(f"{next(numerals)}. MỤC ĐÍCH, YÊU CẦU"), *purpose]
    tasks = queries.tasks_of(directive)
    blocks += [Heading(f"{next(numerals)}. NHIỆM VỤ TRỌNG TÂM")]
    for task in tasks:
        blocks.append(Paragraph(f"{task.number}. {task.text}"))
    if any(task.deadline or task.measure for task in tasks):
        blocks.append(Table(TASK_COLUMNS, [[str(task.number), task.text, document_date(task.deadline),
                                            task.measure] for task in tasks],
                            align=("center", "left", "center", "left"), widths=(7, 50, 15, 28)))
    periods = queries.periods_of(directive)
    blocks += [Heading(f"{next(numerals)}. TỔ CHỨC THỰC HIỆN"),
               Paragraph("Các tổ chức đảng được gửi văn bản này xây dựng kế hoạch thực hiện, báo cáo kết quả từng "
                         "nhiệm vụ trọng tâm trước các ngày: "
                         + ", ".join(document_date(period.due_on) for period in periods) + ".")]
    recipients = [TARGETS[directive.target_mode]] if TARGETS[directive.target_mode] else []
    if directive.target_mode == TargetMode.UNITS:
        recipients += [unit.name for unit in directive.target_units.order_by("path")]
    if lineage:
        recipients.insert(0, lineage[-1].name)
    return PartyDocument(header=header, title=KIND_TITLES[directive.kind], summary=directive.title, blocks=blocks,
                         signature=_signature(directive.issuer), recipients=[*recipients, FILING_RECIPIENT],
                         draft=directive.is_draft)


def report_document(receipt: Receipt, *, on: datetime.date | None = None) -> PartyDocument:
    """The unit's report on a directive: each key task with its latest report, its own tasks, signed for the
    unit; sent to the directive's issuer. Numbered and dated the day it was issued (every key task reported for a
    period), a draft before."""
    with filed_paper():
        return _report_document(receipt, on=on)


def _report_document(receipt: Receipt, *, on: datetime.date | None) -> PartyDocument:
    directive = receipt.directive
    issued = numbering.number_of(receipt, numbering.REPORT)
    on = timezone.localdate(issued.issued_at) if issued else on or timezone.localdate()
    header, _lineage = _header(receipt.unit, numbering.printed_number(receipt, unit=receipt.unit,
                                                                      kind=numbering.REPORT), on)
    reports = queries.reports_of(receipt)
    periods = queries.periods_of(directive)
    rows = []
    for task in queries.tasks_of(directive):
        latest = next((reports[(task.pk, period.pk)] for period in reversed(periods)
                       if (task.pk, period.pk) in reports), None)
        rows.append([str(task.number), task.text, latest.narrative if latest else "",
                     f"{latest.percent} %" if latest else "", STATUSES[latest.status] if latest else "Chưa báo cáo"])
    blocks: list[Block] = [
        Facts([("Văn bản", f"{directive.symbol} ngày {document_date(directive.issued_on)} của "
                           f"{directive.issuer.name}"), ("Trích yếu", directive.title)]),
        Heading("I. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ TRỌNG TÂM"),
        Table(REPORT_COLUMNS, rows, align=("center", "left", "left", "center", "center"), widths=(7, 35, 35, 10, 13)),
        Heading("II. NHIỆM VỤ CỦA ĐƠN VỊ")]
    own = queries.implementation_of(receipt)
    blocks += [Paragraph(f"- {task.text} (nhiệm vụ trọng tâm {task.key_task.number}"
                         + (f", {task.owner.full_name} phụ trách" if task.owner_id else "")
                         + (f", hạn {document_date(task.deadline)}" if task.deadline else "") + ").")
               for task in own] or [Paragraph("(Chưa xây dựng nhiệm vụ riêng.)")]
    return PartyDocument(header=header, title=REPORT_TITLE,
                         summary=f"Kết quả thực hiện {directive.symbol} của {directive.issuer.name}",
                         blocks=blocks, signature=_signature(receipt.unit),
                         recipients=[directive.issuer.name, FILING_RECIPIENT], draft=issued is None)


# Spreadsheets ---------------------------------------------------------------------------------------------


def progress_columns(directive: Directive) -> list[Column]:
    tasks = queries.tasks_of(directive)
    return [Column("unit", gettext_lazy("Unit"), "text", 36),
            Column("acknowledged", gettext_lazy("Acknowledged"), "date", 14, total=COUNT),
            *(Column(f"t{task.number}", f"{task.number}", "number", 7) for task in tasks),
            Column("overall", gettext_lazy("Overall progress"), "number", 12)]


def progress_sheet(directive: Directive, focus: Unit) -> Sheet:
    """The progress table as a printable sheet: the issuer and the directive above, the units that acknowledged
    counted below."""
    within = _("Units addressed in %(unit)s and the units under it") % {"unit": focus.name}
    return Sheet(directive.number, progress_columns(directive), progress_rows(directive, focus),
                 issuer=directive.issuer.name, title=_("Progress of %(symbol)s") % {"symbol": directive.symbol},
                 scope=[directive.title, within])


def progress_rows(directive: Directive, focus: Unit) -> Iterator[list[Any]]:
    """One row per unit addressed in `focus`'s subtree, in tree order: when it acknowledged, its current percent
    per key task (the latest report) and their average."""
    numbers = [task.number for task in queries.tasks_of(directive)]
    for receipt, latest in queries.report_table(directive, focus):
        percents = [latest[number].percent if number in latest else 0 for number in numbers]
        acknowledged = timezone.localtime(receipt.acknowledged_at).date() if receipt.acknowledged_at else None
        yield [receipt.unit.name, acknowledged, *percents, round(sum(percents) / len(percents)) if percents else 0]
