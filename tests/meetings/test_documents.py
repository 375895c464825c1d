"""A meeting's documents: a document added after they were sent goes out with a message of its own; the button that
sends them shows only when there is something to send."""

import datetime

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from soisua.meetings import services
from soisua.notifications.models import Notification

PDF = b"%PDF-1.4\n%test\n"


def commit() -> None:
    while connection.run_on_commit:
        _savepoints, callback, _robust = connection.run_on_commit.pop(0)
        callback()


def coming(cast, days: int = 10, **values):
    starts = timezone.now() + datetime.timedelta(days=days)
    return services.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=120), by=cast.users["secretary"],
                                     **values)


def add(cast, meeting, title: str):
    return services.add_document(meeting, title=title, upload=SimpleUploadedFile(f"{title}.pdf", PDF),
                                 by=cast.users["secretary"])


def test_a_document_added_after_the_documents_were_sent_tells_the_roll_once(cast):
    meeting = coming(cast)
    add(cast, meeting, "Dự thảo nghị quyết")
    services.publish_documents(meeting, by=cast.users["secretary"])
    commit()
    mail.outbox.clear()

    late = add(cast, meeting, "Báo cáo bổ sung")
    services.publish_documents(meeting, by=cast.users["secretary"])  # sent already: nothing more
    commit()

    told = Notification.objects.filter(kind="meetings.documents", event_key__startswith="meeting-document:")
    assert [(item.recipient.username, item.event_key) for item in told] == [("member", f"meeting-document:{late.pk}")]
    assert "Báo cáo bổ sung" in told[0].body
    assert [message.to for message in mail.outbox] == [[cast.users["member"].email]]
    assert "“Báo cáo bổ sung”" in mail.outbox[0].body


def test_a_document_added_before_the_documents_are_sent_tells_nobody(cast):
    meeting = coming(cast)

    add(cast, meeting, "Dự thảo nghị quyết")

    assert not Notification.objects.filter(kind="meetings.documents").exists()


def test_the_send_button_shows_only_with_something_to_send(cast):
    meeting = coming(cast)
    url = reverse("meetings:detail", args=[meeting.pk]) + "?step=before"
    send = reverse("meetings:documents.publish", args=[meeting.pk])

    empty = cast.client("secretary").get(url).content.decode()
    add(cast, meeting, "Dự thảo nghị quyết")
    ready = cast.client("secretary").get(url).content.decode()
    with_paper = cast.client("secretary").get(
        reverse("meetings:detail", args=[coming(cast, 12, introductory_paper="Đề dẫn chuyên đề").pk])
        + "?step=before").content.decode()

    assert send not in empty
    assert "Gửi tài liệu cho đảng viên" not in empty
    assert send in ready and "Gửi tài liệu cho đảng viên" in ready
    assert "Gửi tài liệu cho đảng viên" in with_paper  # the introductory paper alone may be sent
