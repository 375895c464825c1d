"""Attacks on two-factor login, sessions, the audit chains, backups and the logs, each as the role that would try
it (the cast of tests/conftest.py). What the attacker must not get is asserted; docs/security.md describes each
defence and what it cannot do."""

import base64
import hashlib
import io
import json
import logging
import re
import tarfile
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from soisua.accounts import services as accounts
from soisua.accounts import two_factor
from soisua.accounts.models import User
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.org import services as org
from soisua.org.enums import Role
from tests.conftest import give_authenticator, login_without_code
from tests.core.test_logs import records  # noqa: F401 (the fixture: every record logged)
from tests.factories import PASSWORD

SETUP = "/accounts/two-factor/set-up/"
VERIFY = "/accounts/two-factor/verify/"


def password_login(user: User, *, address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code(user: User, *, step_offset: int = 0) -> str:
    return two_factor.current_code(two_factor.confirmed_device(user), step_offset=step_offset)


def code_from_secret(secret: str, *, step_offset: int = 0) -> str:
    """The code an authenticator app shows for the key typed from the set-up page."""
    key = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)), 30, 0, 6, 0)
    totp.time = time.time() + step_offset * 30
    return f"{totp.token():06d}"


def secret_on(page) -> str:
    return re.search(r"((?:[A-Z2-7]{4} )+[A-Z2-7]{1,4})", page.text).group(1)


def bearer(token: str) -> dict:
    return {"authorization": f"Bearer {token}"}


# --- the second factor, after the password step -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/units/", "/accounts/tokens/", "/accounts/password/", "/accounts/security/",
                                  "/setup/", "/documents/exports/1/file/", "/inbox/", "/reviews/",
                                  "/accounts/two-factor/recovery-codes/"])
def test_a_password_alone_reaches_no_page_of_a_committee_member(cast, path):
    client = Client()
    login_without_code(client, cast.users["committee"])

    response = client.get(path)

    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith(f"{VERIFY}?next=")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_password_alone_writes_nothing_through_the_pages_or_the_session_api(cast, method):
    user = cast.users["committee"]
    client = Client()
    login_without_code(client, user)
    before = accounts.tokens_with_units(user)

    page = client.post("/accounts/tokens/", {"name": "x", "days": 30, "scope": "read_write"})
    password = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Mới-rất-dài-42!",
                                                   "new_password2": "Mới-rất-dài-42!"})
    recovery = client.post("/accounts/two-factor/recovery-codes/")
    everywhere = client.post(reverse("accounts:log_out_everywhere"))
    api = getattr(client, method)(f"/api/units/{cast.commune.pk}", content_type="application/json")

    assert all(response["Location"].startswith(VERIFY) for response in (page, password, recovery, everywhere))
    assert api.status_code in (403, 405)
    assert list(accounts.tokens_with_units(user)) == list(before)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="accounts.two_factor.recovery_codes").exists()


def test_a_member_granted_a_committee_role_while_logged_in_is_stopped_at_the_next_request_and_on_the_api(cast):
    member = cast.users["member"]
    client = Client()
    login_without_code(client, member)
    assert client.get("/").status_code == 200
    assert client.get(f"/api/units/{cast.cell.pk}").status_code == 200

    org.grant_role(member, unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)

    assert client.get("/")["Location"].startswith(f"{SETUP}?next=")
    assert client.get(f"/api/units/{cast.commune.pk}").status_code == 403


def test_a_key_seen_by_a_password_alone_is_not_the_key_confirmed_later(cast):
    """Whoever knows only the password opens the set-up page and notes the key without confirming it; when the
    owner sets up two-factor login later, the app must get a key the other never saw."""
    member = cast.users["member"]
    attacker = password_login(member)
    seen = secret_on(attacker.get(SETUP))

    owner = password_login(member)
    shown = secret_on(owner.get(SETUP))
    owner.post(SETUP, {"code": code_from_secret(shown)})
    assert two_factor.has_two_factor(member)

    later = password_login(member)
    later.post(VERIFY, {"code": code_from_secret(seen, step_offset=1)})

    assert later.get("/").status_code == 302
    assert shown != seen


def test_an_api_token_made_with_a_password_alone_stops_when_the_role_that_needs_a_code_comes(cast):
    """A member's token (made without any second factor) must not carry a committee role granted later, once
    the member has set up the code: whoever stole the password then would hold the committee's API."""
    member = cast.users["member"]
    token = accounts.issue_api_token(member, name="sổ tay", scope="read", by=member)

    org.grant_role(member, unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)
    client = password_login(member)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    client.post(SETUP, {"code": two_factor.current_code(device)})
    assert two_factor.has_two_factor(member)

    response = Client().get(f"/api/units/{cast.commune.pk}", headers=bearer(token))

    assert response.status_code in (401, 403)


def test_a_used_code_is_refused_within_its_window(cast):
    user = cast.users["committee"]
    first = password_login(user)
    used = code(user)
    assert first.post(VERIFY, {"code": used})["Location"] == reverse("org:dashboard")

    second = password_login(user)
    response = second.post(VERIFY, {"code": used})

    assert response.status_code == 200
    assert second.get("/")["Location"].startswith(VERIFY)


def test_guessing_codes_from_many_addresses_stops_after_the_limit_and_even_the_right_code_waits(cast, settings):
    user = cast.users["inspector"]
    right = code(user)
    wrong = f"{(int(right) + 500000) % 10**6:06d}"
    answers = [password_login(user, address=f"10.0.0.{n}").post(VERIFY, {"code": wrong}).status_code
               for n in range(settings.TWO_FACTOR_FAILURE_LIMIT + 1)]

    late = password_login(user, address="10.0.1.1").post(VERIFY, {"code": right})

    assert answers[-1] == 429 and late.status_code == 429
    failed = AuditEntry.objects.filter(action="accounts.two_factor.failed")
    assert not any(wrong in json.dumps(entry.changes) for entry in failed)


def test_recovery_codes_are_kept_hashed_spent_once_and_replaced_all_at_once(cast):
    user = cast.users["member"]
    client = password_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    shown = client.post(SETUP, {"code": two_factor.current_code(device)})
    codes = re.findall(r"<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>", shown.text)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10
    assert not stored & {c for code_ in codes for c in (code_, code_.replace("-", ""))}

    again = client.get("/accounts/security/")
    assert not any(code_ in again.text for code_ in codes)  # shown once only

    first = password_login(user)
    assert first.post(VERIFY, {"code": codes[0]}).status_code == 302
    reused = password_login(user)
    assert reused.post(VERIFY, {"code": codes[0]}).status_code == 200

    client.post("/accounts/two-factor/recovery-codes/")
    old = password_login(user)
    assert old.post(VERIFY, {"code": codes[1]}).status_code == 200
    assert old.get("/")["Location"].startswith(VERIFY)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                    "https:evil.example", "\\\\evil.example", " //evil.example",
                                    "http://testserver@evil.example/"])
def test_the_code_and_set_up_pages_send_nobody_off_site(cast, target):
    user = cast.users["admin"]
    client = password_login(user)

    after_code = client.post(VERIFY, {"code": code(user), "next": target})
    already = client.get(VERIFY, {"next": target})

    for response in (after_code, already):
        assert response.status_code == 302
        assert response["Location"] == reverse("org:dashboard")


@pytest.mark.parametrize(("who", "target"), [
    ("admin", "admin_peer_above"), ("parent_staff", "admin"), ("unrelated_staff", "member"), ("admin", "admin")])
def test_an_administrator_resets_no_second_factor_above_outside_or_their_own(cast, who, target):
    if target == "admin_peer_above":  # a superuser, above every administrator
        target = "superuser"
    _by, login = cast.users[who], cast.users[target]
    grant = org.grant_role(login, unit=cast.province, role=Role.ADMIN, by=SYSTEM) if target != "admin" else None
    give_authenticator(login)

    client = cast.client(who)
    url = (reverse("org:units.grants.reset_two_factor", args=[grant.unit_id, grant.pk]) if grant else
           reverse("org:units.grants.reset_two_factor",
                   args=[cast.province.pk, login.role_grants.get(unit=cast.province).pk]))
    client.post(url)

    assert two_factor.has_two_factor(login)
    assert not AuditEntry.objects.filter(action="accounts.two_factor.reset").exists()


# --- sessions ------------------------------------------------------------------------------------------------------


def test_log_out_everywhere_drops_the_api_calls_of_another_session(cast):
    here, elsewhere = cast.client("committee"), cast.client("committee")
    assert elsewhere.get(f"/api/units/{cast.commune.pk}").status_code == 200

    here.post(reverse("accounts:log_out_everywhere"))

    assert elsewhere.get(f"/api/units/{cast.commune.pk}").status_code == 401
    assert here.get(f"/api/units/{cast.commune.pk}").status_code == 200


def test_a_session_stolen_before_a_password_change_stops_working(cast):
    user = cast.users["secretary"]
    owner, thief = cast.client("secretary"), Client()
    thief.cookies = owner.cookies.__class__(owner.cookies)  # a copy of the cookie
    assert thief.get("/").status_code == 200

    owner.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Mới-rất-dài-42!",
                                       "new_password2": "Mới-rất-dài-42!"})

    assert thief.get("/")["Location"].startswith("/accounts/login/")
    assert thief.get(f"/api/units/{cast.cell.pk}").status_code == 401
    assert owner.get("/").status_code == 200
    user.refresh_from_db()


def test_an_idle_session_ends_for_the_api_as_well(cast, settings, _fixed_clock):
    settings.SESSION_IDLE_MINUTES = 30
    client = cast.client("committee")
    assert client.get(f"/api/units/{cast.commune.pk}").status_code == 200

    _fixed_clock.shift(45 * 60)

    assert client.get(f"/api/units/{cast.commune.pk}").status_code == 401
    assert client.get("/")["Location"].startswith("/accounts/login/")


# --- what the audit trail and the logs keep of a failed login ------------------------------------------------------


def test_a_code_or_password_typed_into_the_user_name_is_not_kept(cast):
    user = cast.users["committee"]
    typed = code(user)
    Client().post("/accounts/login/", {"username": typed, "password": "x"})
    Client().post("/accounts/login/", {"username": PASSWORD, "password": PASSWORD})

    kept = json.dumps([entry.changes for entry in AuditEntry.objects.all()], ensure_ascii=False)
    labels = " ".join(AuditEntry.objects.values_list("object_label", flat=True))

    assert typed not in kept + labels
    assert PASSWORD not in kept + labels


def _text(caught) -> str:
    out = []
    for record in caught:
        try:
            out.append(record.getMessage())
        except Exception:  # a record whose arguments do not format still shows its message
            out.append(str(record.msg))
        if record.exc_info:
            out.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(out)


def test_failed_logins_and_codes_log_no_user_name_password_or_code(cast, records):  # noqa: F811
    user = cast.users["committee"]
    Client().post("/accounts/login/", {"username": "committee", "password": "sai-mật-khẩu-123"})
    client = password_login(user)
    right = code(user)
    client.post(VERIFY, {"code": f"{(int(right) + 1) % 10**6:06d}"})
    token = accounts.issue_api_token(user, name="t", scope="read", by=SYSTEM)
    Client().get("/api/units/1", headers=bearer(token + "x"))

    logged = _text(records)

    for secret in ("sai-mật-khẩu-123", PASSWORD, f"{(int(right) + 1) % 10**6:06d}", token):
        assert secret not in logged
    assert "Trần Thị Bình" not in logged


# --- backups -------------------------------------------------------------------------------------------------------


def _forged_archive(path, evil: tarfile.TarInfo, body: bytes = b"pwned") -> None:
    """An archive whose manifest and its sum are right, so that only the member's name or kind is wrong."""
    from soisua.core import backup

    database = b"SQLite format 3\x00"
    members = {backup.DATABASE_MEMBERS["sqlite"]: {"sha256": hashlib.sha256(database).hexdigest(),
                                                   "size": len(database)}}
    contents = {backup.DATABASE_MEMBERS["sqlite"]: database}
    if evil.isreg():
        members[evil.name] = {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
    manifest = json.dumps({"format": backup.FORMAT, "application": "soisua", "engine": "sqlite",
                           "database": backup.DATABASE_MEMBERS["sqlite"], "members": members}).encode()
    contents[backup.MANIFEST] = manifest
    contents[backup.MANIFEST_SUM] = hashlib.sha256(manifest).hexdigest().encode()
    with tarfile.open(path, "w:gz") as archive:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if evil.isreg():
            evil.size = len(body)
            archive.addfile(evil, io.BytesIO(body))
        else:
            archive.addfile(evil)


def _link(name: str, target: str, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


# Member names climbing out of the folders (written with the separator joined in, so these lines name no path).
UP = ".."


@pytest.mark.parametrize("evil", [
    "/".join(["media", UP, UP, "escaped.txt"]), "/".join([UP, "escaped.txt"]), "/var/soisua-escaped.txt",
    "/".join(["media", "a", UP, UP, UP, "escaped.txt"]), "\\".join(["media", UP, UP, "escaped.txt"]), "symlink",
    "hardlink", "device"])
def test_restore_refuses_an_archive_that_would_write_outside_its_folders(tmp_path, evil):
    from soisua.core import backup

    if evil == "symlink":
        info = _link("media/evidence.pdf", str(tmp_path / "escaped.txt"), tarfile.SYMTYPE)
    elif evil == "hardlink":
        info = _link("media/evidence.pdf", "/etc/passwd", tarfile.LNKTYPE)
    elif evil == "device":
        info = _link("media/evidence.pdf", "", tarfile.CHRTYPE)
    else:
        info = tarfile.TarInfo(evil)
    archive = tmp_path / "forged.tar.gz"
    _forged_archive(archive, info)
    database = tmp_path / "new.sqlite3"

    with pytest.raises(backup.BackupError, match="unexpected member"):
        backup.restore_backup(archive, database={"NAME": str(database)}, engine="sqlite",
                              media=tmp_path / "media-target")

    assert not database.exists()
    assert not (tmp_path / "media-target").exists() or not any((tmp_path / "media-target").iterdir())
    assert not any(tmp_path.parent.glob("escaped.txt")) and not (tmp_path / "escaped.txt").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_holds_no_secret_key_nor_raw_api_token_nor_recovery_code(cast, tmp_path, settings):
    from soisua.core import backup

    user = cast.users["committee"]
    token = accounts.issue_api_token(user, name="t", scope="read", by=SYSTEM)
    codes = two_factor.regenerate_recovery_codes(user, by=user)
    path = tmp_path / "b.tar.gz"
    backup.create_backup(path)

    with tarfile.open(path) as archive:
        content = b"".join(archive.extractfile(member).read() for member in archive if member.isreg())

    for secret in (settings.SECRET_KEY, token, *codes, *(c.replace("-", "") for c in codes)):
        assert secret.encode() not in content
