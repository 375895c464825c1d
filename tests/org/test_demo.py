from django.core.management import call_command

from soisua.audit.models import AuditEntry
from soisua.meetings.models import Attendance, Meeting
from soisua.org import access
from soisua.org.models import Member, Unit


def test_load_demo_builds_the_organisation_and_is_idempotent(db, capsys):
    call_command("load_demo", password="demo-password-1")
    first = (Unit.objects.count(), Member.objects.count())
    call_command("load_demo", password="demo-password-1")

    output = capsys.readouterr().out
    assert (Unit.objects.count(), Member.objects.count()) == first
    assert 200 <= first[1] <= 400
    assert "bithu.xoan" in output and "kiemtra.eakar" in output
    school = Unit.objects.get(name="Chi bộ Trường Tiểu học Mạc Thị Bưởi")
    assert school.members.count() == 16
    xoan = Member.objects.get(full_name="Đào Thị Mỹ Xoan")
    assert xoan.user.username == "bithu.xoan"
    assert xoan.posts.get().kind == "secretary"


def test_demo_sibling_member_cannot_see_school_cell(db):
    call_command("load_demo", password="demo-password-1")
    from soisua.accounts.models import User

    school = Unit.objects.get(code="DL-EK-EKM-MTB")
    sibling = User.objects.get(username="dangvien.thon1")

    assert not access.can_read_unit(sibling, school)
    assert access.can_read_unit(User.objects.get(username="kiemtra.eakar"), school)


def test_the_demo_is_written_by_the_system_not_by_a_person(db):
    call_command("load_demo", password="demo-password-1")

    entries = AuditEntry.objects.all()
    assert entries.exists()
    assert set(entries.values_list("actor_id", "actor_label").distinct()) == {(None, "system")}
    assert not Meeting.objects.filter(created_by__isnull=False).exists()
    assert not Attendance.objects.filter(marked_by__isnull=False).exists()
