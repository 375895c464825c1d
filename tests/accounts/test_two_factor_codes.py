"""Typing codes on the two-factor pages as a person does: a code typed wrong is not shown back, and a right code
typed during django-otp's short pause after a wrong one is answered with how long to wait, not called wrong (it
counts against the limit like any refused code)."""

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from soisua.accounts import two_factor
from soisua.audit.models import AuditEntry
from tests.conftest import login_without_code
from tests.factories import PASSWORD

SETUP = "/accounts/two-factor/set-up/"
VERIFY = "/accounts/two-factor/verify/"


def password_login(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


def wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 10**6:06d}"


def failures(user) -> int:
    return AuditEntry.objects.filter(action="accounts.two_factor.failed", object_id=str(user.pk)).count()


def test_a_wrong_recovery_code_is_not_shown_back_on_the_code_page(cast):
    client = password_login(cast.users["admin"])

    response = client.post(VERIFY, {"code": "ABCDE-FGHJK"})

    assert response.status_code == 200
    assert "Mã không khớp" in response.text
    assert "ABCDE-FGHJK" not in response.text


def test_a_wrong_first_code_is_not_shown_back_on_the_set_up_page(cast):
    user = cast.users["committee"]
    TOTPDevice.objects.filter(user=user).delete()
    client = Client()
    login_without_code(client, user)
    client.get(SETUP)
    typed = wrong_code(two_factor.current_code(TOTPDevice.objects.get(user=user)))

    response = client.post(SETUP, {"code": typed})

    assert response.status_code == 200
    assert "Mã không khớp" in response.text
    assert f'value="{typed}"' not in response.text


def test_a_right_code_during_the_pause_after_a_wrong_one_is_told_to_wait(cast, _fixed_clock):
    user = cast.users["admin"]
    client = password_login(user)
    right = two_factor.current_code(two_factor.confirmed_device(user))
    client.post(VERIFY, {"code": wrong_code(right)})

    too_soon = client.post(VERIFY, {"code": right})
    _fixed_clock.shift(2)
    later = client.post(VERIFY, {"code": right})

    assert too_soon.status_code == 200
    assert "Mã không khớp" not in too_soon.text and "giây rồi nhập lại mã" in too_soon.text
    assert failures(user) == 2
    assert later.status_code == 302 and client.get("/").status_code == 200


def test_a_right_first_code_during_the_pause_is_told_to_wait(cast, _fixed_clock):
    user = cast.users["committee"]
    TOTPDevice.objects.filter(user=user).delete()
    client = Client()
    login_without_code(client, user)
    client.get(SETUP)
    right = two_factor.current_code(TOTPDevice.objects.get(user=user))
    client.post(SETUP, {"code": wrong_code(right)})

    too_soon = client.post(SETUP, {"code": right})
    _fixed_clock.shift(2)
    later = client.post(SETUP, {"code": right})

    assert "giây rồi nhập lại mã" in too_soon.text and failures(user) == 2
    assert 'class="recovery-codes"' in later.text
    assert TOTPDevice.objects.get(user=user).confirmed
