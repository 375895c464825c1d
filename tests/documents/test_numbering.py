"""The register of document numbers: numbers given in order per unit, kind and year when a document is issued,
never reused, typed numbers recorded and refused when taken (docs/documents.md, "Numbers")."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.directives import exports as directive_exports
from soisua.directives.models import Directive
from soisua.documents import numbering
from soisua.documents.models import DocumentNumber
from soisua.meetings import services as meetings
from soisua.meetings.models import Meeting, Minutes
from soisua.oversight import services as oversight
from tests.directives.test_directives import directive_form, issued
from tests.directives.test_directives import draft as directive_draft
from tests.meetings.test_exports import END, START, held_meeting
from tests.oversight.test_inspections import TODAY, under_way


@pytest.fixture
def frozen():
    with time_machine.travel(END + datetime.timedelta(minutes=30), tick=False):
        yield


def another_meeting(cast, *, approve=True) -> Meeting:
    """A meeting the morning before: everyone present, the minutes approved."""
    secretary = cast.users["secretary"]
    earlier = datetime.timedelta(hours=10)
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt chuyên đề", starts_at=START - earlier,
                                        ends_at=END - earlier, by=secretary)
    meetings.mark_rest_present(meeting, by=secretary)
    meetings.save_minutes(meeting, conclusions="Thống nhất", by=secretary)
    if approve:
        meetings.approve_minutes(meeting, by=secretary)
    return meeting


def test_approved_minutes_are_numbered_in_order_per_cell_kind_and_year(cast, frozen):
    first = held_meeting(cast)
    second = another_meeting(cast)

    numbers = [numbering.number_of(meeting, numbering.MINUTES) for meeting in (first, second)]

    assert [(line.unit, line.year, line.symbol) for line in numbers] == [
        (cast.cell, 2026, "01-BB/CB"), (cast.cell, 2026, "02-BB/CB")]
    assert numbers[0].issued_by == cast.users["secretary"]


def test_minutes_not_approved_have_no_number_and_print_blanks_before_the_symbol(cast, frozen):
    draft = held_meeting(cast, approve=False)

    printed = numbering.printed_number(draft, unit=cast.cell, kind=numbering.MINUTES)

    assert numbering.number_of(draft, numbering.MINUTES) is None
    assert printed == f"{numbering.BLANK}-BB/CB"


def test_a_deleted_documents_number_is_never_given_again(cast, frozen):
    first = held_meeting(cast)
    Meeting.objects.filter(pk=first.pk).delete()

    second = another_meeting(cast)

    assert numbering.number_of(second, numbering.MINUTES).symbol == "02-BB/CB"
    assert DocumentNumber.objects.filter(unit=cast.cell, kind="BB").count() == 2


def test_the_units_own_abbreviation_wins_over_its_kinds_and_none_leaves_the_symbol_out(cast, frozen):
    cast.cell.abbreviation = "CBT1"
    cast.cell.save(update_fields=["abbreviation"])
    cast.cell.kind.abbreviation = ""
    cast.cell.kind.save(update_fields=["abbreviation"])
    meeting = held_meeting(cast)
    cast.cell.abbreviation = ""
    cast.cell.save(update_fields=["abbreviation"])

    blank = numbering.printed_number(Meeting(unit=cast.cell), unit=cast.cell, kind=numbering.MINUTES)

    assert numbering.number_of(meeting, numbering.MINUTES).symbol == "01-BB/CBT1"
    assert blank == f"{numbering.BLANK}-BB"


def test_numbering_twice_keeps_the_first_number(cast, frozen):
    meeting = held_meeting(cast)

    again = numbering.assign(meeting, unit=cast.cell, kind=numbering.MINUTES, title="x",
                             on=datetime.date(2026, 12, 3), by=cast.users["secretary"])

    assert again.symbol == "01-BB/CB"
    assert DocumentNumber.objects.count() == 1


def test_a_collectives_plan_is_numbered_when_approved_and_a_members_plan_never(cast, frozen):
    collective = corrections.record_shortcoming(unit=cast.cell, text="Sinh hoạt chưa đúng kỳ",
                                                by=cast.users["secretary"])
    personal = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Chậm đóng đảng phí",
                                              by=cast.users["secretary"])
    plans = []
    for member, shortcoming, owner, approver in ((None, collective, "secretary", "committee"),
                                                 (cast.members["member"], personal, "member", "secretary")):
        plan = corrections.create_plan(unit=cast.cell, member=member, shortcomings=[shortcoming],
                                       deadline=datetime.date(2027, 2, 28), by=cast.users[owner])
        measure = corrections.add_measure(plan, text="Họp đúng kỳ", supervisor=cast.members["secretary"]
                                          if member else cast.members["member"],
                                          deadline=datetime.date(2027, 1, 31), by=cast.users[owner])
        corrections.add_step(measure, what="Họp tháng 1", due=datetime.date(2027, 1, 5), by=cast.users[owner])
        submitted = corrections.submit_plan(plan, by=cast.users[owner])
        assert numbering.number_of(submitted, numbering.PLAN) is None
        plans.append(corrections.decide_plan(submitted, approve=True, by=cast.users[approver]))

    assert numbering.number_of(plans[0], numbering.PLAN).symbol == "01-KH/CB"
    assert numbering.number_of(plans[1], numbering.PLAN) is None


def test_a_typed_conclusion_number_is_recorded_and_refused_for_another_document(cast):
    first = oversight.conclude(under_way(cast), number="05-KL/ĐUX", date=TODAY, conclusion="Đạt",
                               by=cast.users["committee"])
    second = under_way(cast)

    with pytest.raises(oversight.InspectionError) as refusal:
        oversight.conclude(second, number="5-KL/ĐUX", date=TODAY, conclusion="Đạt", by=cast.users["committee"])

    line = numbering.number_of(first, "KL")
    assert (line.unit, line.number, line.typed, line.symbol) == (cast.commune, 5, True, "05-KL/ĐUX")
    assert refusal.value.code == "number"
    assert "05-KL/ĐUX" in refusal.value.messages[0] and "Chi bộ Thôn 1" in refusal.value.messages[0]
    second.refresh_from_db()
    assert not second.is_concluded


def test_a_conclusion_number_not_written_as_a_number_is_refused(cast):
    inspection = under_way(cast)

    with pytest.raises(oversight.InspectionError) as refusal:
        oversight.conclude(inspection, number="số năm", date=TODAY, conclusion="Đạt", by=cast.users["committee"])

    assert refusal.value.code == "number"
    assert not DocumentNumber.objects.exists()


def test_an_assigned_number_follows_the_typed_ones_of_the_same_kind(cast):
    oversight.conclude(under_way(cast), number="07-KL/ĐUX", date=TODAY, conclusion="Đạt", by=cast.users["committee"])
    inspection = under_way(cast)

    line = numbering.assign(inspection, unit=cast.commune, kind="KL", title="Kết luận", on=TODAY,
                            by=cast.users["committee"])

    assert line.number == 8


def test_minutes_approved_before_the_register_get_numbers_in_the_order_approved(cast, frozen):
    later = held_meeting(cast)
    earlier = another_meeting(cast)
    DocumentNumber.objects.all().delete()  # as before the register existed
    Minutes.objects.filter(meeting=earlier).update(approved_at=timezone.now() - datetime.timedelta(days=1))
    migration = importlib.import_module("soisua.meetings.migrations.0006_number_approved_minutes")

    migration.number_minutes(django_apps, None)
    migration.number_minutes(django_apps, None)  # a second run changes nothing

    assert [numbering.number_of(meeting, "BB").symbol for meeting in (earlier, later)] == ["01-BB/CB", "02-BB/CB"]
    assert DocumentNumber.objects.count() == 2


def test_conclusions_and_directives_concluded_before_the_register_keep_their_typed_numbers(cast):
    inspection = oversight.conclude(under_way(cast), number="07-KL/ĐUX", date=TODAY, conclusion="Đạt",
                                    by=cast.users["committee"])
    DocumentNumber.objects.all().delete()
    migration = importlib.import_module("soisua.oversight.migrations.0006_number_conclusions")

    migration.number_conclusions(django_apps, None)

    line = numbering.number_of(inspection, "KL")
    assert (line.symbol, line.typed, line.unit) == ("07-KL/ĐUX", True, cast.commune)


def test_the_directive_form_refuses_a_number_already_issued_naming_the_directive(cast):
    first = issued(cast)
    client = cast.client("committee")

    refused = client.post(reverse("directives:create", args=[cast.commune.pk]), directive_form(title="Bản khác"))

    assert refused.status_code == 200
    assert "Số 75-KH/ĐUX năm 2026 đã được dùng cho" in refused.text and first.title in refused.text
    assert Directive.objects.count() == 1


def test_the_conclusion_form_refuses_a_number_already_used_naming_the_conclusion(cast):
    oversight.conclude(under_way(cast), number="05-KL/ĐUX", date=TODAY, conclusion="Đạt", by=cast.users["committee"])
    second = under_way(cast)

    refused = cast.client("committee").post(reverse("oversight:conclude", args=[second.pk]), {
        "number": "05-KL/ĐUX", "date": TODAY.strftime("%d/%m/%Y"), "conclusion": "Đạt"})

    assert refused.status_code == 200
    assert f"Số 05-KL/ĐUX năm {TODAY.year} đã được dùng cho “Kết luận Chi bộ Thôn 1" in refused.text
    second.refresh_from_db()
    assert not second.is_concluded


def test_two_issuers_reading_the_same_last_number_cannot_both_store_it(cast, frozen, monkeypatch):
    meeting = held_meeting(cast)
    other = another_meeting(cast, approve=False)
    # The second issuer read the register before the first stored 01: it too would take 01.
    monkeypatch.setattr(numbering, "Max", lambda field: Min("number", filter=Q(number__lt=0)))

    with pytest.raises(numbering.NumberTaken):
        numbering.assign(other, unit=cast.cell, kind=numbering.MINUTES, title="Biên bản",
                         on=datetime.date(DocumentNumber.objects.get().year, 12, 1), by=SYSTEM)

    assert list(DocumentNumber.objects.values_list("object_id", "number")) == [(meeting.pk, 1)]


def test_a_draft_directive_without_an_issuer_abbreviation_prints_its_kind_alone(cast):
    draft = directive_draft(cast, issuer_symbol="")
    draft.issuer_symbol = ""

    document = directive_exports.directive_document(draft)

    assert document.header.number == f"{numbering.BLANK}-KH"
