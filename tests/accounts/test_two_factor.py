"""Two-factor login (docs/security.md, "Two-factor login and sessions"): who must use it, the set-up and code pages,
recovery codes, the limit on wrong codes, and that neither the API, a password reset nor a set-up code gets around
it. Codes are computed from the device's key on the suite's clock (tests/conftest.py)."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from soisua.accounts import policy, two_factor
from soisua.accounts import services as accounts
from soisua.accounts.models import User
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org import access
from soisua.org import services as org
from soisua.org.enums import PostKind, Role
from soisua.org.models import RoleGrant
from soisua.org.services import OrgError
from tests.conftest import login_without_code
from tests.factories import PASSWORD, UserFactory, make_member

SETUP = "/accounts/two-factor/set-up/"
VERIFY = "/accounts/two-factor/verify/"


def code(user: User, *, step_offset: int = 0) -> str:
    return two_factor.current_code(two_factor.confirmed_device(user), step_offset=step_offset)


def without_device(user: User) -> User:
    TOTPDevice.objects.filter(user=user).delete()
    return user


def password_login(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def actions(user: User) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))
                .order_by("id").values_list("action", flat=True))


@pytest.mark.parametrize(("who", "required"), [
    ("committee", True), ("parent_staff", True), ("inspector", True), ("admin", True), ("superuser", True),
    ("member", False), ("secretary", False), ("sibling", False)])
def test_two_factor_is_required_for_subtree_roles_and_superusers_only(cast, who, required):
    assert policy.requires_two_factor(cast.users[who]) is required


def test_two_factor_is_required_for_django_staff_and_for_a_committee_post(cast):
    staff = UserFactory(username="django.staff", is_staff=True)
    holder = UserFactory(username="uy.vien")
    member = make_member(cast.cell, "Đinh Văn Ủy", user=holder)

    org.assign_post(member, unit=cast.commune, kind=PostKind.COMMITTEE_MEMBER, by=SYSTEM)

    assert policy.requires_two_factor(staff)
    assert policy.requires_two_factor(User.objects.get(pk=holder.pk))


def test_the_required_roles_are_a_setting(cast, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = [Role.ADMIN]

    assert policy.requires_two_factor(cast.users["admin"])
    assert not policy.requires_two_factor(cast.users["committee"])


@pytest.mark.parametrize("who", ["committee", "parent_staff", "inspector", "admin", "superuser"])
def test_a_required_login_without_authenticator_is_sent_to_set_up_keeping_next(cast, who):
    client = Client()
    login_without_code(client, without_device(cast.users[who]))

    response = client.get(f"/units/{cast.commune.pk}/?tab=members")

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Funits%2F{cast.commune.pk}%2F%3Ftab%3Dmembers"


def test_an_unverified_session_with_an_authenticator_is_sent_to_the_code_page(cast):
    client = Client()
    login_without_code(client, cast.users["committee"])

    page = client.get("/")
    tokens = client.get(reverse("accounts:tokens"))

    assert page["Location"] == f"{VERIFY}?next=%2F"
    assert tokens["Location"].startswith(VERIFY)


def test_only_logout_language_health_and_the_code_pages_are_reachable_before_the_code(cast):
    client = Client()
    login_without_code(client, cast.users["admin"])

    assert client.get(VERIFY).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.get(reverse("accounts:security")).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_member_is_not_asked_until_they_turn_it_on(cast):
    member = cast.users["member"]
    here, elsewhere = Client(), Client()
    login_without_code(here, member)
    login_without_code(elsewhere, member)
    assert here.get("/").status_code == 200 and elsewhere.get("/").status_code == 200

    here.get(SETUP)
    device = TOTPDevice.objects.get(user=member)
    here.post(SETUP, {"code": two_factor.current_code(device)})

    assert here.get("/").status_code == 200  # the session that set it up goes on
    assert elsewhere.get("/")["Location"].startswith("/accounts/login/")  # opened without it: ended
    assert password_login(member).get("/")["Location"] == f"{VERIFY}?next=%2F"


def test_a_member_given_a_subtree_role_is_asked_to_set_up_in_the_same_session(cast):
    member = cast.users["member"]
    client = Client()
    login_without_code(client, member)
    assert client.get("/").status_code == 200

    org.grant_role(member, unit=cast.commune, role=Role.INSPECTOR, by=SYSTEM)

    assert client.get("/")["Location"] == f"{SETUP}?next=%2F"


def test_set_up_shows_the_qr_code_and_key_then_ten_recovery_codes_and_verifies_the_session(cast):
    user = without_device(cast.users["committee"])
    client = Client()
    login_without_code(client, user)

    page = client.get(f"{SETUP}?next=/units/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": two_factor.current_code(device), "next": "/units/"})

    assert "<svg" in page.text and two_factor.secret_of(device) in page.text
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", two_factor.secret_of(device))
    codes = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", response.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert not StaticToken.objects.filter(token__in=codes).exists()  # only keyed hashes are kept
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/units/").status_code == 200
    assert actions(user)[-2:] == ["accounts.two_factor.set_up", "accounts.two_factor.recovery_codes"]


def test_a_wrong_first_code_confirms_nothing(cast):
    user = without_device(cast.users["committee"])
    client = Client()
    login_without_code(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SETUP, {"code": f"{(int(two_factor.current_code(device)) + 1) % 10**6:06d}"})

    assert response.status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 302
    assert actions(user)[-1] == "accounts.two_factor.failed"


def test_a_password_alone_cannot_replace_the_authenticator(cast):
    user = cast.users["committee"]
    client = Client()
    login_without_code(client, user)

    response = client.get(SETUP)

    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_login_with_password_then_code_lands_where_it_was_going(cast):
    user = cast.users["admin"]
    client = password_login(user)

    response = client.post(VERIFY, {"code": code(user), "next": "/units/"})

    assert response["Location"] == "/units/"
    assert client.get("/units/").status_code == 200
    assert "accounts.login" in actions(user)


def test_the_code_page_refuses_an_outside_next(cast):
    user = cast.users["admin"]
    client = password_login(user)

    response = client.post(VERIFY, {"code": code(user), "next": "https://example.com/"})

    assert response["Location"] == reverse("org:dashboard")


def test_a_wrong_code_is_refused_and_audited_without_the_code(cast):
    user = cast.users["admin"]
    client = password_login(user)

    response = client.post(VERIFY, {"code": "000000" if code(user) != "000000" else "111111"})

    assert response.status_code == 200
    assert client.get("/")["Location"].startswith(VERIFY)
    entry = AuditEntry.objects.filter(action="accounts.two_factor.failed").get()
    assert entry.actor is None and "000000" not in str(entry.changes) and "111111" not in str(entry.changes)


def test_a_recovery_code_works_once(cast):
    user = without_device(cast.users["inspector"])
    device = two_factor.start_setup(user, by=user)
    recovery = two_factor.confirm_setup(user, device=device, code=two_factor.current_code(device), by=user)[0]
    first, second = password_login(user), password_login(user)

    used = first.post(VERIFY, {"code": recovery.lower().replace("-", " ")})
    again = second.post(VERIFY, {"code": recovery})

    assert used.status_code == 302 and first.get("/").status_code == 200
    assert again.status_code == 200 and second.get("/").status_code == 302
    assert two_factor.recovery_codes_left(user) == 9
    assert "accounts.two_factor.recovery_used" in actions(user)


def test_new_recovery_codes_void_the_old_ones(cast, _fixed_clock):
    user = without_device(cast.users["inspector"])
    device = two_factor.start_setup(user, by=user)
    old = two_factor.confirm_setup(user, device=device, code=two_factor.current_code(device), by=user)
    client = Client()
    client.force_login(user)

    page = client.post(reverse("accounts:two_factor.recovery_codes"))

    new = re.findall(r"<li><code>([A-Z0-9-]+)</code></li>", page.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert password_login(user).post(VERIFY, {"code": old[0]}).status_code == 200
    _fixed_clock.shift(2)  # django-otp makes each device wait a little after a wrong code
    assert password_login(user).post(VERIFY, {"code": new[0]}).status_code == 302


def test_codes_are_limited_per_login_even_the_right_one(cast, settings, _fixed_clock):
    user = cast.users["admin"]
    client = password_login(user)
    wrong = "000000" if code(user) != "000000" else "111111"
    for _ in range(settings.TWO_FACTOR_FAILURE_LIMIT):
        client.post(VERIFY, {"code": wrong})

    refused = client.post(VERIFY, {"code": code(user)})
    elsewhere = password_login(user).post(VERIFY, {"code": code(user)}, REMOTE_ADDR="198.51.100.9")
    _fixed_clock.shift(settings.TWO_FACTOR_COOLOFF_MINUTES * 60 + 1)
    later = client.post(VERIFY, {"code": code(user)})

    assert refused.status_code == 429 and elsewhere.status_code == 429
    assert later.status_code == 302


def test_the_session_api_refuses_an_unverified_session(cast):
    client = Client()
    login_without_code(client, cast.users["committee"])

    response = client.get(f"/api/units/{cast.commune.pk}")

    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    assert "mã" in response.json()["detail"]  # in the user's language (Vietnamese)


def test_the_session_api_answers_a_verified_session(cast):
    assert cast.client("committee").get(f"/api/units/{cast.commune.pk}").status_code == 200


def test_a_token_of_a_login_that_must_but_did_not_set_up_two_factor_is_refused(cast):
    user = cast.users["parent_staff"]
    token = accounts.issue_api_token(user, name="bảng tính", scope="read", by=SYSTEM)
    without_device(user)

    refused = Client().get(f"/api/units/{cast.commune.pk}", headers={"authorization": f"Bearer {token}"})
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    allowed = Client().get(f"/api/units/{cast.commune.pk}", headers={"authorization": f"Bearer {token}"})

    assert refused.status_code == 403 and refused.json()["code"] == "two_factor_not_set_up"
    assert allowed.status_code == 200


def test_a_password_reset_neither_verifies_nor_removes_the_authenticator(cast):
    user = cast.users["admin"]
    user.email = "admin@example.org"
    user.save(update_fields=["email"])
    client = Client()
    client.post("/accounts/password-reset/", {"email": "admin@example.org"})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)

    client.post(form.redirect_chain[-1][0], {"new_password1": "a new long passphrase 42",
                                             "new_password2": "a new long passphrase 42"})
    client.post("/accounts/login/", {"username": "admin", "password": "a new long passphrase 42"})

    assert client.get("/")["Location"].startswith(VERIFY)
    assert two_factor.has_two_factor(user)


def test_a_set_up_code_logs_in_without_the_second_factor(cast):
    user = UserFactory(username="uy.vien.moi", password=None)
    user.set_unusable_password()
    user.save()
    org.grant_role(user, unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)
    issued = accounts.issue_setup_code(user, by=SYSTEM)
    client = Client()

    client.post(reverse("accounts:activate"), {"username": user.username, "code": issued.code})
    activated = client.post(reverse("accounts:activate.password"), {"new_password1": "Nhà-văn-hóa-thôn-1-2026",
                                                                    "new_password2": "Nhà-văn-hóa-thôn-1-2026"})

    assert activated.status_code == 302
    assert client.get(activated["Location"])["Location"].startswith(SETUP)


def test_turning_off_needs_a_code_and_a_role_that_allows_it(cast):
    member = cast.users["member"]
    device = two_factor.start_setup(member, by=member)
    two_factor.confirm_setup(member, device=device, code=two_factor.current_code(device), by=member)
    client = Client()
    client.force_login(member)
    admin = cast.client("admin")

    wrong = client.post(reverse("accounts:two_factor.off"), {"code": "ABCDE-FGHJK"})
    still_on = two_factor.has_two_factor(member)
    client.post(reverse("accounts:two_factor.off"), {"code": two_factor.current_code(device, step_offset=1)})
    admin.post(reverse("accounts:two_factor.off"), {"code": code(cast.users["admin"])})

    assert wrong.status_code == 302 and still_on
    assert not two_factor.has_two_factor(member)
    assert "accounts.two_factor.turned_off" in actions(member)
    assert two_factor.has_two_factor(cast.users["admin"])


def test_log_out_everywhere_ends_the_other_sessions_and_keeps_this_one(cast):
    user = cast.users["committee"]
    here, elsewhere = cast.client("committee"), cast.client("committee")

    response = here.post(reverse("accounts:log_out_everywhere"))

    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith("/accounts/login/")
    assert "accounts.sessions.logged_out_everywhere" in actions(user)


def test_a_session_ends_after_its_idle_time(cast, settings, _fixed_clock):
    settings.SESSION_IDLE_MINUTES = 30
    client = cast.client("member")
    assert client.get("/").status_code == 200

    _fixed_clock.shift(20 * 60)
    kept = client.get("/")
    _fixed_clock.shift(45 * 60)
    ended = client.get("/")

    assert kept.status_code == 200
    assert ended["Location"] == "/accounts/login/?next=/"


def test_a_session_ends_at_its_age_however_busy(cast, settings, _fixed_clock):
    settings.SESSION_COOKIE_AGE = 3600
    client = cast.client("member")

    for _ in range(3):
        _fixed_clock.shift(25 * 60)
        last = client.get("/")

    assert last["Location"].startswith("/accounts/login/")


def test_the_security_page_shows_the_state_and_actions(cast):
    page = cast.client("admin").get(reverse("accounts:security"))

    assert page.status_code == 200
    assert reverse("accounts:log_out_everywhere") in page.text
    assert reverse("accounts:two_factor.off") not in page.text  # required: cannot be turned off


def test_an_administrator_resets_a_role_holders_two_factor_from_the_roles_page(cast):
    committee = cast.users["committee"]
    grant = RoleGrant.objects.get(user=committee, unit=cast.commune)
    held = cast.client("committee")

    response = cast.client("admin").post(
        reverse("org:units.grants.reset_two_factor", args=[cast.commune.pk, grant.pk]))

    assert response.status_code == 302
    assert not two_factor.has_two_factor(committee)
    assert held.get("/")["Location"].startswith("/accounts/login/")  # the sessions ended
    assert password_login(committee).get("/")["Location"].startswith(SETUP)
    entry = AuditEntry.objects.get(action="accounts.two_factor.reset")
    assert entry.actor == cast.users["admin"]
    assert Notification.objects.filter(recipient=committee, kind="accounts.two_factor_reset").exists()


@pytest.mark.parametrize(("who", "target", "allowed"), [
    ("admin", "committee", True), ("parent_staff", "inspector", True), ("admin", "member", True),
    ("unrelated_staff", "committee", False), ("committee", "inspector", False), ("secretary", "member", False),
    ("admin", "admin", False), ("admin", "superuser", False), ("superuser", "admin", True)])
def test_who_may_reset_someones_two_factor(cast, who, target, allowed):
    by, login = cast.users[who], cast.users[target]

    assert access.may_reset_two_factor(by, login) is allowed
    if not allowed:
        with pytest.raises(OrgError):
            org.reset_two_factor(login, by=by)
        assert two_factor.has_two_factor(login) or not policy.requires_two_factor(login)


def test_an_operator_resets_a_superusers_two_factor_from_the_command_line(cast):
    superuser = cast.users["superuser"]

    call_command("reset_two_factor", "superuser", stdout=io.StringIO())

    assert not two_factor.has_two_factor(superuser)
    assert AuditEntry.objects.get(action="accounts.two_factor.reset").actor_label == "system"
    assert Notification.objects.filter(recipient=superuser, kind="accounts.two_factor_reset").exists()
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "superuser", stdout=io.StringIO())  # nothing left to reset


def test_the_first_administrator_sets_up_two_factor_then_reaches_the_first_run_set_up(db):
    call_command("createsuperuser", "--noinput", "--username", "quantri", "--email", "quantri@example.org",
                 stdout=io.StringIO())
    user = User.objects.get(username="quantri")
    user.set_password(PASSWORD)
    user.save()
    client = password_login(user)

    sent = client.get("/")
    client.get(sent["Location"])
    device = TOTPDevice.objects.get(user=user)
    confirmed = client.post(SETUP, {"code": two_factor.current_code(device), "next": "/"})

    assert sent["Location"] == f"{SETUP}?next=%2F"
    assert confirmed.status_code == 200
    assert client.get("/")["Location"] == reverse("setup")
    assert client.get(reverse("setup")).status_code == 200
