"""API tokens: their owner lists, creates and revokes them on /accounts/tokens/; they expire; a password change
or reset revokes them all; failed tokens are limited per address."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from soisua.accounts import services
from soisua.accounts.models import ApiToken
from soisua.audit.models import AuditEntry

TOKEN = re.compile(r"<code>(ss_[A-Za-z0-9_-]+)</code>")


def _api(token: str, address: str = "127.0.0.1", path: str = "/api/members/search?q=tran"):
    return Client(headers={"authorization": f"Bearer {token}"}).get(path, REMOTE_ADDR=address)


def test_tokens_page_lists_only_the_users_own_tokens(cast):
    services.issue_api_token(cast.users["member"], name="Bảng tính báo cáo", by=cast.users["member"])
    services.issue_api_token(cast.users["secretary"], name="Kịch bản của bí thư", by=cast.users["secretary"])

    page = cast.client("member").get("/accounts/tokens/")

    assert "Bảng tính báo cáo" in page.text
    assert "Kịch bản của bí thư" not in page.text
    assert "Mã truy cập API của đồng chí" in page.text
    assert "chưa dùng lần nào" in page.text
    expires = timezone.localtime(ApiToken.objects.get(user=cast.users["member"]).expires_at)
    assert expires.date() - timezone.localdate() == datetime.timedelta(days=90)
    assert f"{expires:%d/%m/%Y}" in page.text
    assert "no-store" in page["Cache-Control"]


def test_create_a_token_shows_it_once_and_it_works(cast):
    client = cast.client("member")

    created = client.post("/accounts/tokens/", {"name": "Báo cáo xã", "scope": "read", "days": "30"})
    token = TOKEN.search(created.text).group(1)
    later = client.get("/accounts/tokens/")
    used = _api(token)

    row = ApiToken.objects.get(user=cast.users["member"])
    assert row.name == "Báo cáo xã"
    assert abs(row.expires_at - row.created_at - datetime.timedelta(days=30)) < datetime.timedelta(seconds=1)
    assert "Đã tạo mã. Hãy sao chép ngay: mã chỉ hiển thị một lần." in created.text
    assert token not in later.text
    assert [item["full_name"] for item in used.json()["items"]] == ["Trần Thị Bình"]
    assert AuditEntry.objects.filter(action="accounts.api_token.issue", object_id=str(row.pk)).exists()


def test_create_refuses_a_lifetime_beyond_a_year_and_keeps_what_was_typed(cast):
    response = cast.client("member").post("/accounts/tokens/", {"name": "Báo cáo xã", "scope": "read", "days": "400"})

    assert response.status_code == 200
    assert 'value="Báo cáo xã"' in response.text
    assert not ApiToken.objects.exists()


def test_revoke_a_token_after_confirming(cast):
    token = services.issue_api_token(cast.users["member"], name="Cũ", by=cast.users["member"])
    row = ApiToken.objects.get()
    client = cast.client("member")

    page = client.get("/accounts/tokens/")
    response = client.post(f"/accounts/tokens/{row.pk}/revoke/", follow=True)

    assert f'action="/accounts/tokens/{row.pk}/revoke/"' in page.text
    assert "Đã thu hồi mã" in response.text
    assert not ApiToken.objects.exists()
    assert AuditEntry.objects.filter(action="accounts.api_token.revoke", object_id=str(row.pk)).exists()
    assert _api(token).status_code == 401


def test_nobody_revokes_someone_elses_token(cast):
    services.issue_api_token(cast.users["member"], name="Của đảng viên", by=cast.users["member"])
    row = ApiToken.objects.get()

    response = cast.client("secretary").post(f"/accounts/tokens/{row.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=row.pk).exists()


def test_expired_token_is_refused(cast):
    token = services.issue_api_token(cast.users["member"], name="Ngắn hạn", days=1, by=cast.users["member"])

    with time_machine.travel(datetime.timedelta(days=1, minutes=1)):
        response = _api(token)

    assert response.status_code == 401
    assert response.json() == {"detail": "Mã truy cập API này đã hết hạn. Hãy tạo mã mới trên trang Mã truy cập API.",
                               "code": "token_expired"}


def test_token_records_when_it_was_last_used(cast):
    token = services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])

    _api(token)

    assert ApiToken.objects.get().last_used_at is not None


def test_password_change_revokes_every_token(cast, password):
    token = services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])
    services.issue_api_token(cast.users["member"], name="Khác", by=cast.users["member"])

    response = cast.client("member").post("/accounts/password/", {
        "old_password": password, "new_password1": "a new long passphrase 42",
        "new_password2": "a new long passphrase 42"})

    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=cast.users["member"]).exists()
    revoked = AuditEntry.objects.filter(action="accounts.api_token.revoke", changes__reason="password_changed")
    assert revoked.count() == 2
    assert _api(token).status_code == 401


def test_password_reset_revokes_every_token(cast):
    token = services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])
    client = Client()
    client.post("/accounts/password-reset/", {"email": "member@example.org"})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)

    client.post(form.redirect_chain[-1][0], {"new_password1": "a new long passphrase 42",
                                             "new_password2": "a new long passphrase 42"})

    assert not ApiToken.objects.exists()
    assert _api(token).status_code == 401


def test_failed_tokens_are_limited_per_address(cast, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    good = services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])
    guesses = [_api(f"ss_guess{n}", "203.0.113.66").status_code for n in range(3)]

    refused = _api(good, "203.0.113.66")
    elsewhere = _api(good, "198.51.100.7")

    assert guesses == [401] * 3
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert refused.json()["detail"].startswith("Địa chỉ của đồng chí đã gửi quá nhiều mã truy cập API không hợp lệ.")
    assert refused["Retry-After"] == "900"
    assert elsewhere.status_code == 200


def test_failed_token_limit_ends_after_its_window(cast, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    good = services.issue_api_token(cast.users["member"], name="Báo cáo", by=cast.users["member"])
    for n in range(3):
        _api(f"ss_guess{n}", "203.0.113.66")

    with time_machine.travel(datetime.timedelta(minutes=16)):
        response = _api(good, "203.0.113.66")

    assert response.status_code == 200


def test_command_issues_a_token_with_a_lifetime(cast, capsys):
    call_command("issue_api_token", "member", "Kịch bản", "--days", "7")

    row = ApiToken.objects.get()
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert abs(row.expires_at - row.created_at - datetime.timedelta(days=7)) < datetime.timedelta(seconds=1)
    assert _api(token).status_code == 200


def test_create_a_read_write_token_limited_to_the_cell(cast):
    client = cast.client("secretary")

    form = client.get("/accounts/tokens/")
    created = client.post("/accounts/tokens/", {"name": "Sổ chi bộ", "scope": "read_write",
                                                "unit": str(cast.cell.pk), "days": "30"})

    row = ApiToken.objects.get(user=cast.users["secretary"])
    token = TOKEN.search(created.text).group(1)
    entry = AuditEntry.objects.get(action="accounts.api_token.issue", object_id=str(row.pk))
    assert f'<option value="{cast.cell.pk}">Chi bộ Thôn 1</option>' in form.text
    assert f'value="{cast.sibling_cell.pk}"' not in form.text
    assert (row.scope, row.unit_id) == ("read_write", cast.cell.pk)
    assert entry.changes["scope"] == "read_write" and entry.changes["unit"] == cast.cell.pk
    assert token not in str(entry.changes) and row.token_hash not in str(entry.changes)
    assert ('<td data-label="Được phép làm gì">Đọc và ghi</td><td data-label="Giới hạn trong">Chi bộ Thôn 1</td>'
            in created.text)


def test_the_list_names_a_tokens_scope_and_reach_and_shows_expired_ones(cast):
    services.issue_api_token(cast.users["member"], name="Cũ", days=1, scope="read", by=cast.users["member"])

    with time_machine.travel(datetime.timedelta(days=2)):
        page = cast.client("member").get("/accounts/tokens/")

    assert ('<td><strong>Cũ</strong></td><td data-label="Được phép làm gì">Chỉ đọc</td>'
            '<td data-label="Giới hạn trong">Mọi thứ đồng chí được xem</td>') in page.text
    assert "(đã hết hạn)" in page.text


def test_a_token_cannot_be_limited_to_a_unit_its_owner_does_not_see(cast):
    with pytest.raises(services.TokenError) as refused:
        services.issue_api_token(cast.users["secretary"], name="Thôn 2", unit_id=cast.sibling_cell.pk,
                                 by=cast.users["secretary"])
    response = cast.client("secretary").post("/accounts/tokens/", {
        "name": "Thôn 2", "scope": "read", "unit": str(cast.sibling_cell.pk), "days": "30"})

    assert refused.value.code == "unit_not_visible"
    assert refused.value.messages == ["Chỉ có thể giới hạn mã trong một đơn vị mà đồng chí được xem."]
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_revoking_records_the_scope_and_unit(cast):
    services.issue_api_token(cast.users["secretary"], name="Sổ", scope="read", unit_id=cast.cell.pk,
                             by=cast.users["secretary"])
    row = ApiToken.objects.get()

    cast.client("secretary").post(f"/accounts/tokens/{row.pk}/revoke/")

    entry = AuditEntry.objects.get(action="accounts.api_token.revoke", object_id=str(row.pk))
    assert (entry.changes["scope"], entry.changes["unit"]) == ("read", cast.cell.pk)


def test_command_issues_a_read_token_by_default_and_takes_a_scope_and_a_unit(cast, capsys):
    call_command("issue_api_token", "member", "Đọc")
    call_command("issue_api_token", "parent_staff", "Thôn 1", "--scope", "read_write", "--unit", "TN-HA-1")

    read = ApiToken.objects.get(user=cast.users["member"])
    limited = ApiToken.objects.get(user=cast.users["parent_staff"])
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert (read.scope, read.unit_id) == ("read", None)
    assert (limited.scope, limited.unit_id) == ("read_write", cast.cell.pk)
    assert _api(token, path=f"/api/units/{cast.cell.pk}").status_code == 200
    assert _api(token, path=f"/api/units/{cast.sibling_cell.pk}").status_code == 404


def test_command_refuses_a_unit_the_login_does_not_see(cast):
    with pytest.raises(CommandError) as refused:
        call_command("issue_api_token", "member", "Thôn 2", "--unit", "TN-HA-2")

    assert str(refused.value) == "Chỉ có thể giới hạn mã trong một đơn vị mà đồng chí được xem."
    assert not ApiToken.objects.exists()


def test_a_token_created_without_choosing_only_reads(cast):
    cast.client("member").post("/accounts/tokens/", {"name": "Báo cáo", "days": "30"})

    assert ApiToken.objects.get(user=cast.users["member"]).scope == "read"
