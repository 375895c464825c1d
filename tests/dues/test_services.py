"""Party dues: the cell's first month, one payment a month (a correction replaces it, audited), a meeting's sheet
saved at once or not at all, and arrears counted from the later of the first month, admission and joining."""

import datetime

import pytest
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.core.errors import Conflict
from soisua.dues import queries, services
from soisua.dues.enums import add_months, month_of
from soisua.dues.models import DuesBook, Payment
from soisua.meetings import services as meetings
from soisua.org import services as org
from soisua.org.enums import MemberStatus
from tests.factories import make_member


def this_month() -> datetime.date:
    return month_of(timezone.localdate())


def months_ago(count: int) -> datetime.date:
    return add_months(this_month(), -count)


def member(cast, name="Ngô Văn Phí", *, joined=6, **fields):
    """A member of the cell who joined it `joined` months ago."""
    return make_member(cast.cell, name, joined_on=months_ago(joined), **fields)


def start(cast, months_back=6):
    return services.start_recording(cast.cell, month=months_ago(months_back), by=cast.users["secretary"])


def meeting_of(cast, days_ago=1):
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    return meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=120), by=cast.users["secretary"])


def pay(cast, who, month, amount=50_000, **extra):
    return services.record_payment(who, month=month, amount=amount, collected_on=timezone.localdate(),
                                   by=cast.users["secretary"], **extra)


def test_arrears_count_from_the_later_of_first_month_admission_and_joining(cast):
    start(cast, 6)
    old_hand = member(cast, "Đỗ Văn Cũ", joined=24)
    newcomer = member(cast, "Lý Thị Mới", joined=2)
    admitted = member(cast, "Vũ Văn Kết", joined=24, admission_date=months_ago(1) + datetime.timedelta(days=14))

    pay(cast, old_hand, months_ago(6))
    pay(cast, old_hand, months_ago(20))  # before recording began: kept, not counted

    standings = {row.member.pk: row for row in queries.cell_arrears(cast.cell, timezone.localdate())}
    assert standings[old_hand.pk].start == months_ago(6)
    assert standings[old_hand.pk].arrears == 6  # seven months through this one, one paid
    assert standings[newcomer.pk].owed == [months_ago(2), months_ago(1), this_month()]
    assert standings[admitted.pk].owed == [months_ago(1), this_month()]


def test_cell_list_is_sorted_by_arrears_then_vietnamese_name_order(cast):
    start(cast, 3)
    _an, binh, chau = (member(cast, name) for name in ("Trần Văn An", "Nguyễn Thị Bình", "Lê Thị Ân"))
    for month in (months_ago(3), months_ago(2)):
        pay(cast, chau, month)
        pay(cast, binh, month)
    pay(cast, chau, months_ago(1))

    rows = queries.cell_arrears(cast.cell, timezone.localdate())

    # Four months, two, then one each in the order of given names: Ân, Bình (the cast's member), Cường (its
    # secretary), who joined the cell this month.
    assert [(row.member.full_name, row.arrears) for row in rows] == [
        ("Trần Văn An", 4), ("Nguyễn Thị Bình", 2), ("Lê Thị Ân", 1), ("Trần Thị Bình", 1), ("Lê Văn Cường", 1)]


def test_exempt_and_left_members_are_not_expected_and_a_left_member_cannot_pay(cast):
    start(cast, 3)
    exempt = member(cast, "Hà Văn Miễn", status=MemberStatus.EXEMPT)
    gone = member(cast, "Phan Văn Đi")
    gone = org.change_member_status(gone, status=MemberStatus.LEFT, reason="Chuyển đi", by=SYSTEM)

    pay(cast, exempt, this_month())

    expected = {row.member.pk for row in queries.cell_arrears(cast.cell, timezone.localdate())}
    assert exempt.pk not in expected and gone.pk not in expected
    assert queries.member_standing(exempt, timezone.localdate()).start is None
    with pytest.raises(services.DuesError, match="ra khỏi danh sách"):
        pay(cast, gone, this_month())


def test_a_second_payment_for_a_month_is_refused_unless_it_corrects_the_first(cast):
    start(cast, 3)
    who = member(cast)
    first = pay(cast, who, months_ago(1), 40_000)

    with pytest.raises(services.DuesError, match="đã đóng đảng phí") as refused:
        pay(cast, who, months_ago(1), 50_000)
    corrected = pay(cast, who, months_ago(1), 50_000, correction=True, reference="PT-0012")

    assert refused.value.code == "already_paid"
    assert Payment.objects.filter(member=who).count() == 1
    assert (corrected.pk, corrected.amount, corrected.reference) == (first.pk, 50_000, "PT-0012")
    entry = AuditEntry.objects.filter(action="dues.corrected", object_id=str(first.pk)).get()
    assert entry.changes["amount"] == [40_000, 50_000]


@pytest.mark.parametrize("amount", [0, -5, None])
def test_an_amount_of_nothing_is_refused(cast, amount):
    start(cast, 1)
    who = member(cast)

    with pytest.raises(services.DuesError, match="lớn hơn 0"):
        pay(cast, who, this_month(), amount)

    assert not Payment.objects.filter(member=who).exists()


def test_a_meeting_sheet_saves_every_month_ticked_with_the_meeting_and_the_province(cast):
    start(cast, 3)
    meeting = meeting_of(cast)
    who, other = member(cast, "Đinh Văn Một"), member(cast, "Đinh Văn Hai")

    saved = services.record_collection(meeting, rows=[
        services.Collected(who, [months_ago(1), this_month()], 30_000),
        services.Collected(other, [], 30_000)], by=cast.users["secretary"])

    assert len(saved) == 2
    stored = {(p.member_id, p.month, p.amount, p.meeting_id, p.province_id, p.unit_id) for p in Payment.objects.all()}
    assert stored == {
        (who.pk, months_ago(1), 30_000, meeting.pk, cast.province.pk, cast.cell.pk),
        (who.pk, this_month(), 30_000, meeting.pk, cast.province.pk, cast.cell.pk)}
    assert AuditEntry.objects.filter(action="dues.paid").count() == 2


def test_a_sheet_with_one_bad_row_saves_nothing_and_names_the_row(cast):
    start(cast, 3)
    meeting = meeting_of(cast)
    good, bad = member(cast, "Đinh Văn Tốt"), member(cast, "Đinh Văn Thiếu")

    with pytest.raises(services.SheetErrors) as refused:
        services.record_collection(meeting, rows=[services.Collected(good, [this_month()], 30_000),
                                                  services.Collected(bad, [this_month()], None)],
                                   by=cast.users["secretary"])

    assert list(refused.value.rows) == [bad.pk]
    assert "Đinh Văn Thiếu" in refused.value.rows[bad.pk][0]
    assert not Payment.objects.exists()


def test_saving_the_same_sheet_twice_does_not_pay_a_month_twice(cast):
    start(cast, 3)
    meeting = meeting_of(cast)
    who = member(cast)
    rows = [services.Collected(who, [this_month()], 30_000)]
    services.record_collection(meeting, rows=rows, by=cast.users["secretary"])

    with pytest.raises(services.SheetErrors, match="đã đóng đảng phí"):
        services.record_collection(meeting, rows=rows, by=cast.users["secretary"])

    assert Payment.objects.filter(member=who).count() == 1


def test_the_sheet_offers_months_owed_and_prefills_the_last_amount(cast):
    start(cast, 2)
    who = member(cast, "Đinh Văn Nợ")
    exempt = member(cast, "Đinh Văn Miễn", status=MemberStatus.EXEMPT)
    pay(cast, who, months_ago(2), 45_000)
    meeting = meeting_of(cast, days_ago=0)

    rows = {row.member.pk: row for row in queries.sheet(meeting, DuesBook.objects.get(unit=cast.cell))}

    assert rows[who.pk].months == [months_ago(1), this_month()]
    assert rows[who.pk].standing.last_amount == 45_000
    assert rows[exempt.pk].months == [this_month()]


def test_this_months_figure_counts_those_expected_and_those_who_paid(cast):
    assert queries.month_figure(cast.cell, timezone.localdate()) is None
    start(cast, 1)
    payer = member(cast, "Đinh Văn Đóng")
    member(cast, "Đinh Văn Chưa")
    pay(cast, payer, this_month())

    # The cast's member and secretary joined this month: they are expected too.
    assert queries.month_figure(cast.cell, timezone.localdate()) == (1, 4)


def test_the_first_month_cannot_be_in_the_future_and_a_stale_version_is_refused(cast):
    book = start(cast, 2)

    with pytest.raises(services.DuesError):
        services.start_recording(cast.cell, month=add_months(this_month(), 1), by=cast.users["secretary"])
    services.start_recording(cast.cell, month=months_ago(3), version=book.version, by=cast.users["secretary"])
    with pytest.raises(Conflict):
        services.start_recording(cast.cell, month=months_ago(4), version=book.version, by=cast.users["secretary"])

    assert DuesBook.objects.get(unit=cast.cell).starts_on == months_ago(3)
