"""Starting without the demo: on an installation without units, the first administrator is led to a page that
creates the top unit and, optionally, the units below it from a list (checked and shown first, then all or
nothing); the same from the command line, with the first login from `createsuperuser`."""

import re
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from soisua import cli
from soisua.audit.models import AuditEntry
from soisua.org.enums import Role
from soisua.org.models import RoleGrant, Unit
from tests.factories import UserFactory, kind

HEADER = "Mã đơn vị,Tên đơn vị,Mã loại,Mã đơn vị cấp trên"
TREE = ["TN-HA,Đảng ủy xã Hòa An,commune,TN", "TN-HA-1,Chi bộ Thôn 1,cell,TN-HA",
        "TN-KHOI,Đảng bộ Khối cơ quan tỉnh,bloc,TN", "TN-KHOI-VP,Chi bộ Văn phòng,grassroots_cell,TN-KHOI"]
TOP = {"name": "Đảng bộ tỉnh Thử nghiệm", "code": "TN", "abbreviation": "TU", "place": "Thử nghiệm"}


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_list(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("don-vi.csv", "\n".join([HEADER, *rows]).encode("utf-8"), content_type="text/csv")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def superuser(db):
    return UserFactory(username="quantri", is_superuser=True, is_staff=True)


def test_a_superuser_on_an_empty_installation_is_led_to_the_setup(superuser):
    client = client_of(superuser)

    home, tree = client.get("/"), client.get(reverse("org:tree"))
    page = client.get(reverse("setup"))

    assert home.status_code == tree.status_code == 302
    assert home["Location"] == tree["Location"] == reverse("setup")
    assert page.status_code == 200
    assert {item.code for item in page.context["form"].fields["kind"].queryset} == {"central", "province"}


def test_anyone_else_is_told_the_organisation_is_not_set_up(db):
    client = client_of(UserFactory(username="dangvien"))

    tree = client.get(reverse("org:tree"))
    setup = client.get(reverse("setup"))

    assert tree.status_code == 200
    assert "Tổ chức chưa được thiết lập" in text_of(tree)
    assert setup.status_code == 403


def test_the_top_unit_alone_is_created_at_once(superuser):
    client = client_of(superuser)

    response = client.post(reverse("setup"), TOP | {"kind": kind("province").pk})

    root = Unit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("org:units.detail", args=[root.pk])
    assert (root.code, root.kind.code, root.parent, root.abbreviation, root.province) == (
        "TN", "province", None, "TU", root)
    assert AuditEntry.objects.filter(action="documents.setup", object_id=str(root.pk), actor=superuser).exists()
    assert "Đã thiết lập hệ thống." in text_of(client.get(response["Location"]))


def test_a_kind_that_may_not_be_the_top_unit_is_not_offered(superuser):
    response = client_of(superuser).post(reverse("setup"), TOP | {"kind": kind("cell").pk})

    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not Unit.objects.exists()


def test_a_list_is_shown_first_then_everything_is_created(superuser):
    client = client_of(superuser)

    preview = client.post(reverse("setup"), TOP | {"kind": kind("province").pk, "file": csv_list(*TREE)})
    nothing_yet = not Unit.objects.exists()
    plan = re.search(r'name="plan" value="([^"]+)"', preview.content.decode())[1]
    done = client.post(reverse("setup"), {"plan": plan})

    assert nothing_yet
    assert "4 đơn vị sẽ được tạo trực thuộc Đảng bộ tỉnh Thử nghiệm" in text_of(preview)
    assert done.status_code == 302
    root = Unit.objects.get(parent=None)
    assert root.code == "TN"
    assert {unit.code: unit.parent.code for unit in Unit.objects.exclude(pk=root.pk)} == {
        "TN-HA": "TN", "TN-HA-1": "TN-HA", "TN-KHOI": "TN", "TN-KHOI-VP": "TN-KHOI"}
    assert set(Unit.objects.values_list("province__code", flat=True)) == {"TN"}


def test_a_list_with_bad_rows_creates_nothing_not_even_the_top_unit(superuser):
    response = client_of(superuser).post(reverse("setup"), TOP | {
        "kind": kind("province").pk, "file": csv_list(*TREE, "TN-X,Ban Chấp hành Trung ương,central,TN")})

    assert response.status_code == 200
    assert "Danh sách có 1 lỗi" in text_of(response)
    assert 'name="plan"' not in response.content.decode()
    assert not Unit.objects.exists()


def test_once_set_up_the_page_sends_the_administrator_on_and_creates_nothing(superuser):
    client = client_of(superuser)
    client.post(reverse("setup"), TOP | {"kind": kind("province").pk})

    again = client.post(reverse("setup"), TOP | {"code": "TN2", "kind": kind("central").pk})

    assert again.status_code == 302
    assert again["Location"] == reverse("org:tree")
    assert Unit.objects.count() == 1


def test_createsuperuser_then_the_setup_command_with_a_list_and_an_administrator(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "một mật khẩu đủ dài 2026")
    call_command("createsuperuser", "--noinput", username="quantri", email="quantri@example.org")
    chief = UserFactory(username="chanh.vanphong")
    tree = tmp_path / "don-vi.csv"
    tree.write_text("\n".join([HEADER, *TREE]), encoding="utf-8")
    arguments = ["setup_installation", "TN", "Đảng bộ tỉnh Thử nghiệm", "province", "--units", str(tree),
                 "--admin", "chanh.vanphong"]

    call_command(*arguments)
    checked_only = not Unit.objects.exists()
    call_command(*arguments, "--confirm")
    with pytest.raises(CommandError):
        call_command(*arguments, "--confirm")

    assert checked_only
    assert Unit.objects.count() == 5
    assert RoleGrant.objects.filter(user=chief, unit__code="TN", role=Role.ADMIN, post=None).exists()
    first = get_user_model().objects.get(username="quantri")
    assert first.is_superuser and first.check_password("một mật khẩu đủ dài 2026")
    assert "Set up: Đảng bộ tỉnh Thử nghiệm (TN) and 4 units below it." in capsys.readouterr().out


def test_the_setup_command_refuses_a_kind_that_may_not_be_the_top(db):
    with pytest.raises(CommandError, match="may be the top unit"):
        call_command("setup_installation", "XA", "Đảng ủy xã", "commune", "--confirm")

    assert not Unit.objects.exists()


def test_soisua_setup_is_the_setup_command(db, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["soisua", "setup", "TW", "Ban Chấp hành Trung ương", "central", "--confirm"])
    # A command run from the command line closes its connections when done, which would end the test's transaction.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)

    cli.main()

    assert Unit.objects.get().kind.code == "central"
