"""Writes to the library (docs/domain.md, "Document library and study"): publishing and withdrawing a document,
bookmarks, a member's confirmation that they studied a required document, and the documents a thematic session
studied.

Each function owns its transaction, appends the audit entry and raises LibraryError (translated) on refusal.
Publishing a required document tells each member asked to study it (inbox and e-mail): in the write's own
transaction up to LIBRARY_NOTIFY_INLINE members, by a background task beyond; the daily job reminds those who have
not confirmed LIBRARY_REMINDER_DAYS before the deadline.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import DomainError, check_version, clean_text
from soisua.core.queueing import enqueue_with_transaction
from soisua.core.uploads import check_document_upload, discard_stored, store_upload
from soisua.meetings.models import Meeting
from soisua.notifications.services import notify
from soisua.org.models import Member, Unit

from . import queries
from .enums import FILE_TYPES, STUDY_STATUSES, DocumentKind
from .models import Bookmark, LibraryDocument, SessionDocument, StudyRecord

EARLIEST = datetime.date(1930, 2, 3)  # the Party's founding: no document of the library is older
NOTE_LIMIT = 5000


class LibraryError(DomainError):
    """A refused library write; the message is already translated."""


def _province(unit: Unit):
    return unit.province_id or (unit.pk if unit.kind.is_province else None)


def check_file(upload) -> None:
    """A PDF, Word (DOCX) or Excel (XLSX) file, checked by its extension, its first bytes and its size as the
    evidence of a correction is (core.uploads)."""
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in FILE_TYPES:
        raise LibraryError(_("The library takes PDF, Word (DOCX) and Excel (XLSX) files; “%(name)s” is not one.")
                           % {"name": upload.name}, code="type")
    try:
        check_document_upload(upload)
    except DomainError as error:
        raise LibraryError(error.messages, code=error.code) from None


def publish_document(unit: Unit, *, kind: str, number: str = "", issuer: str, issued_on: datetime.date, title: str,
                     summary: str = "", body: str = "", upload=None, required: bool = False,
                     study_due: datetime.date | None = None, note_required: bool = False, by) -> LibraryDocument:
    """Publish a document to the unit's subtree. A required one asks the members of the cells below who take part
    in activity to study it by `study_due` (with a short write-up when `note_required`).

    Side effects: the document (and its file, stored before the row); an audit entry; for a required document, each
    member asked who has a login told (inbox and e-mail), at once or by a task after the commit."""
    today = timezone.localdate()
    errors = []
    if unit.kind.holds_members:
        errors.append(_("Only a committee publishes to the library, not a cell."))
    if kind not in DocumentKind.values:
        errors.append(_("Choose the kind of document."))
    if not (title or "").strip():
        errors.append(_("Give the document's title."))
    if not (issuer or "").strip():
        errors.append(_("Say who issued the document."))
    if issued_on is None or not EARLIEST <= issued_on <= today:
        errors.append(_("The date of issue must be a past day, not after today."))
    if upload is None and not (body or "").strip():
        errors.append(_("Attach the document's file or write its text."))
    if required:
        if study_due is None:
            errors.append(_("A required study needs the day it must be done by."))
        elif study_due < today:
            errors.append(_("The day the study must be done by cannot be in the past."))
    elif note_required:
        errors.append(_("A write-up is asked for only in a required study."))
    if errors:
        raise LibraryError(errors, code="invalid")
    if upload is not None:
        check_file(upload)
    values = {
        "number": clean_text(number, _("Number and symbol"), 60, error=LibraryError),
        "issuer": clean_text(issuer, _("Issued by"), 200, error=LibraryError),
        "title": clean_text(title, _("Title"), 300, error=LibraryError),
        "summary": clean_text(summary, _("Summary"), 5000, error=LibraryError),
        "body": clean_text(body, _("Text"), 200_000, error=LibraryError),
    }
    document = LibraryDocument(unit=unit, kind=kind, issued_on=issued_on, required=required,
                               study_due=study_due if required else None, note_required=note_required,
                               published_by=person(by), search_text=queries.search_text(
                                   values["number"], values["title"], values["summary"], values["issuer"]),
                               **values)
    if upload is not None:
        store_upload(document.file, upload)
        document.file_name = upload.name[:255]
    try:
        with transaction.atomic():
            document.save()
            audit.record(by, "library.published", document, {
                "unit": unit.pk, "kind": kind, "number": document.number, "title": document.title,
                "required": required, "study_due": study_due.isoformat() if required else None})
            if required:
                _tell_soon(document)
    except BaseException:
        if document.file:
            discard_stored(document.file.storage, document.file.name)
        raise
    return document


def _tell_soon(document: LibraryDocument) -> None:
    if queries.asked_members(document).filter(user__isnull=False).count() <= settings.LIBRARY_NOTIFY_INLINE:
        tell_members(document)
    else:  # a province's members are told by a task, queued with the document
        from .tasks import task_tell_members

        enqueue_with_transaction(task_tell_members, document.pk)


def tell_members(document: LibraryDocument) -> int:
    """Tell each member asked to study the document (with a login) what to study and by when. Each person once."""
    if not document.studied_now:
        return 0
    sent = 0
    url = reverse("library:detail", args=[document.pk])
    context = {"title": str(document), "unit": document.unit.name, "due": document.study_due,
               "note_required": document.note_required}
    members = queries.asked_members(document).filter(user__isnull=False).select_related("user").order_by("pk")
    for member in members.iterator(chunk_size=500):
        sent += notify(member.user, kind="library.study", event_key=f"library-study:{document.pk}",
                       template="library/notifications/study", url=url, context=context) is not None
    return sent


def send_study_reminders() -> int:
    """Remind the members who have not confirmed a required study that its day is near (LIBRARY_REMINDER_DAYS
    before it, or later if the job missed that day); once per document and person."""
    today = timezone.localdate()
    documents = LibraryDocument.objects.filter(
        required=True, withdrawn_at__isnull=True, study_due__gte=today,
        study_due__lte=today + datetime.timedelta(days=settings.LIBRARY_REMINDER_DAYS)).select_related("unit")
    sent = 0
    for document in documents:
        url = reverse("library:detail", args=[document.pk])
        context = {"title": str(document), "unit": document.unit.name, "due": document.study_due}
        members = (queries.asked_members(document).filter(user__isnull=False)
                   .exclude(pk__in=StudyRecord.objects.filter(document=document).values("member_id"))
                   .select_related("user").order_by("pk"))
        for member in members.iterator(chunk_size=500):
            sent += notify(member.user, kind="library.reminder", event_key=f"library-reminder:{document.pk}",
                           template="library/notifications/reminder", url=url, context=context) is not None
    return sent


def withdraw_document(document: LibraryDocument, *, reason: str, version: int | None, by) -> LibraryDocument:
    """Withdraw a document: it stays in the library, marked withdrawn with its reason, and is no longer studied;
    the confirmations already given are kept.

    Side effects: the document marked (refused on a stale `version` or when already withdrawn); an audit entry."""
    reason = clean_text(reason, _("Reason for withdrawal"), 500, error=LibraryError)
    if not reason:
        raise LibraryError(_("Say why the document is withdrawn."), code="reason")
    with transaction.atomic():
        stored = LibraryDocument.objects.select_for_update().get(pk=document.pk)
        check_version(stored.version, version)
        if stored.withdrawn_at is not None:
            raise LibraryError(_("The document is already withdrawn."), code="withdrawn")
        stored.withdrawn_at, stored.withdrawn_by, stored.withdrawal_reason = timezone.now(), person(by), reason
        stored.version += 1
        stored.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "version"])
        audit.record(by, "library.withdrawn", stored, {"reason": reason})
    return stored


def save_bookmark(document: LibraryDocument, *, user, saved: bool, by) -> bool:
    """Save the document to the reader's list to read later, or take it off. Returns whether it is saved now.

    Side effects: the bookmark created or removed (nothing when it already was); an audit entry when it changed."""
    with transaction.atomic():
        if saved:
            try:
                with transaction.atomic():
                    bookmark = Bookmark.objects.create(user=user, document=document)
            except IntegrityError:  # saved already (another tab)
                return True
            audit.record(by, "library.bookmarked", bookmark, {"document": document.pk})
        else:
            removed, _counts = Bookmark.objects.filter(user=user, document=document).delete()
            if removed:
                audit.record(by, "library.unbookmarked", document, {"user": user.pk})
    return saved


def confirm_study(document: LibraryDocument, *, member: Member, note: str = "", by) -> StudyRecord:
    """The member confirms they studied the document ("Tôi đã nghiên cứu, học tập"), with the write-up the
    document asks for. Once: a second confirmation is refused. Confirming after the day set is accepted; the list
    shows it late.

    Side effects: the confirmation; an audit entry."""
    if not document.required:
        raise LibraryError(_("This document is not a required study."), code="not_required")
    if document.withdrawn_at is not None:
        raise LibraryError(_("This document was withdrawn: it is no longer studied."), code="withdrawn")
    if member.status not in STUDY_STATUSES or not member.cell.path.startswith(document.unit.path):
        raise LibraryError(_("%(name)s is not asked to study this document.") % {"name": member.full_name},
                           code="not_asked")
    note = clean_text(note, _("Write-up"), NOTE_LIMIT, error=LibraryError)
    if document.note_required and not note:
        raise LibraryError(_("This study asks for a short write-up: write what you take from the document."),
                           code="note")
    try:
        with transaction.atomic():
            record = StudyRecord.objects.create(document=document, member=member, cell=member.cell,
                                                province_id=_province(member.cell), note=note,
                                                confirmed_at=timezone.now())
            audit.record(by, "library.studied", record, {"document": document.pk, "member": member.pk,
                                                         "note": bool(note)})
    except IntegrityError:
        stored = StudyRecord.objects.get(document=document, member=member)
        raise LibraryError(_("%(name)s already confirmed this study on %(day)s.") % {
            "name": member.full_name, "day": timezone.localtime(stored.confirmed_at).strftime("%d/%m/%Y")},
            code="already") from None
    return record


def link_document(meeting: Meeting, document: LibraryDocument, *, by) -> SessionDocument:
    """Record that a thematic session studied a library document that reaches its cell.

    Side effects: the link (refused when it is there already, or the document does not reach the cell or was
    withdrawn); an audit entry."""
    if not meeting.unit.path.startswith(document.unit.path):
        raise LibraryError(_("This document was not published to this cell."), code="outside")
    if document.withdrawn_at is not None:
        raise LibraryError(_("This document was withdrawn: it is no longer studied."), code="withdrawn")
    try:
        with transaction.atomic():
            link = SessionDocument.objects.create(meeting=meeting, document=document, linked_by=person(by))
            audit.record(by, "library.session_linked", link, {"meeting": meeting.pk, "document": document.pk})
    except IntegrityError:
        raise LibraryError(_("The session already lists this document."), code="already") from None
    return link


def unlink_document(meeting: Meeting, document: LibraryDocument, *, by) -> None:
    """Take a document off a session's list.

    Side effects: the link removed; an audit entry."""
    with transaction.atomic():
        removed, _counts = SessionDocument.objects.filter(meeting=meeting, document=document).delete()
        if not removed:
            raise LibraryError(_("The session does not list this document."), code="missing")
        audit.record(by, "library.session_unlinked", meeting, {"document": document.pk})
