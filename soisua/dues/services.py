"""Writes to party dues (docs/domain.md, "Đảng phí"): the month a cell begins recording, one payment, and a
meeting's collection saved at once.

Each function owns its transaction, appends the audit entries, marks the cell's page as changed (it shows this
month's figure) and raises DuesError (translated) on refusal. A member with three months unpaid or more is found by
the daily early-warning check `dues_unpaid` (docs/alerts.md), which tells the cell's leadership.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import Conflict, DomainError, check_version, clean_text
from soisua.core.formats import number
from soisua.documents import imports as spreadsheets
from soisua.meetings.models import Meeting
from soisua.org.models import Member, Unit
from soisua.org.services import touch_units

from . import imports
from .enums import MAY_PAY_STATUSES, MONTHS_AHEAD, PaymentChannel, add_months, label, month_of
from .models import DuesBook, Payment

# The largest amount one month's dues may be recorded at (a figure no member's dues reach: a mistyped zero).
MAX_AMOUNT = 100_000_000
EARLIEST = datetime.date(2000, 1, 1)


class DuesError(DomainError):
    """A refused dues record; the message is already translated."""


class SheetErrors(DuesError):
    """Rows of a collection sheet refused: `rows` maps each member's id to its reasons; nothing was saved."""

    def __init__(self, rows: dict[int, list[str]]):
        super().__init__([message for messages in rows.values() for message in messages], code="rows")
        self.rows = rows


@dataclass(frozen=True)
class Collected:
    """What a member paid at a meeting: `amount` for each of `months`."""

    member: Member
    months: list[datetime.date]
    amount: int | None


def _province(unit: Unit):
    return unit.province_id or (unit.pk if unit.kind.is_province else None)


def start_recording(unit: Unit, *, month: datetime.date, by, version: int | None = None) -> DuesBook:
    """Set the first month of the cell's dues record (months before it are not counted against anyone).

    Side effects: the cell's dues record, created or changed (refused on a stale `version`); an audit entry; the
    cell's page marked changed."""
    if not unit.kind.holds_members:
        raise DuesError(_("Only a cell records party dues."), code="not_cell")
    month = month_of(month)
    today = month_of(timezone.localdate())
    if not EARLIEST <= month <= today:
        raise DuesError(_("The first month recorded must be between %(first)s and this month.")
                        % {"first": label(EARLIEST)}, code="month")
    with transaction.atomic():
        book = DuesBook.objects.select_for_update().filter(unit=unit).first()
        if book is None:
            book = DuesBook.objects.create(unit=unit, province_id=_province(unit), starts_on=month)
            audit.record(by, "dues.started", book, {"starts_on": [None, month.isoformat()]})
        else:
            check_version(book.version, version)
            if book.starts_on != month:
                old = book.starts_on
                book.starts_on, book.version = month, book.version + 1
                book.save(update_fields=["starts_on", "version", "updated_at"])
                audit.record(by, "dues.started", book, {"starts_on": [old.isoformat(), month.isoformat()]})
        touch_units(unit)
    return book


def _check_payment(member: Member, month: datetime.date, amount: int | None, today: datetime.date) -> list[str]:
    errors = []
    if member.status not in MAY_PAY_STATUSES:
        errors.append(_("%(name)s has left the roll: no dues are recorded for them.") % {"name": member.full_name})
    if month < EARLIEST or month > add_months(month_of(today), MONTHS_AHEAD):
        errors.append(_("%(name)s: dues can be recorded for %(first)s up to %(months)s months ahead, not for "
                        "%(month)s.") % {"name": member.full_name, "first": label(EARLIEST),
                                         "months": MONTHS_AHEAD, "month": label(month)})
    if amount is None or amount <= 0:
        errors.append(_("%(name)s: give the amount paid, in đồng, above zero.") % {"name": member.full_name})
    elif amount > MAX_AMOUNT:
        errors.append(_("%(name)s: %(amount)s đồng is more than one month's dues can be.")
                      % {"name": member.full_name, "amount": number(amount, grouped=True)})
    return errors


def _already_paid(member: Member, payment: Payment) -> str:
    return _("%(name)s has already paid the dues of %(month)s (%(amount)s đồng, collected on %(day)s). To change "
             "the amount, record it again as a correction.") % {
        "name": member.full_name, "month": label(payment.month), "amount": number(payment.amount, grouped=True),
        "day": payment.collected_on.strftime("%d/%m/%Y")}


def record_payment(member: Member, *, month: datetime.date, amount: int | None, collected_on: datetime.date, by,
                   meeting: Meeting | None = None, reference: str = "", note: str = "",
                   correction: bool = False, channel: str = PaymentChannel.CASH) -> Payment:
    """Record one member's dues for one month, at a meeting or on another day. A second payment for the same month
    is refused unless it is a `correction`, which replaces the amount (and the other details) of the one stored.
    `channel` says how it was paid (in cash to the cell unless told).

    Side effects: the payment, created or replaced; an audit entry (a correction's with the old and the new
    amount); the cell's page marked changed."""
    month = month_of(month)
    today = timezone.localdate()
    errors = _check_payment(member, month, amount, today)
    if collected_on > today:
        errors.append(_("The day the dues were collected cannot be in the future."))
    elif collected_on < EARLIEST:
        errors.append(_("The day the dues were collected cannot be before %(first)s.")
                      % {"first": EARLIEST.strftime("%d/%m/%Y")})
    if channel not in PaymentChannel.values:
        raise ValueError(channel)
    if errors:
        raise DuesError(errors, code="invalid")
    reference = clean_text(reference, _("Reference"), 100, error=DuesError)
    note = clean_text(note, _("Note"), 500, error=DuesError)
    cell = member.cell
    with transaction.atomic():
        stored = Payment.objects.select_for_update().filter(member=member, month=month).first()
        values = {"amount": amount, "meeting": meeting, "collected_by": person(by), "collected_on": collected_on,
                  "reference": reference, "note": note, "channel": channel}
        if stored is not None and not correction:
            raise DuesError(_already_paid(member, stored), code="already_paid")
        if stored is not None:
            old = stored.amount
            for name, value in values.items():
                setattr(stored, name, value)
            stored.version += 1
            stored.save()
            audit.record(by, "dues.corrected", stored, {"amount": [old, amount], "month": month.isoformat()})
            payment = stored
        else:
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(member=member, unit=cell, province_id=_province(cell),
                                                     month=month, **values)
            except IntegrityError:  # recorded by someone else a moment ago
                raise DuesError(_already_paid(member, Payment.objects.get(member=member, month=month)),
                                code="already_paid") from None
            audit.record(by, "dues.paid", payment, {"amount": [None, amount], "month": month.isoformat()})
        touch_units(cell)
    return payment


def record_collection(meeting: Meeting, *, rows: list[Collected], by) -> list[Payment]:
    """Save what was collected at a meeting, all at once: one payment per member and month ticked, at the amount
    given. Any refused row (no amount, a month already paid, a member who left the roll) refuses the whole sheet,
    naming each row, and nothing is saved; two people saving the same sheet at once cannot pay a month twice (the
    cell's dues record is locked while the sheet is saved, and each month is stored once).

    Side effects: the payments; one audit entry for each; the cell's page marked changed."""
    cell = meeting.unit
    today = timezone.localdate()
    collected_on = min(today, timezone.localtime(meeting.starts_at).date())
    rows = [row for row in rows if row.months]
    if not rows:
        raise DuesError(_("Tick the months each member paid."), code="empty")
    with transaction.atomic():
        # One sheet of the cell at a time: a second save waits here, then finds the months the first one stored.
        if DuesBook.objects.select_for_update().filter(unit=cell).first() is None:
            raise DuesError(_("Set the month the cell begins recording party dues first."), code="no_book")
        stored = {(payment.member_id, payment.month): payment for payment in Payment.objects.filter(
            member_id__in=[row.member.pk for row in rows],
            month__in={month_of(month) for row in rows for month in row.months})}
        errors: dict[int, list[str]] = {}
        payments = []
        for row in rows:
            problems = []
            if row.member.cell_id != cell.pk:
                problems.append(_("%(name)s is no longer a member of this cell.") % {"name": row.member.full_name})
            for month in sorted({month_of(month) for month in row.months}):
                problems += [problem for problem in _check_payment(row.member, month, row.amount, today)
                             if problem not in problems]
                if (row.member.pk, month) in stored:
                    problems.append(_already_paid(row.member, stored[row.member.pk, month]))
                payments.append(Payment(member=row.member, unit=cell, province_id=_province(cell), month=month,
                                        amount=row.amount or 0, meeting=meeting, collected_by=person(by),
                                        collected_on=collected_on))
            if problems:
                errors[row.member.pk] = problems
        if errors:
            raise SheetErrors(errors)
        try:
            with transaction.atomic():
                Payment.objects.bulk_create(payments)
        except IntegrityError:  # stored by a save that did not wait for the lock (none should)
            raise Conflict(_("Someone else saved dues for these members a moment ago. Reload the sheet to see "
                             "them.")) from None
        saved = list(Payment.objects.filter(meeting=meeting, member_id__in=[row.member.pk for row in rows],
                                            month__in={payment.month for payment in payments}))
        audit.record_many(by, "dues.paid", [(payment, {"amount": [None, payment.amount],
                                                       "month": payment.month.isoformat()}) for payment in saved])
        touch_units(cell)
    return saved


# --- Payments imported from a file (dues/imports.py) ---------------------------------------------------------


class PaymentsImportError(DuesError):
    """A file of payments refused row by row: `plan` lists the conflicts and refused rows; nothing was recorded."""

    def __init__(self, plan: imports.PaymentsPlan):
        count = len(plan.errors) + len(plan.conflicts)
        super().__init__(ngettext("The file has %(count)d problem; no payment was recorded.",
                                  "The file has %(count)d problems; no payment was recorded.", count)
                         % {"count": count}, code="invalid")
        self.plan = plan


def check_payments_file(upload, *, unit: Unit) -> imports.PaymentsPlan:
    """Read an uploaded list of payments and check every row for the cells of `unit`'s subtree (reads only: neither
    the file nor anything else is stored). Refuses (RosterImportError) a file of the wrong type, empty, too large,
    without the header row or with a column the list does not know; the rows' own problems are in the plan."""
    file_format = spreadsheets.check_upload(upload.name or "", upload, upload.size, sheet=imports.PAYMENTS)
    return imports.check_rows(imports.read_rows(upload.file, file_format), unit=unit)


def import_payments(rows: list[imports.RawRow], *, under: Unit, by) -> imports.PaymentsPlan:
    """Record the new payments of a checked file, all of them or none. The rows are checked again against the
    database as it is now (the preview may be old), with the dues records of the cells concerned locked so that a
    collection saved meanwhile cannot pay a month twice; the caller decided that `by` may import for `under`.

    Refused (PaymentsImportError, nothing recorded) when a row has a problem or a conflict now. A file whose
    payments are all recorded already records nothing. Side effects: the payments (each with its channel and
    reference); an audit entry for each and one for the import; the pages of the cells concerned marked changed.
    Returns the plan applied."""
    with transaction.atomic():
        keys = [row.member for row in rows if row.member]
        cells = set()
        for start in range(0, len(keys), imports.QUERY_CHUNK):
            chunk = keys[start:start + imports.QUERY_CHUNK]
            cells.update(Member.objects.filter(Q(card_number__in=chunk) | Q(citizen_id__in=chunk),
                                               cell__path__startswith=under.path).values_list("cell_id", flat=True))
        list(DuesBook.objects.select_for_update().filter(unit_id__in=sorted(cells)).order_by("pk")
             .values_list("pk", flat=True))
        plan = imports.check_rows(rows, unit=under)
        if plan.errors or plan.conflicts:
            raise PaymentsImportError(plan)
        if not plan.new:
            return plan
        collector = person(by)
        payments = [Payment(member=new.member, unit=new.member.cell, province_id=_province(new.member.cell),
                            month=new.month, amount=new.amount, collected_by=collector, collected_on=new.paid_on,
                            reference=new.reference, channel=new.channel) for new in plan.new]
        try:
            with transaction.atomic():
                Payment.objects.bulk_create(payments)
        except IntegrityError:  # recorded by someone who did not wait for the lock (none should)
            raise Conflict(_("Someone else recorded dues for these members a moment ago. Upload the file "
                             "again.")) from None
        wanted = {(new.member.pk, new.month) for new in plan.new}
        saved = [payment for payment in Payment.objects.filter(member_id__in=[pk for pk, _month in wanted],
                                                               month__in={month for _pk, month in wanted})
                 if (payment.member_id, payment.month) in wanted]
        audit.record_many(by, "dues.paid", [(payment, {"amount": [None, payment.amount],
                                                       "month": payment.month.isoformat(),
                                                       "channel": payment.channel, "reference": payment.reference})
                                            for payment in saved])
        audit.record(by, "dues.imported", under, {"recorded": len(plan.new), "skipped": len(plan.skipped)})
        touch_units(*{new.member.cell for new in plan.new})
    return plan
