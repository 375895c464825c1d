"""Logins without e-mail: the cell opens a login with a one-time set-up code, handed over on paper or by SMS, and
the member chooses the password with it on "Kích hoạt tài khoản". Through the pages, as a browser sends them."""

import datetime
import re

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from soisua.accounts import services as accounts
from soisua.accounts.models import SetupCode, User
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.enums import Role
from soisua.org.models import Member
from tests.factories import UserFactory, make_member

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
NEW_PASSWORD = "Nhà-văn-hóa-thôn-1-2026"
INVALID = "Tên đăng nhập và mã kích hoạt không khớp"


def open_by_code(client: Client, member: Member, username: str = "dinh.tam"):
    """Open the member's login with a set-up code, as the member's page does; the code as the sheet shows it."""
    response = client.post(reverse("org:members.account", args=[member.pk]), {"username": username,
                                                                              "method": "code"})
    found = re.search(r'<code id="setup-code"[^>]*>([^<]+)</code>', response.text)
    return response, found.group(1) if found else None


def send_code(client: Client, username: str, code: str, address: str = OWNER, **extra):
    return client.post(reverse("accounts:activate"), {"username": username, "code": code, **extra},
                       REMOTE_ADDR=address)


def choose_password(client: Client, password: str = NEW_PASSWORD, address: str = OWNER):
    return client.post(reverse("accounts:activate.password"), {"new_password1": password,
                                                               "new_password2": password}, REMOTE_ADDR=address)


def logged_in_as(client: Client) -> str | None:
    response = client.get(reverse("org:dashboard"))
    return response.wsgi_request.user.username if response.status_code == 200 else None


def other_guess(code: str) -> str:
    """A code of the right shape that is not `code` (its first character changed)."""
    replacement = next(letter for letter in accounts.SETUP_CODE_ALPHABET if letter != code[0])
    return replacement + code[1:]


# --- opening a login with a code ------------------------------------------------------------------------------

def test_a_member_without_an_address_gets_a_login_with_a_code_shown_once(cast, django_capture_on_commit_callbacks):
    member = make_member(cast.cell, "Đinh Văn Tám")
    committee = UserFactory(username="chiuy.thon1")
    org_services.grant_role(committee, unit=cast.cell, role=Role.COMMITTEE, by=SYSTEM)
    secretary = cast.client("secretary")

    form = secretary.get(reverse("org:members.account", args=[member.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        sheet, code = open_by_code(secretary, member)
    page = secretary.get(reverse("org:members.detail", args=[member.pk])).text

    assert "mã kích hoạt" in form.text and 'name="method"' not in form.text
    assert sheet.status_code == 200 and "no-store" in sheet["Cache-Control"]
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY34679]{5}-[ACDEFGHJKMNPQRTUVWXY34679]{5}", code)
    assert "dinh.tam" in sheet.text and "http://127.0.0.1:8000/accounts/activate/" in sheet.text
    user = Member.objects.get(pk=member.pk).user
    assert user.username == "dinh.tam" and not user.has_usable_password()
    # The code is never shown again; the member's page says one is outstanding, and until when.
    assert code not in page and code.replace("-", "") not in page
    assert "đang có mã kích hoạt, còn hiệu lực đến" in page
    # The cell's other leaders are told, as for a login sent by e-mail; nothing is mailed to anyone else.
    notice = Notification.objects.get(recipient=committee, kind="org.login_opened")
    assert "Đinh Văn Tám" in notice.body and "mã kích hoạt" in notice.body
    assert all(code not in message.body and code.replace("-", "") not in message.body for message in mail.outbox)


def test_the_sheet_points_at_the_site_address_of_the_installation(cast, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    member = make_member(cast.cell, "Đinh Văn Tám")

    sheet, _code = open_by_code(cast.client("secretary"), member)

    assert "http://127.0.0.1:8123/accounts/activate/" in sheet.text


def test_a_member_with_an_address_may_get_a_code_and_the_address_hears_of_it_without_the_code(
        cast, django_capture_on_commit_callbacks):
    member = make_member(cast.cell, "Đinh Văn Tám", email="tam@example.org")
    secretary = cast.client("secretary")

    form = secretary.get(reverse("org:members.account", args=[member.pk])).text
    with django_capture_on_commit_callbacks(execute=True):
        _sheet, code = open_by_code(secretary, member)

    assert 'value="email"' in form and 'value="code"' in form
    sent = {tuple(message.to): message for message in mail.outbox}
    notice = sent[("tam@example.org",)]
    assert "dinh.tam" in notice.body and "secretary" in notice.body
    assert "/accounts/activate/" in notice.body
    assert code not in notice.body and code.replace("-", "") not in notice.body


def test_without_a_choice_a_member_with_an_address_gets_the_e_mail_link_to_the_site(
        cast, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://127.0.0.1:8123"
    member = make_member(cast.cell, "Đinh Văn Tám", email="tam@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("secretary").post(reverse("org:members.account", args=[member.pk]),
                                                 {"username": "dinh.tam"})

    assert response.status_code == 302
    assert not SetupCode.objects.exists()
    welcome = next(message for message in mail.outbox if message.to == ["tam@example.org"])
    assert "dinh.tam" in welcome.subject and "dinh.tam" in welcome.body
    assert re.search(r"http://127\.0\.0\.1:8123/accounts/password-reset/\S+/\S+/", welcome.body)


# --- activating ----------------------------------------------------------------------------------------------

def test_the_member_activates_with_the_code_chooses_a_password_and_is_logged_in(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    phone = Client()

    login_page = phone.get(reverse("accounts:login")).text
    first = send_code(phone, "Dinh.Tam ", code.lower().replace("-", " "))
    second = phone.get(first["Location"])
    done = choose_password(phone)

    assert f'href="{reverse("accounts:activate")}"' in login_page
    assert first.status_code == 302 and first["Location"] == reverse("accounts:activate.password")
    assert "dinh.tam" in second.text and 'name="new_password1"' in second.text
    assert done.status_code == 302 and done["Location"] == reverse("org:dashboard")
    assert logged_in_as(phone) == "dinh.tam"
    user = User.objects.get(username="dinh.tam")
    assert user.check_password(NEW_PASSWORD)
    assert not SetupCode.objects.filter(user=user).exists()
    # From now on the member logs in with the password.
    again = Client()
    assert again.post(reverse("accounts:login"), {"username": "dinh.tam", "password": NEW_PASSWORD}).status_code == 302


def test_the_password_must_pass_the_validators_and_the_code_stays_unspent_meanwhile(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    phone = Client()
    send_code(phone, "dinh.tam", code)

    weak = choose_password(phone, "12345678")

    assert weak.status_code == 200
    assert "errorlist" in weak.text
    assert logged_in_as(phone) is None
    assert not User.objects.get(username="dinh.tam").has_usable_password()
    assert choose_password(phone).status_code == 302


def test_after_activation_the_member_goes_where_the_login_page_was_sending_them(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    phone = Client()
    going = f"/units/{cast.cell.pk}/"

    page = phone.get(reverse("accounts:activate"), {"next": going}).text
    send_code(phone, "dinh.tam", code, next=going)
    done = choose_password(phone)
    elsewhere = Client()
    send_code(elsewhere, "x", "y", next="https://evil.example/")

    assert f'name="next" value="{going}"' in page
    assert done["Location"] == going


def test_a_code_works_once(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    phone = Client()
    send_code(phone, "dinh.tam", code)
    choose_password(phone)
    thief = Client()

    again = send_code(thief, "dinh.tam", code, address=ATTACKER)

    assert again.status_code == 200 and INVALID in again.text
    assert thief.get(reverse("accounts:activate.password"))["Location"] == reverse("accounts:activate")
    assert User.objects.get(username="dinh.tam").check_password(NEW_PASSWORD)


def test_an_expired_code_is_refused_with_the_same_message(cast, settings):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    phone = Client()

    with time_machine.travel(datetime.timedelta(hours=settings.ACCOUNT_SETUP_CODE_HOURS, minutes=1)):
        late = send_code(phone, "dinh.tam", code)
        page = cast.client("secretary").get(reverse("org:members.detail", args=[member.pk])).text

    assert late.status_code == 200 and INVALID in late.text
    assert logged_in_as(phone) is None
    assert "mã kích hoạt đã hết hạn" in page


def test_a_code_begun_before_it_expires_cannot_finish_after(cast, settings):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    phone = Client()
    send_code(phone, "dinh.tam", code)

    with time_machine.travel(datetime.timedelta(hours=settings.ACCOUNT_SETUP_CODE_HOURS, minutes=1)):
        late = choose_password(phone)
        following = phone.get(late["Location"])

    assert late["Location"] == reverse("accounts:activate")
    assert INVALID in following.text
    assert not User.objects.get(username="dinh.tam").has_usable_password()


def test_a_new_code_voids_the_old_one_even_half_way_through(cast, django_capture_on_commit_callbacks):
    member = make_member(cast.cell, "Đinh Văn Tám")
    secretary = cast.client("secretary")
    _sheet, old = open_by_code(secretary, member)
    halfway = Client()
    send_code(halfway, "dinh.tam", old, address=ATTACKER)

    page = secretary.get(reverse("org:members.detail", args=[member.pk])).text
    with django_capture_on_commit_callbacks(execute=True):
        renewed = secretary.post(reverse("org:members.setup_code", args=[member.pk]))
    new = re.search(r'<code id="setup-code"[^>]*>([^<]+)</code>', renewed.text).group(1)
    finished = choose_password(halfway, address=ATTACKER)
    with_old = send_code(Client(), "dinh.tam", old)
    phone = Client()
    with_new = send_code(phone, "dinh.tam", new)

    assert reverse("org:members.setup_code", args=[member.pk]) in page
    assert renewed.status_code == 200 and new != old
    assert finished["Location"] == reverse("accounts:activate")
    assert INVALID in with_old.text
    assert with_new.status_code == 302 and choose_password(phone).status_code == 302
    assert logged_in_as(phone) == "dinh.tam"


def test_the_wrong_answer_does_not_tell_which_part_was_wrong(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)

    answers = [send_code(Client(), username, typed, address=f"192.0.2.{number}")
               for number, (username, typed) in enumerate([("dinh.tam", other_guess(code)), ("nobody.here", code),
                                                           ("member", code), ("dinh.tam", "")], start=1)]

    errors = [re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', answer.text, re.S) for answer in answers[:3]]
    assert all(answer.status_code == 200 for answer in answers)
    assert errors[0] == errors[1] == errors[2] and INVALID in errors[0][0]


# --- guessing -------------------------------------------------------------------------------------------------

def test_guessing_a_code_is_limited_like_the_login_and_the_owner_is_not_locked_out(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    guesser = Client()

    answers = [send_code(guesser, "dinh.tam", other_guess(code), address=ATTACKER).status_code for _ in range(8)]
    right_but_refused = send_code(guesser, "dinh.tam", code, address=ATTACKER)
    owner = Client()
    owner_answer = send_code(owner, "dinh.tam", code, address=OWNER)

    assert answers[:4] == [200] * 4 and set(answers[4:]) == {429}
    assert right_but_refused.status_code == 429 and "Quá nhiều lần thử" in right_but_refused.text
    assert right_but_refused["Retry-After"] == "900"
    assert owner_answer.status_code == 302
    failures = AuditEntry.objects.filter(action="accounts.setup_code.failed")
    assert failures.count() >= 5 and all(entry.changes["address"] == ATTACKER for entry in failures)


def test_code_guesses_and_password_guesses_share_one_count(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    guesser = Client()
    for _ in range(3):
        guesser.post(reverse("accounts:login"), {"username": "dinh.tam", "password": "đoán mò"}, REMOTE_ADDR=ATTACKER)
    for _ in range(2):
        send_code(guesser, "dinh.tam", other_guess(code), address=ATTACKER)

    answer = send_code(guesser, "dinh.tam", code, address=ATTACKER)

    assert answer.status_code == 429


def test_a_copy_of_the_database_holds_no_usable_code(cast, capsys):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    # A near miss is typed and counted: the throttle's record must not keep what was typed either.
    near_miss = code[:-1] + next(letter for letter in accounts.SETUP_CODE_ALPHABET if letter != code[-1])
    send_code(Client(), "dinh.tam", near_miss, address=ATTACKER)

    call_command("dumpdata")
    copy = capsys.readouterr().out

    bare = code.replace("-", "")
    assert bare not in copy and code not in copy and bare[:8] not in copy
    row = SetupCode.objects.get(user__username="dinh.tam")
    assert row.code_hash and bare not in row.code_hash


def test_issue_and_use_are_audited_without_the_code(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, code = open_by_code(cast.client("secretary"), member)
    phone = Client()
    send_code(phone, "dinh.tam", code)
    choose_password(phone)

    entries = {entry.action: entry for entry in AuditEntry.objects.filter(action__startswith="accounts.setup_code")}

    assert entries["accounts.setup_code.issue"].actor == cast.users["secretary"]
    assert entries["accounts.setup_code.use"].actor.username == "dinh.tam"
    assert all(code.replace("-", "") not in str(entry.changes) for entry in entries.values())


# --- who may give a code ---------------------------------------------------------------------------------------

def test_only_those_who_may_open_the_login_give_a_new_code(cast):
    member = make_member(cast.cell, "Đinh Văn Tám")
    _sheet, _code = open_by_code(cast.client("secretary"), member)
    url = reverse("org:members.setup_code", args=[member.pk])

    answers = {who: cast.client(who).post(url).status_code
               for who in ("member", "sibling", "unrelated_staff", "inspector")}
    page = cast.client("member").get(reverse("org:members.detail", args=[member.pk])).text

    assert answers == {"member": 403, "sibling": 404, "unrelated_staff": 404, "inspector": 403}
    assert url not in page
    assert SetupCode.objects.get(user__username="dinh.tam").issue == 1


def test_no_code_for_a_login_whose_password_is_chosen(cast):
    secretary = cast.client("secretary")
    url = reverse("org:members.setup_code", args=[cast.members["member"].pk])

    page = secretary.get(reverse("org:members.detail", args=[cast.members["member"].pk])).text
    answer = secretary.post(url, follow=True)

    assert url not in page
    assert "Tài khoản này đã có mật khẩu" in answer.text
    assert not SetupCode.objects.exists()


def test_a_superusers_login_never_gets_a_code(cast):
    admin_member = make_member(cast.cell, "Quản Trị Viên")
    root = UserFactory(username="root.thon1", is_superuser=True)
    root.set_unusable_password()
    root.save()
    org_services.link_account(admin_member, user=root, by=SYSTEM)

    answer = cast.client("secretary").post(reverse("org:members.setup_code", args=[admin_member.pk]))

    assert answer.status_code == 302
    assert not SetupCode.objects.exists()
