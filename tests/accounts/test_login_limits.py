"""Guessing is limited: logins per user name and address (and per address), password-reset requests per address
and per e-mail. Every request goes through the pages, as a browser would send it."""

import datetime
import json
import re

import time_machine
from django.core import mail
from django.test import Client

from soisua.audit.models import AuditEntry

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
WRONG = "wrong password"


def _login(client: Client, username: str, password: str, address: str):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_right_password_after_many_wrong_ones_is_refused(cast, password):
    client = Client()
    answers = [_login(client, "member", WRONG, ATTACKER).status_code for _ in range(30)]

    response = _login(client, "member", password, ATTACKER)

    assert answers[:4] == [200] * 4  # the form again, with its error
    assert set(answers[4:]) == {429}
    assert response.status_code == 429
    assert "Quá nhiều lần thử. Vui lòng thử lại sau 15 phút." in response.text
    assert response["Retry-After"] == "900"
    assert not _logged_in(client)


def test_owner_logs_in_from_another_address_while_the_guesser_is_locked_out(cast, password):
    for _ in range(6):
        _login(Client(), "member", WRONG, ATTACKER)
    owner = Client()

    response = _login(owner, "member", password, OWNER)

    assert response.status_code == 302
    assert _logged_in(owner)


def test_lockout_ends_after_the_cool_off(cast, password):
    client = Client()
    for _ in range(5):
        _login(client, "member", WRONG, ATTACKER)
    assert _login(client, "member", password, ATTACKER).status_code == 429

    with time_machine.travel(datetime.timedelta(minutes=16)):
        response = _login(client, "member", password, ATTACKER)

    assert response.status_code == 302
    assert _logged_in(client)


def test_one_address_trying_many_names_is_limited_for_every_name(cast, password, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 8
    for number in range(8):  # two tries at each of four names: no name reaches its own limit
        _login(Client(), f"guess{number // 2}", WRONG, ATTACKER)
    client = Client()

    refused = _login(client, "member", password, ATTACKER)
    elsewhere = _login(Client(), "member", password, OWNER)

    assert refused.status_code == 429
    assert not _logged_in(client)
    assert elsewhere.status_code == 302


def test_a_successful_login_forgets_that_accounts_failures(cast, password):
    client = Client()
    for _ in range(4):
        _login(client, "member", WRONG, OWNER)
    assert _login(client, "member", password, OWNER).status_code == 302
    client.post("/accounts/logout/")

    answers = [_login(client, "member", WRONG, OWNER).status_code for _ in range(4)]

    assert answers == [200] * 4


def test_each_failed_login_is_audited_without_the_password(cast):
    _login(Client(), "member", "hunter2-secret", ATTACKER)
    _login(Client(), "nobody-here", "hunter2-secret", ATTACKER)

    entries = list(AuditEntry.objects.filter(action="accounts.login.failed").order_by("id"))

    # A login's name is kept; any other text typed as a name only as a keyed digest, the same for each try.
    assert entries[0].changes["username"] == "member"
    assert re.fullmatch(r"\?[0-9a-f]{20}", entries[1].changes["username"])
    _login(Client(), "nobody-here", "other", ATTACKER)
    assert AuditEntry.objects.filter(action="accounts.login.failed").order_by("id").last().changes == entries[1].changes
    assert "nobody-here" not in json.dumps([entry.changes for entry in entries])
    assert entries[0].object_type == "accounts.user"
    assert entries[0].object_id == str(cast.users["member"].pk)
    assert {entry.changes["address"] for entry in entries} == {ATTACKER}
    assert "hunter2-secret" not in json.dumps([entry.changes for entry in entries])


def test_the_failure_that_locks_out_is_audited_as_such(cast):
    for _ in range(5):
        _login(Client(), "member", WRONG, ATTACKER)

    locked = [entry.changes["locked"] for entry in AuditEntry.objects.filter(action="accounts.login.failed")
              .order_by("id")]

    assert locked == [False] * 4 + [True]


def _reset(client: Client, email: str, address: str):
    return client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_reset_requests_are_limited_per_email(cast):
    answers = [_reset(Client(), "member@example.org", f"198.51.100.{n}").status_code for n in range(6)]

    assert answers == [302] * 5 + [429]
    assert len(mail.outbox) == 5


def test_password_reset_requests_are_limited_per_address(cast):
    answers = [_reset(Client(), f"someone{n}@example.org", ATTACKER).status_code for n in range(5)]

    refused = _reset(Client(), "member@example.org", ATTACKER)
    elsewhere = _reset(Client(), "member@example.org", OWNER)

    assert answers == [302] * 5
    assert refused.status_code == 429
    assert "Quá nhiều lần thử. Vui lòng thử lại sau 60 phút." in refused.text
    assert elsewhere.status_code == 302
    assert [message.to for message in mail.outbox] == [["member@example.org"]]


def test_password_reset_limit_ends_after_an_hour(cast):
    for _ in range(5):
        _reset(Client(), "member@example.org", ATTACKER)

    with time_machine.travel(datetime.timedelta(minutes=61)):
        response = _reset(Client(), "member@example.org", ATTACKER)

    assert response.status_code == 302
    assert len(mail.outbox) == 6
