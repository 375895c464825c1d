"""Access and freshness rules that a cached page or a stale scope could otherwise break."""

import pytest
from django.core import mail
from django.core.management import call_command

from soisua.accounts.models import ApiToken
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.notifications import scheduling
from soisua.notifications.models import ScheduledRun
from soisua.org import services
from soisua.org.enums import MemberStatus, PostKind
from soisua.org.models import Post
from tests.factories import make_unit


def test_member_cannot_find_a_colleague_by_citizen_id(cast):
    number = cast.members["member"].citizen_id

    as_colleague = cast.client("secretary").get("/members/search/", {"q": number})
    services.update_member(cast.members["secretary"], citizen_id="001190000002", by=SYSTEM)
    probe = cast.client("member").get("/members/search/", {"q": "001190000002"})

    assert "Trần Thị Bình" in as_colleague.text
    assert probe.context["page"].paginator.count == 0


@pytest.mark.parametrize("status", [MemberStatus.LEFT, MemberStatus.SUSPENDED])
def test_member_who_left_or_is_suspended_loses_the_cell(cast, status):
    client = cast.client("member")
    assert client.get(f"/units/{cast.cell.pk}/").status_code == 200

    services.change_member_status(cast.members["member"], status=status, by=cast.users["secretary"])

    assert client.get(f"/units/{cast.cell.pk}/").status_code == 404


def test_renaming_a_commune_refreshes_its_cells_breadcrumbs(cast):
    client = cast.client("parent_staff")
    client.get(f"/units/{cast.cell.pk}/")

    services.update_unit(cast.commune, name="Đảng ủy xã Hòa An Mới", by=cast.users["admin"])

    assert "Đảng ủy xã Hòa An Mới" in client.get(f"/units/{cast.cell.pk}/").text


def test_moving_a_unit_refreshes_the_pages_below_it(cast, django_user_model):
    admin = django_user_model.objects.create_user("root", is_superuser=True)
    client = cast.client("anonymous")
    client.force_login(admin)
    client.get(f"/units/{cast.cell.pk}/")

    services.move_unit(cast.cell, new_parent=cast.other_commune, by=admin)

    assert "Đảng ủy xã Hòa Bình" in client.get(f"/units/{cast.cell.pk}/").text


def test_transfer_ends_posts_in_the_old_cell(cast):
    secretary = cast.members["secretary"]

    services.transfer_member(secretary, to_cell=cast.sibling_cell, by=cast.users["parent_staff"])
    services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.SECRETARY, by=cast.users["parent_staff"])

    assert not Post.objects.filter(member=secretary, ended_on__isnull=True).exists()
    assert "Lê Văn Cường" not in cast.client("member").get(f"/units/{cast.cell.pk}/").text


def test_leaving_the_roll_ends_all_posts(cast):
    services.change_member_status(cast.members["secretary"], status=MemberStatus.LEFT, by=cast.users["parent_staff"])

    assert not Post.objects.filter(member=cast.members["secretary"], ended_on__isnull=True).exists()


def test_secretary_cannot_change_the_tree(cast):
    client = cast.client("secretary")

    edit = client.post(f"/units/{cast.cell.pk}/edit/", {"kind": cast.commune.kind_id, "code": cast.cell.code,
                                                        "name": cast.cell.name, "version": cast.cell.version})
    create = client.post(f"/units/{cast.cell.pk}/new-unit/", {"kind": cast.cell.kind_id, "code": "X", "name": "X"})

    assert (edit.status_code, create.status_code) == (403, 403)
    assert type(cast.cell).objects.get(pk=cast.cell.pk).kind == cast.cell.kind


def test_cell_kind_cannot_change_while_it_has_members(cast):
    with pytest.raises(services.OrgError) as error:
        services.update_unit(cast.cell, kind=cast.commune.kind, by=cast.users["admin"])

    assert error.value.code == "kind_members"


def test_only_party_groups_go_inside_a_cell(cast):
    make_unit(cast.cell, "group", "Tổ đảng 1")

    with pytest.raises(services.OrgError) as error:
        make_unit(cast.cell, "cell", "Chi bộ lồng")

    assert error.value.code == "kind_under_cell"


def test_a_failing_scheduled_job_runs_again_and_does_not_stop_others(db, monkeypatch):
    calls = []

    def broken():
        calls.append("broken")
        raise ValueError("boom")

    monkeypatch.setattr(scheduling, "JOBS", {})
    scheduling.register("test.broken")(broken)
    scheduling.register("test.fine")(lambda: calls.append("fine") or "ok")

    scheduling.run_due()
    scheduling.run_due()

    assert calls == ["broken", "fine", "broken"]
    assert list(ScheduledRun.objects.values_list("job", flat=True)) == ["test.fine"]


def test_audit_entries_refuse_bulk_update_and_delete(cast):
    with pytest.raises(RuntimeError):
        AuditEntry.objects.all().update(action="x")
    with pytest.raises(RuntimeError):
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.exclude(action="x").count() == AuditEntry.objects.count()


def test_password_reset_email_uses_the_recipients_language(cast):
    user = cast.users["member"]
    user.language = "en"
    user.save()

    cast.client("anonymous").post("/accounts/password-reset/", {"email": user.email})

    assert mail.outbox[0].subject == "Reset your soisua password"


def test_issue_api_token_command_prints_a_working_token(cast, capsys):
    call_command("issue_api_token", "secretary", "script")
    token = capsys.readouterr().out.strip().splitlines()[-1]

    from django.test import Client

    response = Client(headers={"authorization": f"Bearer {token}"}).get(f"/api/units/{cast.cell.pk}/members")

    assert ApiToken.objects.get().name == "script"
    assert response.json()["items"][0]["full_name"] == "Trần Thị Bình"
