"""An inspection's conclusion as the official document (Word and PDF from one `PartyDocument`).

Always Vietnamese: it is the paper the inspecting body issues (docs/domain.md, "Official documents"). Callers
decide access first (policy.get_inspection_for_user).
"""

from soisua.documents.exports import FILING_RECIPIENT, POST_SECRETARY, secretary_name, unit_leadership
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
from soisua.org.queries import ancestors

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
    body = inspection.body
    lineage = ancestors(body)
    place = next((unit.place for unit in [body, *reversed(lineage)] if unit.place), "")
    header = Header(issuer=body.name, superior=lineage[-1].name if lineage else "",
                    number=inspection.conclusion_number, place=place, date=inspection.conclusion_date)
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
                         signature=Signature(authority, POST_SECRETARY, secretary_name(body)), recipients=recipients)
