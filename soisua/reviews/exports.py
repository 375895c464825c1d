"""Exports of reviews: a review as an official document (Word and PDF from one `PartyDocument`), and rating
summaries as row generators for the spreadsheet writer.

The document is always Vietnamese, whatever the reader's language: it is the paper the cell files (docs/domain.md,
"Forms and checklists", and docs/documents.md); labels come from the enums through `documents.language`. A
collective review's report carries the unit's number for reports once submitted; a member's self-review is a
personal paper without one. Feedback goes through `policy.visible_feedback` only, so a
document never names an author its reader may not see on the page. Callers decide access first
(`policy.get_review_for_user`, org.access). Spreadsheet headers and labels are translated: render them inside
`translation.override(user.language)`.
"""

import datetime
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from soisua.core import formats
from soisua.core.text import file_name
from soisua.corrections.enums import Cause, ShortcomingStatus
from soisua.documents import numbering
from soisua.documents.background import ExportKind, register
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
    document_date,
)
from soisua.documents.writers import COUNT, SUM, Column, Sheet
from soisua.org.enums import MemberStatus, PostKind
from soisua.org.models import PATH_STEP, Member, Post, Unit
from soisua.org.queries import ancestors

from . import layout, policy, queries
from .enums import TEXT_FIELD_KINDS, Audience, FeedbackKind, FeedbackResponse, Grade, ReviewRank, ReviewStatus
from .models import ChecklistItem, Cycle, QuotaSetting, RatingLevel, Review, ReviewPrompt, RuleSet

# Official wording (documents are always Vietnamese; the interface's labels would follow the reader's language).
TITLE_MEMBER = "BẢN KIỂM ĐIỂM CÁ NHÂN"
TITLE_COLLECTIVE = "BÁO CÁO KIỂM ĐIỂM TẬP THỂ"
AUTHOR_SIGNATURE = "NGƯỜI TỰ KIỂM ĐIỂM"
NOT_WRITTEN = "(Chưa ghi nội dung.)"
# Where the paper words a choice otherwise than the interface does (the other labels are the enums' own).
RESPONSES = {FeedbackResponse.ACCEPTED: pgettext_lazy("filed paper", "Accepted as a shortcoming"),
             FeedbackResponse.DISPUTED: pgettext_lazy("filed paper", "Disputed")}
POST_TITLES = {PostKind.SECRETARY: pgettext_lazy("filed paper", "Secretary"),
               PostKind.DEPUTY_SECRETARY: pgettext_lazy("filed paper", "Deputy secretary"),
               PostKind.GROUP_LEADER: pgettext_lazy("filed paper", "Party group leader")}


def _label(choices, value: str) -> str:
    """A stored choice's label in the paper's language; an unknown value as stored."""
    return label(choices(value)) if value in choices.values else value


def _number(value: Decimal) -> str:
    """27.50 → '27,5': the document is Vietnamese whatever the reader's language."""
    return formats.number(value, language="vi")


def _paragraphs(text: str, *, empty: str = NOT_WRITTEN) -> list[Paragraph]:
    """One paragraph per written line, so Word and PDF break the text where its author did."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [Paragraph(line) for line in lines] or [Paragraph(empty)]


def _level_name(rule_set: RuleSet, code: str) -> str:
    level = queries.level_named(rule_set, code) if code else None
    return level.name if level else ""


# The document ---------------------------------------------------------------------------------------------


def _place(unit: Unit, lineage: list[Unit]) -> str:
    return next((candidate.place for candidate in [unit, *reversed(lineage)] if candidate.place), "")


def _post_line(member: Member) -> str:
    posts = (Post.objects.filter(member=member, ended_on__isnull=True).select_related("unit", "unit__kind")
             .order_by("unit__depth", "pk"))
    titles = []
    for post in posts:
        title = str(POST_TITLES.get(post.kind, "")) or (
            "Chi ủy viên" if post.unit.kind.holds_members else "Đảng ủy viên")
        titles.append(f"{title} {post.unit.name}")
    if titles:
        return "; ".join(titles)
    return "Đảng viên dự bị" if member.status == MemberStatus.PROBATIONARY else "Đảng viên"


def _period(cycle: Cycle) -> str:
    return f"Từ ngày {document_date(cycle.period_start)} đến ngày {document_date(cycle.period_end)}"


def _identity(review: Review) -> Facts:
    if review.is_collective:
        return Facts([("Tập thể", review.unit.name), ("Biểu mẫu", review.form.name),
                      ("Thời gian", _period(review.cycle))])
    member = review.member
    return Facts([("Họ và tên", member.full_name), ("Chức vụ đảng", _post_line(member)),
                  ("Chi bộ", review.unit.name), ("Biểu mẫu", review.form.name), ("Thời gian", _period(review.cycle))])


def _checklist_link(code: str, text: str) -> str:
    """A checklist item as a reader of the paper needs it: its code and its wording, not the code alone."""
    return f"{code} ({text.rstrip('.')})" if text else code


def _shortcoming_blocks(shortcomings: list) -> list[Block]:
    if not shortcomings:
        return [Paragraph("Không nêu hạn chế, khuyết điểm.")]
    blocks: list[Block] = []
    for number, shortcoming in enumerate(shortcomings, start=1):
        first, *rest = _paragraphs(shortcoming.text)
        blocks += [Paragraph(f"{number}. {first.text}"), *rest]
        cause = _label(Cause, shortcoming.cause)
        blocks.append(Paragraph(f"Nguyên nhân: {cause}" + (f". {shortcoming.cause_text}" if shortcoming.cause_text
                                                           else ".")))
        links = "; ".join(_checklist_link(item.code, item.text) for item in shortcoming.checklist_items.all())
        details = [("Liên hệ", links), ("Trách nhiệm", shortcoming.responsibility),
                   ("Biện pháp khắc phục", shortcoming.measures),
                   ("Thời hạn khắc phục", document_date(shortcoming.fix_by))]
        blocks += [Paragraph(f"{label}: {value}") for label, value in details if value]
    return blocks


def _checklist_blocks(entry: dict) -> list[Block]:
    if entry["present"]:
        return [paragraph for item, answer in entry["present"]
                for paragraph in (Paragraph(f"{item.code}. {item.text}"),
                                  Paragraph(f"Tự nhận: {answer.get('text') or NOT_WRITTEN}"))]
    if entry["answered"]:
        return [Paragraph(f"Đã tự đối chiếu {entry['answered']} nội dung: không có biểu hiện nào.")]
    return [Paragraph("Chưa tự đối chiếu.")]


def _quarterly_blocks(quarterly: list, text: str) -> list[Block]:
    """The member's quarterly evaluations in the period with their decided levels, then what the member wrote."""
    lines = [Paragraph(f"- {quarter['cycle'].title}: {quarter['level'] or 'chưa quyết định'}") for quarter in quarterly]
    if not lines:
        lines = [Paragraph("Không có kỳ đánh giá hằng quý trong thời gian này.")]
    return [*lines, *(_paragraphs(text) if (text or "").strip() else [])]


def _previous_blocks(previous: list, text: str) -> list[Block]:
    """Section III as in the editor: the shortcomings named earlier with their status (and whether they recur),
    then what the author wrote about fixing them."""
    if not previous:
        written = _paragraphs(text) if (text or "").strip() else []
        return [Paragraph("Không có hạn chế, khuyết điểm từ các kỳ trước."), *written]
    blocks: list[Block] = [Paragraph("Hạn chế, khuyết điểm đã được chỉ ra ở các kỳ trước:")]
    for number, shortcoming in enumerate(previous, start=1):
        details = [f"Kỳ: {shortcoming.review.cycle.title}" if shortcoming.review_id else "",
                   f"tình trạng: {_label(ShortcomingStatus, shortcoming.status)}",
                   f"lặp lại {shortcoming.repeated} lần" if shortcoming.repeated
                   else "lặp lại hạn chế, khuyết điểm trước đó" if shortcoming.recurring_of_id else ""]
        first, *rest = _paragraphs(shortcoming.text)
        blocks += [Paragraph(f"{number}. {first.text} ({'; '.join(detail for detail in details if detail)})"), *rest]
    return [*blocks, Paragraph("Kết quả khắc phục:"), *_paragraphs(text)]


def _prompt_blocks(prompts: list[ReviewPrompt]) -> list[Block]:
    if not prompts:
        return [Paragraph("Không có vấn đề được gợi ý kiểm điểm.")]
    blocks: list[Block] = []
    for number, prompt in enumerate(prompts, start=1):
        blocks.append(Paragraph(f"{number}. Vấn đề được gợi ý: {prompt.text}"))
        blocks += _paragraphs(prompt.answer, empty="(Chưa giải trình.)")
    return blocks


def _score_line(label: str, value: Decimal | None) -> Paragraph:
    return Paragraph(f"{label}: {_number(value)} điểm" if value is not None else f"{label}: (chưa tự chấm)")


def _entry_blocks(review: Review, spec: dict, entry: dict, parts: dict) -> list[Block]:
    kind, label = spec["kind"], spec["label"]
    if kind == "shortcomings":
        return [Heading(label), *_shortcoming_blocks(parts["shortcomings"])]
    if kind == "checklist":
        return [Heading(label), *_checklist_blocks(entry)]
    if kind == "prompts":
        return [Heading(label), *_prompt_blocks(parts["prompts"])]
    if kind == "previous_shortcomings":
        return [Heading(label), *_previous_blocks(parts["previous"], entry["text"])]
    if kind == "quarterly_results":
        return [Heading(label), *_quarterly_blocks(parts["quarterly"], entry["text"])]
    if kind == "score_general":
        return [_score_line(label, review.self_score_general)]
    if kind == "score_tasks":
        total = review.self_score
        return [_score_line(label, review.self_score_tasks),
                *([Paragraph(f"Tổng điểm tự chấm: {_number(total)} điểm")] if total is not None else [])]
    if kind == "self_level":
        return [Paragraph(f"{label}: {_level_name(review.cycle.rule_set, review.self_level) or '(chưa tự nhận)'}")]
    grade = review.grades.get(spec["key"], "")
    grade = _label(Grade, grade) if grade in Grade.values else ""
    heading = f"{label} (tự đánh giá: {grade})" if grade else label
    return [Heading(heading), *_paragraphs(entry["text"])] if kind in TEXT_FIELD_KINDS or entry["text"] else []


def _checklist_items(review: Review) -> list[ChecklistItem]:
    """Only the items marked present: the reading view lists those alone."""
    codes = [code for code, answer in review.checklist.items() if answer.get("present")]
    return list(ChecklistItem.objects.filter(checklist__rule_set=review.cycle.rule_set, code__in=codes)
                .select_related("checklist").order_by("checklist__order", "order"))


def _section_blocks(review: Review) -> list[Block]:
    parts = {"shortcomings": queries.review_shortcomings(review),
             "prompts": list(ReviewPrompt.objects.filter(review=review).order_by("sent_at", "pk")),
             "previous": queries.earlier_shortcomings(review), "quarterly": queries.quarterly_results(review)}
    blocks: list[Block] = []
    sections = layout.reading_sections(review, _checklist_items(review))
    # layout.reading_sections keeps the form's order, field by field: the form's specs give each entry its key.
    for spec_section, section in zip(review.form.sections, sections, strict=True):
        blocks.append(Heading(f"{section['code']}. {section['title'].upper()}"))
        for spec, entry in zip(spec_section["fields"], section["entries"], strict=True):
            blocks += _entry_blocks(review, spec, entry, parts)
        blocks += _citation_blocks([cited for cited in review.citations if cited["section"] == section["code"]])
    return blocks


def _citation_blocks(citations: list[dict]) -> list[Block]:
    """The facts of the year's record cited in a section, each with its source named (reviews/record.py)."""
    if not citations:
        return []
    return [Paragraph("Dẫn chứng từ hồ sơ:"), *(Paragraph(f"- {cited['text']} [{cited['source']}]")
                                               for cited in citations)]


def _feedback_blocks(review: Review, reader) -> list[Block]:
    shown, withheld = policy.visible_feedback(reader, review)
    if not shown and not withheld:
        return []
    blocks: list[Block] = [Heading("Ý KIẾN GÓP Ý, PHÊ BÌNH")]
    texts = dict(ChecklistItem.objects.filter(checklist__rule_set=review.cycle.rule_set).values_list("code", "text"))
    if withheld:
        blocks.append(Paragraph(f"Ý kiến góp ý được tổng hợp khi có ít nhất {review.cycle.anonymous_minimum} người "
                                "góp ý."))
    for number, item in enumerate(shown, start=1):
        first, *rest = _paragraphs(item.text)
        blocks += [Paragraph(f"{number}. {_label(FeedbackKind, item.kind)}: {first.text}"), *rest]
        # The author only when visible_feedback gives it: under anonymity it is None for this reader.
        details = [("Liên hệ", "; ".join(_checklist_link(code, texts.get(code, "")) for code in item.items)),
                   ("Người góp ý", item.author or ""),
                   ("Ngày góp ý", document_date(item.created_on))]
        if item.response:
            response = str(RESPONSES.get(item.response, item.response))
            details.append(("Trả lời", f"{response}: {item.response_reason}" if item.response_reason else response))
        blocks.append(Paragraph("; ".join(f"{label}: {value}" for label, value in details if value) + "."))
    return blocks


def _appraisal_blocks(review: Review) -> list[Block]:
    """The cell's comment and proposed level, signed for the cell (a collective review is signed above already)."""
    if not review.cell_level:
        return []
    who, authority = unit_leadership(review.unit)
    blocks: list[Block] = [Heading(f"NHẬN XÉT, ĐÁNH GIÁ CỦA {who}"),
                           *_paragraphs(review.cell_comment, empty="(Không ghi nhận xét.)"),
                           Paragraph(f"Đề xuất mức xếp loại: {_level_name(review.cycle.rule_set, review.cell_level)}.")]
    if not review.is_collective:
        blocks.append(Signatures((Signature(authority, POST_SECRETARY, secretary_name(review.unit)),)))
    return blocks


def _decision_blocks(review: Review, superior: Unit | None) -> list[Block]:
    if not review.decided_at:
        return []
    name = superior.name.upper() if superior else "CẤP ỦY CẤP TRÊN"
    blocks: list[Block] = [
        Heading(f"ĐÁNH GIÁ, XẾP LOẠI CỦA {name}"),
        Paragraph(f"Xếp loại chất lượng: {_level_name(review.cycle.rule_set, review.decided_level)}."),
    ]
    if review.decision_reason:
        blocks.append(Paragraph(f"Lý do: {review.decision_reason}"))
    blocks.append(Signatures((Signature(AUTHORITY_COMMITTEE, POST_SECRETARY, secretary_name(superior)),)))
    return blocks


def _author_signature(review: Review) -> Signatures:
    if review.is_collective:
        _who, authority = unit_leadership(review.unit)
        return Signatures((Signature(authority, POST_SECRETARY, secretary_name(review.unit)),))
    return Signatures((Signature(AUTHOR_SIGNATURE, "", review.member.full_name),))


def _title(review: Review) -> str:
    if review.is_collective:
        return TITLE_COLLECTIVE
    return review.form.name if review.form.audience == Audience.PROBATIONARY else TITLE_MEMBER


def review_file_name(review: Review) -> str:
    """"Ban-kiem-diem-2026-Nguyen-Van-A" for a member's review, "Bao-cao-kiem-diem-2026-Chi-bo-Thon-1" for a
    collective's: what and whose, without the extension."""
    what = "Báo cáo kiểm điểm" if review.is_collective else "Bản kiểm điểm"
    whose = review.unit.name if review.is_collective else review.member.full_name
    return file_name(what, review.cycle.period_end.year, whose)


def review_document(review: Review, *, reader, on: datetime.date | None = None) -> PartyDocument:
    """A self-review or a collective review in the official layout, as `reader` may see it: the sections as
    written, the author's signature, the feedback (authors only where `reader` may see them), the cell's
    appraisal and the superior committee's decision, each part signed once that step has happened. Until it is
    submitted, a review is a draft (DỰ THẢO). A collective review is the unit's report: numbered, dated the day
    it was submitted and sent to the superior committee."""
    with filed_paper():
        lineage = ancestors(review.unit)
        superior = lineage[-1] if lineage else None
        submitted = review.status == ReviewStatus.SUBMITTED
        day = timezone.localdate(review.submitted_at) if submitted and review.submitted_at else None
        number, recipients = "", []
        if review.is_collective:
            number = numbering.printed_number(review, unit=review.unit, kind=numbering.REPORT)
            recipients = [*([superior.name] if superior else []), FILING_RECIPIENT]
        header = Header(issuer=review.unit.name, superior=superior.name if superior else "", number=number,
                        place=_place(review.unit, lineage), date=(day if review.is_collective else None) or on
                        or timezone.localdate())
        blocks = [_identity(review), *_section_blocks(review), _author_signature(review),
                  *_feedback_blocks(review, reader), *_appraisal_blocks(review), *_decision_blocks(review, superior)]
        return PartyDocument(header=header, title=_title(review), summary=review.cycle.title, blocks=blocks,
                             recipients=recipients, draft=not submitted)


# Spreadsheets ---------------------------------------------------------------------------------------------

UNIT_SUMMARY_COLUMNS = [
    Column("number", pgettext_lazy("export column", "No."), "number", 6),
    Column("name", gettext_lazy("Full name"), "text", 28, total=COUNT),
    Column("form", gettext_lazy("Form"), "text", 8),
    Column("status", gettext_lazy("Status"), "text", 18),
    Column("self_score", gettext_lazy("Self-score"), "number", 10),
    Column("self_level", gettext_lazy("Self-proposed level"), "text", 28),
    Column("cell_level", gettext_lazy("Proposed by the cell"), "text", 28),
    Column("decided_level", gettext_lazy("Decided by the superior committee"), "text", 28),
    Column("overridden", gettext_lazy("Rules overridden"), "text", 12),
]


SUMMARY_ACTION = "reviews.summary.export"
RESULTS_ACTION = "reviews.results.export"


def unit_summary_sheet(cycle: Cycle, unit: Unit) -> Sheet:
    """A unit's ratings as a printable sheet: the reviews counted, and counted by decided level, below."""
    return Sheet(unit.code, UNIT_SUMMARY_COLUMNS, unit_summary_rows(cycle, unit), issuer=unit.name,
                 title=_("Rating summary"), scope=[cycle.title], breakdown="decided_level")


def summary_file_name(cycle: Cycle, unit: Unit) -> str:
    return file_name("Tong hop xep loai", cycle.period_end.year, unit.name)


def unit_summary_rows(cycle: Cycle, unit: Unit) -> Iterator[list[Any]]:
    """A unit's ratings in review order, one row per review in the order of UNIT_SUMMARY_COLUMNS. Names and
    levels only: no birth dates, card or ID numbers."""
    rule_set = cycle.rule_set
    for number, review in enumerate(queries.unit_reviews(cycle, unit), start=1):
        score = review.self_score
        yield [number, review.member.full_name if review.member_id else str(ReviewRank.COLLECTIVE.label),
               review.form.code, review.get_status_display(), float(score) if score is not None else None,
               _level_name(rule_set, review.self_level), _level_name(rule_set, review.cell_level),
               _level_name(rule_set, review.final_level), _("Yes") if review.overrides else _("No")]


def cycle_results_columns(rule_set: RuleSet) -> list[Column]:
    """The results sheet's columns: the organisation's own level, members per decided level, progress, and the
    quota of each grassroots organisation (allowed and given, for members and for organisations)."""
    quota = queries.level_named(rule_set, rule_set.quota_level)
    quota_name = quota.name if quota else rule_set.quota_level
    levels = [Column(f"members_{index}", _("Members rated “%(level)s”") % {"level": level.name}, "number", 14,
                     total=SUM) for index, level in enumerate(queries.levels_of(rule_set))]
    return [
        Column("number", pgettext_lazy("export column", "No."), "number", 6),
        Column("unit", _("Unit"), "text", 32),
        Column("unit_level", _("Organisation's level"), "text", 26),
        *levels,
        Column("submitted", _("Submitted"), "number", 10, total=SUM),
        Column("expected", _("Expected"), "number", 10, total=SUM),
        Column("members_allowed", _("“%(level)s” allowed to members") % {"level": quota_name}, "number", 14,
               total=SUM),
        Column("members_given", _("“%(level)s” given to members") % {"level": quota_name}, "number", 14,
               total=SUM),
        Column("units_allowed", _("“%(level)s” allowed to organisations") % {"level": quota_name}, "number", 14,
               total=SUM),
        Column("units_given", _("“%(level)s” given to organisations") % {"level": quota_name}, "number", 14,
               total=SUM),
    ]


def cycle_results_sheet(cycle: Cycle, unit: Unit) -> Sheet:
    """The results of `unit`'s subtree as a printable sheet: members per level, progress and quotas added up
    below."""
    return Sheet(unit.code, cycle_results_columns(cycle.rule_set), cycle_results_rows(cycle, unit),
                 issuer=unit.name, title=_("Review results"),
                 scope=[cycle.title, _("Units of %(unit)s and the units under it") % {"unit": unit.name}])


def results_file_name(cycle: Cycle, unit: Unit) -> str:
    return file_name("Ket qua xep loai", cycle.period_end.year, unit.name)


def cycle_results_size(unit: Unit) -> int:
    """An upper bound of the results' rows (the units of the subtree): past EXPORT_INLINE_MAX_ROWS the sheet is
    written in the background."""
    return Unit.objects.filter(path__startswith=unit.path).count()


def _results_subject(user, pk: int) -> tuple[Cycle, Unit]:
    cycle = policy.get_cycle_for_user(user, pk)
    return cycle, policy.get_results_unit_for_user(user, cycle)


RESULTS = register(ExportKind(
    "reviews.results", load=_results_subject, build=lambda user, subject: cycle_results_sheet(*subject),
    title=lambda subject: _("Review results of %(unit)s: %(cycle)s") % {"unit": subject[1].name,
                                                                        "cycle": subject[0].title},
    file_name=lambda subject: results_file_name(*subject), action=RESULTS_ACTION,
    personal=lambda user, subject: False, object_of=lambda subject: subject[0]))


def _counts_by_unit(cycle: Cycle, unit: Unit, levels: list[RatingLevel]) -> list[dict]:
    """One grouped aggregate: per unit of the subtree, reviews expected and submitted, and decided members and
    collectives per level (aliases by index: level codes are data)."""
    decided = Q(decided_at__isnull=False)
    per_level = {}
    for index, level in enumerate(levels):
        per_level[f"members_{index}"] = Count("pk", filter=decided & Q(member__isnull=False, decided_level=level.code))
        per_level[f"units_{index}"] = Count("pk", filter=decided & Q(member__isnull=True, decided_level=level.code))
    return list(Review.objects.filter(cycle=cycle, unit__path__startswith=unit.path)
                .exclude(status=ReviewStatus.EXCLUDED)
                .values("unit_id", "unit__path", "unit__name", "unit__kind__is_grassroots")
                .annotate(expected=Count("pk"), submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
                          **per_level)
                .order_by("unit__path"))


def _quotas(paths: list[str], rule_set: RuleSet) -> dict[str, tuple[Decimal, str]]:
    """(percent, base level) for each grassroots path, as rating_rules.quota_for decides it, in one query."""
    candidates = {path[:end] for path in paths for end in range(PATH_STEP, len(path) + 1, PATH_STEP)}
    settings = {path: (percent, base) for path, percent, base in QuotaSetting.objects.filter(
        unit__path__in=candidates).values_list("unit__path", "percent", "base_level")}
    quotas = {}
    for path in paths:
        nearest = next((settings[path[:end]] for end in range(len(path), 0, -PATH_STEP) if path[:end] in settings),
                       None)
        quotas[path] = nearest or (rule_set.quota_percent, rule_set.quota_base_level)
    return quotas


def _quota_cells(organisation: dict, rows: list[dict], quota: tuple[Decimal, str], index: dict[str, int],
                 quota_level: str) -> list[int | None]:
    """Allowed and given at the quota level, for members and for organisations, over the organisation's subtree
    (as rating_rules counts it), from decided levels."""
    percent, base_level = quota
    inside = [row for row in rows if row["unit__path"].startswith(organisation["unit__path"])]
    cells = []
    for kind in ("members", "units"):
        base = sum(row[f"{kind}_{index[base_level]}"] for row in inside) if base_level in index else 0
        given = sum(row[f"{kind}_{index[quota_level]}"] for row in inside) if quota_level in index else 0
        cells += [math.floor(percent * base / 100), given]
    return cells


def cycle_results_rows(cycle: Cycle, unit: Unit) -> Iterator[list[Any]]:
    """The results of `unit`'s subtree in a cycle: one row per unit with reviews (and `unit` itself when it is a
    grassroots organisation), in tree order, in the order of `cycle_results_columns`. Three queries whatever
    the size: the levels, one grouped aggregate over the reviews, the quota settings."""
    rule_set = cycle.rule_set
    levels = queries.levels_of(rule_set)
    index = {level.code: position for position, level in enumerate(levels)}
    rows = _counts_by_unit(cycle, unit, levels)
    if unit.kind.is_grassroots and not any(row["unit_id"] == unit.pk for row in rows):
        empty = {f"{kind}_{position}": 0 for kind in ("members", "units") for position in range(len(levels))}
        rows.insert(0, {"unit_id": unit.pk, "unit__path": unit.path, "unit__name": unit.name,
                        "unit__kind__is_grassroots": True, "expected": 0, "submitted": 0, **empty})
    grassroots = [row["unit__path"] for row in rows if row["unit__kind__is_grassroots"]]
    quotas = _quotas(grassroots, rule_set) if grassroots else {}
    for number, row in enumerate(rows, start=1):
        own_level = next((level.name for position, level in enumerate(levels) if row[f"units_{position}"]), "")
        quota = (_quota_cells(row, rows, quotas[row["unit__path"]], index, rule_set.quota_level)
                 if row["unit__kind__is_grassroots"] else [None] * 4)
        yield [number, row["unit__name"], own_level, *(row[f"members_{position}"] for position in range(len(levels))),
               row["submitted"], row["expected"], *quota]
