"""A new password revokes the account's API tokens whatever path set it; a rehash of the same password at login
does not."""

from django.core.management import call_command
from django.test import Client

from soisua.accounts import services
from soisua.accounts.models import ApiToken, User
from soisua.audit.models import AuditEntry


def _api(token: str):
    return Client(headers={"authorization": f"Bearer {token}"}).get("/api/members/search?q=tran")


def test_changepassword_command_revokes_the_tokens(cast, monkeypatch):
    token = services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])
    assert _api(token).status_code == 200
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a new long passphrase 42")

    call_command("changepassword", "member")

    assert not ApiToken.objects.filter(user=cast.users["member"]).exists()
    assert _api(token).status_code == 401
    entry = AuditEntry.objects.get(action="accounts.api_token.revoke")
    assert entry.changes["reason"] == "password_changed"
    assert entry.actor is None and entry.actor_label == "system"


def test_a_password_saved_from_the_shell_revokes_the_tokens(cast):
    services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])
    user = User.objects.get(username="member")

    user.set_password("a new long passphrase 42")
    user.save()

    assert not ApiToken.objects.filter(user=user).exists()


def test_the_password_page_revokes_the_tokens_in_the_owners_name(cast, password):
    services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])

    cast.client("member").post("/accounts/password/", {
        "old_password": password, "new_password1": "a new long passphrase 42",
        "new_password2": "a new long passphrase 42"})

    entry = AuditEntry.objects.get(action="accounts.api_token.revoke")
    assert entry.actor == cast.users["member"] and entry.changes["reason"] == "password_changed"


def test_a_rehash_at_login_keeps_the_tokens(cast, password, settings):
    token = services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])
    old_hash = User.objects.get(username="member").password
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]

    response = Client().post("/accounts/login/", {"username": "member", "password": password})

    assert response.status_code == 302
    assert User.objects.get(username="member").password != old_hash  # upgraded to the preferred hasher
    assert _api(token).status_code == 200

