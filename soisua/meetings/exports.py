"""The minutes (biên bản) of a cell meeting as an official document: Word and PDF from one `PartyDocument`.

What minutes record (docs/domain.md, "Meetings"): time, place, chair, minute-taker and the upper-level liaison;
attendance as figures with the names of who came late or stayed away and why; the agenda; the introductory paper of
a thematic session; who spoke, on which item and how; the conclusions, the resolution and its vote; whether the
minutes were approved; the signatures of the minute-taker and the chair (the layout: docs/domain.md, "Official
documents").

The minutes are a filed paper, Vietnamese whatever the reader's language: `minutes_document` builds them inside
`documents.language.filed_paper()`. They carry the cell's number for minutes once approved ("Số 03-BB/CB"), blanks
before the symbol until then, and the DỰ THẢO mark (docs/documents.md). The format's fixed phrases (ĐẢNG CỘNG SẢN
VIỆT NAM, the date line) come from the renderer. Callers decide access first (`policy.get_meeting_for_user`).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from soisua.documents import numbering
from soisua.documents.language import filed_paper
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
from soisua.org.queries import ancestors

from . import exchange, queries, voting  # noqa: F401 - exchange registers the attendance export with documents
from .enums import ROLL_STATUSES, THEMATIC_KINDS, AttendanceStatus, MinutesStatus
from .models import AgendaItem, Attendance, Contribution, Meeting, Minutes

# Minutes summarise the introductory paper (its first characters); the full text stays on the meeting.
INTRODUCTORY_PAPER_LIMIT = 600
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def _paragraphs(text: str, *, empty: str = "") -> list[Paragraph]:
    """One paragraph per written line, so Word and PDF break the text where its author did."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [Paragraph(line) for line in lines] or ([Paragraph(empty)] if empty else [])


def _clock(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _day(moment: datetime.datetime) -> str:
    return document_date(timezone.localtime(moment).date())


def _header(meeting: Meeting) -> Header:
    """The cell under its superior committee at the top left; dated the day of the meeting."""
    lineage = ancestors(meeting.unit)
    place = next((unit.place for unit in [meeting.unit, *reversed(lineage)] if unit.place), "")
    return Header(issuer=meeting.unit.name, superior=lineage[-1].name if lineage else "", place=place,
                  number=numbering.printed_number(meeting, unit=meeting.unit, kind=numbering.MINUTES),
                  date=timezone.localtime(meeting.starts_at).date())


def _time_line(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    if start.date() == end.date():
        # Translators: the time of a meeting in its minutes; times are 24-hour "19:30", dates dd/mm/yyyy.
        return _("From %(start)s to %(end)s on %(date)s") % {
            "start": _clock(start), "end": _clock(end), "date": _day(start)}
    return _("From %(start)s on %(start_date)s to %(end)s on %(end_date)s") % {
        "start": _clock(start), "start_date": _day(start), "end": _clock(end), "end_date": _day(end)}


def _comrade(member) -> str:
    return _("Comrade %(name)s") % {"name": member.full_name} if member else _("(not named)")


def _particulars(meeting: Meeting) -> Facts:
    items = [(_("Time"), _time_line(meeting)), (_("Place"), meeting.place or _("(not given)")),
             (_("Chair"), _comrade(meeting.chair)), (_("Minute-taker"), _comrade(meeting.minute_taker))]
    if meeting.liaison:
        items.append((_("Upper-level liaison"), _comrade(meeting.liaison)))
    return Facts(items)


def _names(lines: list[Attendance], describe=None) -> str:
    return "; ".join(describe(line) if describe else line.member.full_name for line in lines)


def _late(line: Attendance) -> str:
    return ngettext("%(name)s, %(count)s minute", "%(name)s, %(count)s minutes", line.minutes_late) % {
        "name": line.member.full_name, "count": line.minutes_late}


def _excused(line: Attendance) -> str:
    if not line.reason:
        return line.member.full_name
    # Translators: an absent member and the reason given, in a list separated by semicolons.
    return _("%(name)s: %(reason)s") % {"name": line.member.full_name, "reason": line.reason}


def _attendance(roll: list[Attendance]) -> list[Block]:
    """The figures the chair announces at the opening, with the names behind every figure but 'present'."""
    by_status: dict[str, list[Attendance]] = {status: [] for status in AttendanceStatus.values}
    for line in roll:
        by_status[line.status].append(line)
    late, excused = by_status[AttendanceStatus.LATE], by_status[AttendanceStatus.EXCUSED]
    unexcused, unmarked = by_status[AttendanceStatus.UNEXCUSED], by_status[AttendanceStatus.UNMARKED]
    present = len(by_status[AttendanceStatus.PRESENT]) + len(late)
    by_member_status = queries.attendance_figures(roll)
    lines = [
        ngettext("On the roll: %(count)s member.", "On the roll: %(count)s members.", len(roll))
        % {"count": len(roll)},
        # Translators: the opening count of the minutes, by each member's status on the meeting's day.
        _("Of whom official: %(official)s; probationary: %(probationary)s; exempt from work and activity: "
          "%(exempt)s.") % {status.value: by_member_status.get(f"member_{status}", 0) for status in ROLL_STATUSES},
        _("Present: %(count)s of %(total)s.") % {"count": present, "total": len(roll)},
        _("Of whom late: %(count)s (%(names)s).") % {"count": len(late), "names": _names(late, _late)}
        if late else _("Of whom late: none."),
        _("Absent with reason: %(count)s (%(names)s).") % {"count": len(excused),
                                                           "names": _names(excused, _excused)}
        if excused else _("Absent with reason: none."),
        _("Absent without reason: %(count)s (%(names)s).") % {"count": len(unexcused), "names": _names(unexcused)}
        if unexcused else _("Absent without reason: none."),
    ]
    if unmarked:
        lines.append(_("Attendance not yet marked: %(count)s (%(names)s).")
                     % {"count": len(unmarked), "names": _names(unmarked)})
    return [Paragraph(line) for line in lines]


def _agenda(items: list[AgendaItem]) -> list[Block]:
    if not items:
        return [Paragraph(_("(No agenda was recorded.)"))]
    return [Paragraph(f"{number}. {item.title}") for number, item in enumerate(items, start=1)]


def _introductory_paper(meeting: Meeting) -> list[Block]:
    blocks: list[Block] = []
    if meeting.topic:
        blocks.append(Paragraph(_("Topic: %(topic)s.") % {"topic": meeting.topic.title}))
    paper = meeting.introductory_paper.strip()
    if len(paper) <= INTRODUCTORY_PAPER_LIMIT:
        return [*blocks, *_paragraphs(paper)]
    # Cut at a word boundary, keeping the author's line breaks before the cut.
    short = paper[:INTRODUCTORY_PAPER_LIMIT].rsplit(maxsplit=1)[0]
    return [*blocks, *_paragraphs(f"{short} …"), Paragraph(_("(Abridged; the full paper is kept with the meeting.)"))]


def _speakers(contributions: list[Contribution], items: list[AgendaItem]) -> list[Block]:
    if not contributions:
        return [Paragraph(_("(No speakers were recorded.)"))]
    item_numbers = {item.pk: number for number, item in enumerate(items, start=1)}
    blocks: list[Block] = []
    for number, contribution in enumerate(contributions, start=1):
        values = {"number": number, "name": contribution.member.full_name,
                  "kind": contribution.get_kind_display(), "item": item_numbers.get(contribution.agenda_item_id),
                  "note": contribution.note or _("(no notes taken)")}
        if values["item"]:
            # Translators: one speaker in the minutes; kind is Report, Opinion, Criticism or Self-criticism.
            line = _("%(number)s. Comrade %(name)s (%(kind)s, item %(item)s): %(note)s") % values
        else:
            line = _("%(number)s. Comrade %(name)s (%(kind)s): %(note)s") % values
        blocks.append(Paragraph(line))
    return blocks


def _vote(minutes: Minutes | None, total: int) -> Paragraph:
    votes = (minutes.votes_for, minutes.votes_against, minutes.votes_abstain) if minutes else (None,) * 3
    if all(vote is None for vote in votes):
        return Paragraph(_("No vote was recorded."))
    in_favour, against, abstaining = (vote or 0 for vote in votes)
    return Paragraph(_("Vote: %(for)s of %(total)s in favour, %(against)s against, %(abstain)s abstaining.")
                     % {"for": in_favour, "total": total, "against": against, "abstain": abstaining})


def _votes(minutes: Minutes | None, total: int, motions: list[Paragraph]) -> list[Paragraph]:
    """The vote written in the minutes, then the votes taken on motions; "no vote" only when there is neither."""
    if motions and (minutes is None or minutes.votes_for is None):
        return motions
    return [_vote(minutes, total), *motions]


def _motions(meeting: Meeting) -> list[Paragraph]:
    """The votes taken on motions (docs/domain.md, "Votes in meetings"), each closed one as its result reads."""
    names = queries.names_by_choice(meeting)
    return [Paragraph(voting.minutes_text(motion, names.get(motion.pk)))
            for motion in queries.motions_of(meeting) if not motion.is_open]


def _approved(minutes: Minutes | None) -> bool:
    return minutes is not None and minutes.status == MinutesStatus.APPROVED


def _closing(meeting: Meeting, minutes: Minutes | None) -> list[Block]:
    blocks: list[Block] = [Paragraph(_("The meeting ended at %(time)s on %(date)s.")
                                     % {"time": _clock(meeting.ends_at), "date": _day(meeting.ends_at)})]
    if not _approved(minutes):
        return [*blocks, Paragraph(_("DRAFT: these minutes have not been approved yet."))]
    blocks.append(Paragraph(_("The minutes were read back to the meeting and approved on %(date)s.")
                            % {"date": _day(minutes.approved_at)}))
    changes = list(meeting.minutes_changes.order_by("at").values_list("at", flat=True))
    if changes:
        blocks.append(Paragraph(ngettext(
            "They were changed %(count)s time after approval, last on %(date)s; each reason is kept with the "
            "meeting.",
            "They were changed %(count)s times after approval, last on %(date)s; each reason is kept with the "
            "meeting.", len(changes)) % {"count": len(changes), "date": _day(changes[-1])}))
    return blocks


def _signatures(meeting: Meeting) -> Signatures:
    """The minute-taker on the left, the chair on the right, each with the full name under the signature."""
    taker = meeting.minute_taker.full_name if meeting.minute_taker else ""
    chair = meeting.chair.full_name if meeting.chair else ""
    return Signatures((Signature(pgettext("signature", "MINUTE-TAKER"), "", taker),
                       Signature(pgettext("signature", "CHAIR"), "", chair)))


def _sections(meeting: Meeting, minutes: Minutes | None, roll: list[Attendance]) -> list[tuple[str, list[Block]]]:
    """(heading, blocks) in the order minutes are written; the introductory paper for thematic sessions only."""
    items = list(meeting.agenda.order_by("order", "pk"))
    sections = [(_("Time, place and participants"), [_particulars(meeting), *_attendance(roll)]),
                (_("Agenda"), _agenda(items))]
    if meeting.kind in THEMATIC_KINDS and (meeting.topic or meeting.introductory_paper.strip()):
        sections.append((_("Introductory paper"), _introductory_paper(meeting)))
    sections += [
        (_("Speakers"), _speakers(queries.contributions_of(meeting), items)),
        (_("Conclusions"), _paragraphs(minutes.conclusions if minutes else "", empty=_("(Not written yet.)"))),
        (_("Resolution and vote"), [*_paragraphs(minutes.resolution if minutes else ""),
                                     *_votes(minutes, len(roll), _motions(meeting))]),
    ]
    return sections


def minutes_document(meeting: Meeting) -> PartyDocument:
    """The meeting's minutes in the official layout, in Vietnamese, marked as a draft until they are approved."""
    with filed_paper():
        minutes = queries.minutes_of(meeting)
        blocks: list[Block] = []
        for index, (heading, section) in enumerate(_sections(meeting, minutes, queries.roll(meeting))):
            blocks += [Heading(f"{ROMAN[index]}. {heading.upper()}"), *section]
        blocks += [*_closing(meeting, minutes), _signatures(meeting)]
        title = _("Minutes of the %(kind)s") % {"kind": meeting.get_kind_display()}
        return PartyDocument(header=_header(meeting), title=title, summary=meeting.title, blocks=blocks,
                             draft=not _approved(minutes))

