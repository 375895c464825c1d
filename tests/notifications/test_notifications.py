import datetime

import time_machine
from django.core import mail
from django.core.management import call_command

from soisua.notifications import services
from soisua.notifications.models import Notification, ScheduledRun


def _notify(user, key="event-1"):
    return services.notify(user, kind="documents.import", event_key=key, template="notifications/messages/welcome",
                           context={"unit": "Chi bộ Thôn 1", "role": "Bí thư"}, url="/units/1/")


def test_notify_creates_inbox_item_and_sends_email(cast, django_capture_on_commit_callbacks):
    user = cast.users["member"]

    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)

    assert notification.recipient == user
    assert "Chi bộ Thôn 1" in notification.title
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/units/1/" in mail.outbox[0].body
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_notify_same_event_twice_delivers_once(cast, django_capture_on_commit_callbacks):
    user = cast.users["member"]

    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
        second = _notify(user)

    assert second is None
    assert Notification.objects.filter(recipient=user, event_key="event-1").count() == 1
    assert len(mail.outbox) == 1


def test_notify_renders_in_recipient_language(cast):
    vietnamese, english = cast.users["member"], cast.users["secretary"]
    english.language = "en"
    english.save()

    in_english = _notify(english)
    in_vietnamese = _notify(vietnamese)

    assert in_english.title.startswith("You now have access")
    assert in_vietnamese.title.startswith("Đồng chí đã có quyền truy cập")


def test_inbox_shows_unread_count_and_marks_read_on_open(cast):
    user = cast.users["member"]
    notification = _notify(user)
    client = cast.client("member")

    page = client.get("/inbox/")
    response = client.post(f"/inbox/{notification.pk}/open/")

    assert notification.title in page.text
    assert 'class="badge"' in page.text
    assert response["Location"] == "/units/1/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_inbox_other_users_notification_is_404(cast):
    notification = _notify(cast.users["member"])

    response = cast.client("sibling").post(f"/inbox/{notification.pk}/open/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_grant_role_tells_the_user(cast):
    assert Notification.objects.filter(recipient=cast.users["parent_staff"], kind="org.grant").count() == 1


def test_run_scheduled_runs_each_job_once_per_period(cast):
    old = _notify(cast.users["member"], key="old")
    services.mark_read(old)
    with time_machine.travel(datetime.datetime(2031, 1, 1, 8, tzinfo=datetime.UTC)):
        call_command("run_scheduled")
        call_command("run_scheduled")

    assert not Notification.objects.filter(pk=old.pk).exists()
    assert ScheduledRun.objects.filter(job="notifications.purge_read").count() == 1


def test_each_item_keeps_its_own_read_state_and_mark_all_read_stores_it_for_every_item(cast):
    member, sibling = cast.users["member"], cast.users["sibling"]
    first, second, third = (_notify(member, key=f"event-{number}") for number in (1, 2, 3))
    elsewhere = _notify(sibling, key="event-1")
    client = cast.client("member")

    client.post(f"/inbox/{second.pk}/open/")
    opened_one = {item.pk: item.read_at for item in Notification.objects.filter(recipient=member)}
    member.refresh_from_db()
    unread_after_one = member.inbox_unread
    client.post("/inbox/read-all/")
    page = client.get("/inbox/")

    assert opened_one[second.pk] is not None and opened_one[first.pk] is None and opened_one[third.pk] is None
    assert unread_after_one == 2
    assert not Notification.objects.filter(recipient=member, read_at=None).exists()
    assert Notification.objects.get(pk=second.pk).read_at == opened_one[second.pk]  # read once, kept
    member.refresh_from_db()
    assert member.inbox_unread == 0
    assert Notification.objects.get(pk=elsewhere.pk).read_at is None  # nobody else's inbox is touched
    assert 'class="card unread"' not in page.text


def test_quotes_and_brackets_are_escaped_once_on_the_inbox_page_and_never_in_the_email(
        cast, settings, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from soisua.meetings import services as meetings

    settings.MEETING_ANNOUNCE_DAYS = 14
    title = 'Họp "chi bộ" <script>alert(1)</script> & bàn việc'
    starts = timezone.now() + datetime.timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        meetings.schedule_meeting(cast.cell, title=title, starts_at=starts,
                                  ends_at=starts + datetime.timedelta(minutes=120), by=cast.users["secretary"])
    inbox = cast.client("member").get("/inbox/").content.decode()

    stored = Notification.objects.get(recipient=cast.users["member"])
    assert title in stored.title and title in stored.body
    assert "Họp &quot;chi bộ&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; bàn việc" in inbox
    assert "&amp;quot;" not in inbox and "&amp;lt;" not in inbox and "<script>alert" not in inbox
    (message,) = mail.outbox
    assert title in message.subject and title in message.body
    assert "&quot;" not in message.body and "&lt;" not in message.body and "&amp;" not in message.body
