"""Party dues as each attacker tries them: a member recording or reading others' dues, a secretary of another
cell, tampered rows of the meeting's sheet, amounts no month can be, and a month paid twice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.dues import services
from soisua.dues.models import DuesBook, Payment
from soisua.meetings import services as meetings
from soisua.org.enums import MemberStatus
from soisua.org.models import Member
from tests.dues.test_views import label, meeting_of, months_ago, recording, this_month
from tests.factories import make_member


def pay_data(**changes) -> dict:
    return {"month": label(this_month()), "amount": "30000",
            "collected_on": timezone.localdate().strftime("%d/%m/%Y")} | changes


def test_a_member_records_no_dues_even_their_own(cast):
    recording(cast, 2)
    member = cast.members["member"]

    own = cast.client("member").post(reverse("dues:pay", args=[member.pk]), pay_data())
    start = cast.client("member").post(reverse("dues:start", args=[cast.cell.pk]), {"month": label(this_month())})

    assert (own.status_code, start.status_code) == (403, 403)
    assert not Payment.objects.exists()
    assert DuesBook.objects.get(unit=cast.cell).starts_on == months_ago(2)


def test_a_member_does_not_read_a_fellow_members_arrears(cast):
    recording(cast, 2)
    secretary = cast.members["secretary"]

    page = cast.client("member").get(reverse("dues:member", args=[secretary.pk]))
    profile = cast.client("member").get(reverse("org:members.detail", args=[secretary.pk]))

    assert page.status_code == 403
    assert "còn nợ" not in profile.content.decode() and reverse("dues:member", args=[secretary.pk]) not in (
        profile.content.decode())


@pytest.mark.parametrize("who", ["secretary", "unrelated_staff", "sibling"])
def test_nobody_outside_the_cell_records_dues_for_its_member(cast, who):
    recording(cast, 2)
    services.start_recording(cast.other_cell, month=months_ago(2), by=SYSTEM)
    other = cast.members["other"] if who == "secretary" else cast.members["member"]

    response = cast.client(who).post(reverse("dues:pay", args=[other.pk]), pay_data())

    assert response.status_code in (403, 404)
    assert not Payment.objects.exists()


def test_a_tampered_sheet_row_for_a_member_of_another_cell_stores_nothing_for_them(cast):
    recording(cast, 0)
    services.start_recording(cast.other_cell, month=this_month(), by=SYSTEM)
    meeting = meeting_of(cast)
    other, member = cast.members["other"], cast.members["member"]

    cast.client("secretary").post(reverse("dues:meeting", args=[meeting.pk]), {
        f"months-{other.pk}": [this_month().isoformat()], f"amount-{other.pk}": "30000",
        f"months-{member.pk}": [this_month().isoformat()], f"amount-{member.pk}": "30000"})

    assert not Payment.objects.filter(member=other).exists()
    assert list(Payment.objects.values_list("member", "month")) == [(member.pk, this_month())]


def test_a_sheet_month_not_offered_is_refused_and_nothing_is_saved(cast):
    recording(cast, 0)
    meeting = meeting_of(cast)
    member = cast.members["member"]
    far = datetime.date(this_month().year + 5, 1, 1)

    response = cast.client("secretary").post(reverse("dues:meeting", args=[meeting.pk]), {
        f"months-{member.pk}": [this_month().isoformat(), far.isoformat()], f"amount-{member.pk}": "30000"})

    assert response.status_code == 200
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-30000", "1000000000000000", "30000.5", "1e5", "30,000", "NaN", ""])
def test_an_amount_no_month_can_be_is_refused_on_the_member_page(cast, amount):
    recording(cast, 2)
    member = cast.members["member"]

    response = cast.client("secretary").post(reverse("dues:pay", args=[member.pk]), pay_data(amount=amount))

    assert response.status_code == 200
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "1000000000000000", "30000.5"])
def test_an_amount_no_month_can_be_is_refused_on_the_sheet(cast, amount):
    recording(cast, 0)
    meeting = meeting_of(cast)
    member = cast.members["member"]

    response = cast.client("secretary").post(reverse("dues:meeting", args=[meeting.pk]), {
        f"months-{member.pk}": [this_month().isoformat()], f"amount-{member.pk}": amount})

    assert response.status_code == 200
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", [0, -5, 10**15, None])
def test_the_service_refuses_an_amount_no_month_can_be(cast, amount):
    with pytest.raises(services.DuesError):
        services.record_payment(cast.members["member"], month=this_month(), amount=amount,
                                collected_on=timezone.localdate(), by=SYSTEM)

    assert not Payment.objects.exists()


def test_two_secretaries_saving_the_same_sheet_pay_a_month_once(cast):
    recording(cast, 0)
    meeting = meeting_of(cast)
    member = cast.members["member"]
    url = reverse("dues:meeting", args=[meeting.pk])
    first, second = cast.client("secretary"), cast.client("secretary")
    first.get(url), second.get(url)  # both sheets open, each offering this month
    data = {f"months-{member.pk}": [this_month().isoformat()], f"amount-{member.pk}": "30000"}

    first.post(data=data, path=url)
    again = second.post(url, data | {f"amount-{member.pk}": "35000"})

    assert again.status_code == 200
    assert list(Payment.objects.filter(member=member).values_list("month", "amount")) == [(this_month(), 30_000)]


def test_a_second_sheet_saved_after_the_page_was_built_is_refused_by_the_service(cast):
    recording(cast, 0)
    meeting = meeting_of(cast)
    member = cast.members["member"]
    rows = [services.Collected(member, [this_month()], 30_000)]
    services.record_collection(meeting, rows=rows, by=cast.users["secretary"])

    with pytest.raises(services.DuesError):
        services.record_collection(meeting, rows=rows, by=cast.users["secretary"])

    assert Payment.objects.filter(member=member).count() == 1


def test_the_sheet_of_another_cells_meeting_is_not_the_secretarys(cast):
    services.start_recording(cast.sibling_cell, month=this_month(), by=SYSTEM)
    sibling_secretary = make_member(cast.sibling_cell, "Đỗ Văn Phúc")
    starts = timezone.now() - datetime.timedelta(hours=1)
    meeting = meetings.schedule_meeting(cast.sibling_cell, title="Sinh hoạt Thôn 2", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
    url = reverse("dues:meeting", args=[meeting.pk])

    response = cast.client("secretary").post(url, {f"months-{sibling_secretary.pk}": [this_month().isoformat()],
                                                   f"amount-{sibling_secretary.pk}": "30000"})

    assert response.status_code in (403, 404)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("day", ["01/01/1900", "31/12/1999"])
def test_a_collection_day_before_any_month_dues_are_recorded_for_is_refused(cast, day):
    member = cast.members["member"]

    response = cast.client("secretary").post(reverse("dues:pay", args=[member.pk]), pay_data(collected_on=day))

    assert response.status_code == 200 and "Ngày thu đảng phí không thể trước 01/01/2000" in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("name", ["dues:cell", "dues:start"])
@pytest.mark.parametrize("who", ["committee", "parent_staff", "admin"])
def test_a_unit_that_holds_no_members_has_no_dues_pages(cast, name, who):
    response = cast.client(who).post(reverse(name, args=[cast.commune.pk]), {"month": label(this_month())})

    assert response.status_code in (404, 405)
    assert not DuesBook.objects.exists()


def test_nothing_is_recorded_for_a_member_who_left_the_roll(cast):
    recording(cast, 2)
    member = cast.members["member"]
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.LEFT)

    response = cast.client("secretary").post(reverse("dues:pay", args=[member.pk]), pay_data())

    assert response.status_code in (200, 404)
    assert not Payment.objects.exists()
