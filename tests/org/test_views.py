import pytest

from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.models import Member, Unit


def test_search_ignores_diacritics(cast):
    response = cast.client("secretary").get("/members/search/", {"q": "tran thi"})

    assert "Trần Thị Bình" in response.text


def test_search_never_returns_other_cells(cast):
    response = cast.client("sibling").get("/members/search/", {"q": "tran thi binh"})

    assert response.status_code == 200
    assert "Trần Thị Bình" not in response.text
    assert response.context["page"].paginator.count == 0


def test_member_page_hides_personal_data_from_colleagues(cast):
    response = cast.client("secretary").get(f"/members/{cast.members['member'].pk}/")
    colleague = cast.client("member").get(f"/members/{cast.members['secretary'].pk}/")

    assert "001190000001" in response.text
    assert colleague.status_code == 200
    assert "Citizen ID" not in colleague.text and "Số CCCD" not in colleague.text


def test_member_edit_keeps_input_on_error(cast):
    member = cast.members["member"]

    response = cast.client("secretary").post(f"/members/{member.pk}/edit/", {
        "full_name": "Trần Thị Bình Mới", "citizen_id": "12ab", "version": member.version})

    assert response.status_code == 200
    assert 'value="Trần Thị Bình Mới"' in response.text
    assert Member.objects.get(pk=member.pk).full_name == "Trần Thị Bình"


def test_member_edit_stale_version_shows_conflict(cast):
    member = cast.members["member"]
    client = cast.client("secretary")
    client.post(f"/members/{member.pk}/edit/", {"full_name": "Trần Thị Bình", "phone": "0900000001",
                                                "version": member.version})

    response = client.post(f"/members/{member.pk}/edit/", {"full_name": "Trần Thị Bình", "phone": "0900000002",
                                                           "version": member.version})

    assert response.status_code == 200
    assert Member.objects.get(pk=member.pk).phone == "0900000001"
    assert 'class="errorlist' in response.text


def test_unit_move_form_refuses_cycle_with_message(cast, django_user_model):
    admin = django_user_model.objects.create_user("root", is_superuser=True)
    client = cast.client("anonymous")
    client.force_login(admin)

    response = client.post(f"/units/{cast.commune.pk}/move/", {"new_parent": cast.cell.pk})

    assert response.status_code == 200
    assert Unit.objects.get(pk=cast.commune.pk).parent == cast.province


@pytest.mark.parametrize("who", ["member", "inspector"])
def test_member_create_forbidden_for_readers(cast, who):
    response = cast.client(who).post(f"/units/{cast.cell.pk}/new-member/", {"full_name": "X Y", "status": "official"})

    assert response.status_code == 403
    assert not Member.objects.filter(full_name="X Y").exists()


def test_member_create_by_secretary(cast):
    response = cast.client("secretary").post(f"/units/{cast.cell.pk}/new-member/", {
        "full_name": "  Đỗ   Văn   Giang ", "status": "official", "date_of_birth": "05/06/1990"})

    member = Member.objects.get(full_name="Đỗ Văn Giang")
    assert response.status_code == 302 and response["Location"] == f"/members/{member.pk}/"
    assert member.date_of_birth.isoformat() == "1990-06-05"


def test_unit_history_shows_changes(cast):
    client = cast.client("parent_staff")
    client.post(f"/units/{cast.cell.pk}/edit/", {"kind": cast.cell.kind_id, "code": cast.cell.code,
                                                 "name": "Chi bộ Thôn Một", "version": cast.cell.version})

    response = client.get(f"/units/{cast.cell.pk}/history/")

    assert "<td>Thông tin của đơn vị được sửa.</td>" in response.text
    assert "Chi bộ Thôn 1 → Chi bộ Thôn Một" in response.text


def test_healthz_checks_database(client, db):
    response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": "ok"}


def test_vietnamese_is_the_default_language(cast):
    response = cast.client("anonymous").get("/accounts/login/", headers={"accept-language": "en-US"})

    assert response["Content-Language"] == "vi"


def test_language_switch_is_remembered_on_the_account(cast):
    client = cast.client("member")

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    user = type(cast.users["member"]).objects.get(pk=cast.users["member"].pk)
    assert user.language == "en"
    assert client.get("/")["Content-Language"] == "en"


def test_member_account_creation_emails_a_set_password_link(cast, django_capture_on_commit_callbacks):
    from django.core import mail

    other = cast.members["other"]
    services.update_member(other, email="em@example.org", by=SYSTEM)
    client = cast.client("anonymous")
    client.force_login(cast.users["unrelated_staff"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/members/{other.pk}/account/", {"username": "hoang.em",
                                                                 "email": "attacker@example.org"})

    assert response.status_code == 302
    assert Member.objects.get(pk=other.pk).user.username == "hoang.em"
    assert [message.to for message in mail.outbox] == [["em@example.org"]]
    assert "/accounts/password-reset/" in mail.outbox[0].body
    assert "hoang.em" in mail.outbox[0].body


def test_grants_page_staff_grants_and_revokes(cast):
    client = cast.client("parent_staff")

    client.post(f"/units/{cast.sibling_cell.pk}/grants/", {"username": "member", "role": "inspector"})
    grant = cast.sibling_cell.role_grants.get(user=cast.users["member"])
    client.post(f"/units/{cast.sibling_cell.pk}/grants/{grant.pk}/revoke/")

    assert not cast.sibling_cell.role_grants.filter(user=cast.users["member"]).exists()


def test_grants_page_forbidden_for_secretary(cast):
    assert cast.client("secretary").get(f"/units/{cast.cell.pk}/grants/").status_code == 403


def test_unit_page_shows_changes_made_after_it_was_cached(cast):
    from soisua.org import services as org_services

    client = cast.client("secretary")
    client.get(f"/units/{cast.cell.pk}/")

    org_services.update_member(cast.members["member"], full_name="Trần Thị Bình An", by=cast.users["secretary"])
    org_services.change_member_status(cast.members["secretary"], status="exempt", by=cast.users["parent_staff"])
    page = client.get(f"/units/{cast.cell.pk}/").text
    commune = cast.client("parent_staff").get(f"/units/{cast.commune.pk}/").text

    assert "Trần Thị Bình An" in page
    assert "Miễn công tác" in page
    assert '<p class="number">3</p>' in commune


def test_access_scope_follows_new_grants_in_the_same_process(cast):
    client = cast.client("unrelated_staff")
    assert client.get(f"/units/{cast.cell.pk}/").status_code == 404

    from soisua.org import services as org_services

    org_services.grant_role(cast.users["unrelated_staff"], unit=cast.commune, role="inspector", by=SYSTEM)

    assert client.get(f"/units/{cast.cell.pk}/").status_code == 200


def test_member_post_end_closes_post(cast):
    post = cast.members["secretary"].posts.get()

    cast.client("parent_staff").post(f"/members/{cast.members['secretary'].pk}/posts/{post.pk}/end/")

    post.refresh_from_db()
    assert post.ended_on is not None


def test_member_edit_sets_residence_cell(cast):
    member = cast.members["member"]

    cast.client("parent_staff").post(f"/members/{member.pk}/edit/", {
        "full_name": member.full_name, "residence_cell": cast.sibling_cell.pk, "version": member.version})

    assert Member.objects.get(pk=member.pk).residence_cell == cast.sibling_cell


def test_member_edit_residence_cell_outside_scope_is_refused(cast):
    member = cast.members["member"]

    response = cast.client("secretary").post(f"/members/{member.pk}/edit/", {
        "full_name": member.full_name, "residence_cell": cast.other_cell.pk, "version": member.version})

    assert response.status_code == 200
    assert Member.objects.get(pk=member.pk).residence_cell is None


def test_cached_unit_page_carries_a_working_csrf_token(cast):
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["secretary"])
    client.get(f"/units/{cast.cell.pk}/")

    page = client.get(f"/units/{cast.cell.pk}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})

    assert "placeholder" not in page.text
    assert response.status_code == 302
    assert type(cast.users["secretary"]).objects.get(username="secretary").language == "en"


def test_unit_page_flash_message_is_not_cached(cast):
    client = cast.client("parent_staff")
    client.post(f"/units/{cast.cell.pk}/edit/", {"kind": cast.cell.kind_id, "code": cast.cell.code,
                                                 "name": "Chi bộ Thôn Một", "version": cast.cell.version})

    first = client.get(f"/units/{cast.cell.pk}/").text
    second = client.get(f"/units/{cast.cell.pk}/").text

    assert 'class="messages"' in first
    assert 'class="messages"' not in second


def test_unit_page_offers_move_only_to_administrators_of_the_parent(cast):
    commune_page = cast.client("parent_staff").get(f"/units/{cast.commune.pk}/").text
    cell_page = cast.client("parent_staff").get(f"/units/{cast.cell.pk}/").text

    assert f"/units/{cast.commune.pk}/move/" not in commune_page
    assert f"/units/{cast.cell.pk}/move/" in cell_page
