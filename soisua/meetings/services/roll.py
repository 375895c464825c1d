"""The roll: who is expected, check-in by rotating code, attendance marked by the secretary, absences followed up."""

import datetime
import hashlib
import hmac
import uuid

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM, person
from soisua.counters import rollups
from soisua.org.models import Member

from ..enums import ROLL_STATUSES, AttendanceStatus
from ..models import Attendance, Meeting
from ..queries import minutes_since_start
from .common import MeetingError, clean, count_line_change, record_locked_change


def add_joiners_to_upcoming_rolls(sender, *, cells, **kwargs) -> None:
    """Receiver of org's cell_members_changed: the rolls of the cells' meetings still to come take in whoever
    joined (a member, a transfer in, a status that belongs on the roll). Nothing is written when a page is read."""
    for meeting in Meeting.objects.filter(unit__in=cells, starts_at__gt=timezone.now()).select_related("unit"):
        refresh_roll(meeting)


def refresh_roll(meeting: Meeting) -> int:
    """Before the meeting starts, add members who joined the cell since it was scheduled, and give the lines of
    members whose status changed (made official, exempted) their status of now: the roll keeps each member's
    status as it stands for the meeting. Returns how many lines were added."""
    if timezone.now() >= meeting.starts_at:
        return 0
    with transaction.atomic():
        current = Subquery(Member.objects.filter(pk=OuterRef("member_id")).values("status")[:1])
        Attendance.objects.filter(meeting=meeting, member__status__in=ROLL_STATUSES).update(member_status=current)
        missing = (Member.objects.filter(cell=meeting.unit_id, status__in=ROLL_STATUSES)
                   .exclude(attendance__meeting=meeting))
        lines = Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=member, province_id=meeting.province_id, member_status=member.status)
             for member in missing])
        if lines:
            rollups.bump(meeting.unit, rollups.period_of(meeting.starts_at), {"attendance.unmarked": len(lines)})
    return len(lines)



# Codes are read off a projector and may be typed: eight characters of an alphabet without look-alikes (no 0/O,
# 1/I/L), about 40 bits, while at most two codes of a meeting are accepted at any moment.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PROOF_SALT = "soisua.meetings.check-in-proof"


def check_in_code(meeting: Meeting, at: datetime.datetime | None = None) -> str:
    """The code the secretary's screen shows now; it changes every MEETING_CHECK_IN_PERIOD_SECONDS."""
    period = int((at or timezone.now()).timestamp() // settings.MEETING_CHECK_IN_PERIOD_SECONDS)
    return _code(meeting, period)


def _code(meeting: Meeting, period: int) -> str:
    message = f"{meeting.pk}:{period}".encode()
    number = int.from_bytes(hmac.new(meeting.check_in_secret.encode(), message, hashlib.sha256).digest()[:8])
    letters = []
    for _position in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    return "".join(letters)


def _typed(code: str) -> str:
    """A code as typed from the screen: spaces and dashes dropped, any case."""
    return "".join(character for character in (code or "").upper() if character.isalnum())


def _code_is_current(meeting: Meeting, code: str, now: datetime.datetime) -> bool:
    period = int(now.timestamp() // settings.MEETING_CHECK_IN_PERIOD_SECONDS)
    code = _typed(code)
    return any(hmac.compare_digest(_code(meeting, candidate), code) for candidate in (period, period - 1))


def check_in_opens_minutes() -> int:
    """How many minutes before the start check-in opens, as pages and messages say it."""
    return settings.MEETING_CHECK_IN_OPENS_MINUTES


def check_in_proof_minutes() -> int:
    """How many minutes a scanned code is kept for a phone that logs in first, as pages and messages say it."""
    return settings.MEETING_CHECK_IN_PROOF_MINUTES


def check_in_is_open(meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return meeting.starts_at - datetime.timedelta(minutes=check_in_opens_minutes()) <= now <= meeting.ends_at


def _check_window(meeting: Meeting, moment: datetime.datetime) -> None:
    if not check_in_is_open(meeting, moment):
        raise MeetingError(_("Check-in is open only from %(minutes)s minutes before the meeting until its end.")
                           % {"minutes": check_in_opens_minutes()}, code="window")


def _invalid_code() -> MeetingError:
    return MeetingError(_("This check-in code is not valid (it has expired or belongs to another meeting): "
                          "scan the code on the screen again."), code="code")


def _proof_used() -> MeetingError:
    return MeetingError(_("This scan of the code has already checked someone in: scan the code on the screen again."),
                        code="proof_used")


def scan_check_in_code(meeting: Meeting, *, code: str) -> str:
    """A phone opened the link of the QR code (or its owner typed the code): verify the code now, while it is
    current, even before anyone is logged in, and return the proof to carry through the login — "this browser
    scanned a valid code of this meeting at this moment". The proof is signed with the meeting's secret (it is
    bound to the meeting and cannot be made up), dated (check_in refuses it after MEETING_CHECK_IN_PROOF_MINUTES)
    and carries a nonce (it checks in one member at most). A forwarded link is no proof: its code expires as the
    screen's codes do.

    Refused: outside the check-in window, a code that is not this meeting's current one. Writes nothing.
    """
    now = timezone.now()
    _check_window(meeting, now)
    if not _code_is_current(meeting, code, now):
        raise _invalid_code()
    return signing.dumps({"meeting": meeting.pk, "at": now.timestamp(), "nonce": uuid.uuid4().hex},
                         salt=f"{PROOF_SALT}:{meeting.check_in_secret}")


def _read_proof(meeting: Meeting, proof: str, now: datetime.datetime) -> tuple[datetime.datetime, uuid.UUID]:
    """When the proof's code was scanned and its nonce; refused when it is not this meeting's or too old."""
    try:
        value = signing.loads(proof, salt=f"{PROOF_SALT}:{meeting.check_in_secret}")
        scanned_at = datetime.datetime.fromtimestamp(float(value["at"]), tz=datetime.UTC)
        nonce = uuid.UUID(value["nonce"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _invalid_code() from None
    if value.get("meeting") != meeting.pk:
        raise _invalid_code()
    if now - scanned_at > datetime.timedelta(minutes=check_in_proof_minutes()):
        raise MeetingError(_("The code was scanned more than %(minutes)s minutes ago: scan the code on the screen "
                             "again.") % {"minutes": check_in_proof_minutes()}, code="proof_expired")
    return scanned_at, nonce


@transaction.atomic
def check_in(meeting: Meeting, *, code: str = "", proof: str = "", by) -> Attendance:
    """A member checks in by the code on the secretary's screen, typed or scanned now (`code`), or scanned before
    logging in (`proof`, from scan_check_in_code): present, or late by the server clock at the moment of the scan.

    Refused: a code that is not this meeting's current one, outside the meeting's window, a proof of another
    meeting, one older than MEETING_CHECK_IN_PROOF_MINUTES or one that already checked someone in, and anyone not
    on its roll (SYSTEM too: it checks nobody in). Side effects: the member's roll line (with the proof that
    checked it in); counters; audit entry.
    """
    now = timezone.now()
    if proof:
        scanned_at, nonce = _read_proof(meeting, proof, now)
        _check_window(meeting, scanned_at)  # as the meeting's times stand now
    else:
        scanned_at, nonce = now, None
        _check_window(meeting, now)
        if not _code_is_current(meeting, code, now):
            raise _invalid_code()
    # Checking in is a person's own act: the system is on no roll.
    line = None if by is SYSTEM else (Attendance.objects.select_for_update().filter(meeting=meeting, member__user=by)
                                      .select_related("member", "meeting__unit").first())
    if line is None:
        raise MeetingError(_("You are not on the roll of this meeting."), code="member")
    if line.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        return line
    if nonce is not None and Attendance.objects.filter(meeting=meeting, check_in_proof=nonce).exists():
        raise _proof_used()
    old_status, old_late = line.status, line.minutes_late
    late = minutes_since_start(meeting, scanned_at)
    line.status = AttendanceStatus.LATE if late > 0 else AttendanceStatus.PRESENT
    line.minutes_late, line.checked_in_at, line.marked_by = late, scanned_at, person(by)
    line.check_in_proof = nonce
    try:
        with transaction.atomic():  # the constraint holds a proof to one check-in against a concurrent one too
            line.save(update_fields=["status", "minutes_late", "checked_in_at", "marked_by", "check_in_proof"])
    except IntegrityError:
        raise _proof_used() from None
    count_line_change(line, old_status, old_late)
    changes = {"status": line.status, "minutes_late": late}
    if nonce is not None:
        changes["scanned_at"] = scanned_at.isoformat()
    audit.record(by, "meetings.attendance.check_in", line, changes)
    return line


ATTENDANCE_FIELDS = ("status", "minutes_late", "reason")


@transaction.atomic
def mark_attendance(line: Attendance, *, status: str, minutes_late: int = 0, reason: str = "",
                    change_reason: str = "", by) -> Attendance:
    """The secretary marks or corrects a roll line. After the minutes are approved a change reason is required.

    Side effects: the line; counters; audit entry with old and new values. Absences without reason are watched by
    the early-warning check "unexcused" (docs/alerts.md), which tells the cell's leadership.
    """
    line = Attendance.objects.select_for_update().select_related("meeting__unit", "member").get(pk=line.pk)
    if status not in AttendanceStatus.values:
        raise MeetingError(_("Unknown attendance status."), code="status")
    if status == AttendanceStatus.EXCUSED and not reason.strip():
        raise MeetingError(_("Give the reason for the excused absence."), code="reason")
    before = audit.snapshot(line, ATTENDANCE_FIELDS)
    old_status, old_late = line.status, line.minutes_late
    line.status, line.minutes_late = status, minutes_late if status == AttendanceStatus.LATE else 0
    line.reason = clean(reason, _("reason"), 500) if status == AttendanceStatus.EXCUSED else ""
    line.marked_by = person(by)
    after = audit.snapshot(line, ATTENDANCE_FIELDS)
    if before == after:
        return line
    record_locked_change(line.meeting, f"attendance:{line.member_id}", change_reason, before, after, by=by)
    line.save(update_fields=["status", "minutes_late", "reason", "marked_by"])
    count_line_change(line, old_status, old_late)
    audit.record(by, "meetings.attendance.mark", line, audit.diff(before, after))
    return line


@transaction.atomic
def mark_rest_absent(meeting: Meeting, *, by) -> int:
    """Close the roll: every line still unmarked becomes an absence without reason. Returns how many."""
    lines = (Attendance.objects.select_for_update().filter(meeting=meeting, status=AttendanceStatus.UNMARKED)
             .select_related("meeting__unit", "member"))
    count = 0
    for line in lines:
        mark_attendance(line, status=AttendanceStatus.UNEXCUSED, by=by)
        count += 1
    return count


@transaction.atomic
def mark_rest_present(meeting: Meeting, *, by) -> int:
    """Everyone not yet marked is present: the secretary's one tap once those absent or late are marked. Returns
    how many.

    Refused: approved minutes (their roll is complete; a change there is made line by line, with its reason). Side
    effects: the lines, marked by `by`; the counters of the cell and its ancestors, moved in one step (unmarked →
    present) as mark_attendance moves them line by line; an audit entry per line, written together.
    """
    lines = list(Attendance.objects.select_for_update().filter(meeting=meeting, status=AttendanceStatus.UNMARKED)
                 .select_related("member").order_by("pk"))
    if not lines:
        return 0
    members = [line.member_id for line in lines]
    record_locked_change(meeting, "attendance", "", {"unmarked": members}, {"present": members}, by=by)
    marker = person(by)
    for line in lines:
        line.status, line.minutes_late, line.reason, line.marked_by = AttendanceStatus.PRESENT, 0, "", marker
    Attendance.objects.bulk_update(lines, ["status", "minutes_late", "reason", "marked_by"])
    rollups.bump(meeting.unit, rollups.period_of(meeting.starts_at),
                 {f"attendance.{AttendanceStatus.UNMARKED}": -len(lines),
                  f"attendance.{AttendanceStatus.PRESENT}": len(lines)})
    audit.record_many(by, "meetings.attendance.mark", [
        (line, {"status": [AttendanceStatus.UNMARKED.value, AttendanceStatus.PRESENT.value]}) for line in lines])
    return len(lines)
