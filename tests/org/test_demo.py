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


def test_the_demo_carries_the_cascade_of_plans_and_an_inspection_whose_remedy_is_in_a_cells_corrections(db):
    from soisua.corrections.models import Shortcoming
    from soisua.directives import queries as directive_queries
    from soisua.directives.models import Directive
    from soisua.oversight.models import Inspection

    call_command("load_demo", password="demo-password-1")

    province_plan = Directive.objects.get(number="72", issuer_symbol="TU")
    bloc_plan = Directive.objects.get(number="75", issuer_symbol="ĐUK")
    assert bloc_plan.parent == province_plan and bloc_plan.tasks.count() == 13
    bloc = bloc_plan.issuer
    figures = directive_queries.progress(bloc_plan, bloc, list(bloc_plan.tasks.all()))
    assert figures["targets"] == 4 and figures["acknowledged"] == 3  # one grassroots organisation is late
    assert 0 < figures["overall"] < 100
    late = directive_queries.not_acknowledged(bloc_plan, bloc)
    assert [receipt.unit.name for receipt in late] == ["Chi bộ Sở Xây dựng"]
    inspection = Inspection.objects.get()
    remedy = Shortcoming.objects.get(source="inspection")
    assert inspection.is_concluded and remedy.unit == inspection.subject_unit
    assert remedy.followed_by == inspection.body
