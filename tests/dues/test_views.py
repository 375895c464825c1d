"""Dues pages: the meeting's collection sheet (ticked months saved at once, a bad row refused with nothing saved),
one payment on the member's page, the arrears each reader sees, the cell page's figure for this month."""

import datetime

from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.dues import services
from soisua.dues.enums import add_months, label, month_of
from soisua.dues.models import DuesBook, Payment
from soisua.meetings import services as meetings
from tests.factories import make_member


def this_month() -> datetime.date:
    return month_of(timezone.localdate())


def months_ago(count: int) -> datetime.date:
    return add_months(this_month(), -count)


def recording(cast, months=2):
    services.start_recording(cast.cell, month=months_ago(months), by=SYSTEM)


def meeting_of(cast):
    """This month's meeting, begun within the last hour but never before midnight (its month is this month)."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    starts = max(timezone.now() - datetime.timedelta(hours=1), midnight)
    return meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ tháng này", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=120), by=cast.users["secretary"])


def test_the_meeting_page_offers_the_sheet_to_the_secretary_only(cast):
    meeting = meeting_of(cast)
    url = reverse("meetings:detail", args=[meeting.pk]) + "?step=during"

    secretary_sees = cast.client("secretary").get(url).content.decode()
    member_sees = cast.client("member").get(url).content.decode()

    sheet = reverse("dues:meeting", args=[meeting.pk])
    assert sheet in secretary_sees and "Thu đảng phí" in secretary_sees
    assert sheet not in member_sees
    assert cast.client("member").get(sheet).status_code == 403


def test_the_sheet_lists_the_roll_with_months_owed_and_saves_what_is_ticked(cast):
    recording(cast, 1)
    late = make_member(cast.cell, "Kiều Văn Chậm", joined_on=months_ago(12))
    meeting = meeting_of(cast)
    services.record_payment(late, month=months_ago(1), amount=35_000, collected_on=timezone.localdate(), by=SYSTEM)
    client = cast.client("secretary")
    url = reverse("dues:meeting", args=[meeting.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {f"months-{late.pk}": [this_month().isoformat()], f"amount-{late.pk}": "35000",
                                 f"amount-{cast.members['member'].pk}": "35000"}, follow=True)

    assert "Kiều Văn Chậm" in page and "Trần Thị Bình" in page
    assert label(this_month()) in page and 'value="35000"' in page
    assert "Đã ghi đảng phí của 1 tháng." in response.content.decode()
    assert set(Payment.objects.filter(member=late).values_list("month", "amount", "meeting")) == {
        (months_ago(1), 35_000, None), (this_month(), 35_000, meeting.pk)}


def test_a_sheet_row_without_an_amount_is_named_and_nothing_is_saved(cast):
    recording(cast, 1)
    meeting = meeting_of(cast)
    member, secretary = cast.members["member"], cast.members["secretary"]

    response = cast.client("secretary").post(reverse("dues:meeting", args=[meeting.pk]), {
        f"months-{member.pk}": [this_month().isoformat()], f"amount-{member.pk}": "30000",
        f"months-{secretary.pk}": [this_month().isoformat()], f"amount-{secretary.pk}": ""})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Chưa lưu gì" in content and "Đồng chí Lê Văn Cường: ghi số tiền đã đóng" in content
    assert not Payment.objects.exists()


def test_a_bad_amount_is_named_after_its_member_in_the_summary_and_what_was_ticked_stays(cast):
    recording(cast, 1)
    meeting = meeting_of(cast)
    member, secretary = cast.members["member"], cast.members["secretary"]

    response = cast.client("secretary").post(reverse("dues:meeting", args=[meeting.pk]), {
        f"months-{member.pk}": [this_month().isoformat()], f"amount-{member.pk}": "0",
        f"months-{secretary.pk}": [this_month().isoformat()], f"amount-{secretary.pk}": "30000"})

    content = response.content.decode()
    summary = content[content.index('class="error-summary'):content.index("</table>")].split("<table")[0]
    assert response.status_code == 200
    assert f"Số tiền một tháng đồng chí {member.full_name} đã đóng (đồng)" in summary
    assert f'href="#id_amount-{member.pk}"' in summary
    assert content.count("checked") == 2
    assert f'name="amount-{member.pk}" id="id_amount-{member.pk}" value="0"' in content
    assert not Payment.objects.exists()


def test_the_sheet_asks_for_the_first_month_when_the_cell_does_not_record_yet(cast):
    meeting = meeting_of(cast)

    content = cast.client("secretary").get(reverse("dues:meeting", args=[meeting.pk])).content.decode()

    assert reverse("dues:start", args=[cast.cell.pk]) in content


def test_one_payment_recorded_on_the_member_page_and_a_second_one_refused(cast):
    recording(cast, 2)
    member = cast.members["member"]
    client = cast.client("secretary")
    url = reverse("dues:pay", args=[member.pk])
    data = {"month": label(this_month()), "amount": "40000", "collected_on": timezone.localdate().strftime("%d/%m/%Y"),
            "reference": "CK-889"}

    client.post(url, data)
    again = client.post(url, data | {"amount": "45000"}).content.decode()

    assert list(Payment.objects.filter(member=member).values_list("month", "amount", "reference")) == [
        (this_month(), 40_000, "CK-889")]
    assert "đã đóng đảng phí tháng" in again and "đính chính" in again


def test_a_member_sees_their_own_arrears_and_a_sibling_cells_member_does_not(cast):
    recording(cast, 0)
    member = cast.members["member"]
    url = reverse("dues:member", args=[member.pk])

    own = cast.client("member").get(reverse("org:members.detail", args=[member.pk])).content.decode()
    colleague = cast.client("secretary").get(url)

    assert "còn nợ 1 tháng" in own
    assert colleague.status_code == 200 and "Trần Thị Bình" in colleague.content.decode()
    assert cast.client("sibling").get(url).status_code == 404
    assert cast.client("secretary").get(reverse("dues:member", args=[cast.members["secretary"].pk])).status_code == 200


def test_the_cell_list_and_the_cell_page_figure(cast):
    recording(cast, 0)
    services.record_payment(cast.members["member"], month=this_month(), amount=20_000,
                            collected_on=timezone.localdate(), by=SYSTEM)

    cell_page = cast.client("secretary").get(reverse("org:units.detail", args=[cast.cell.pk])).content.decode()
    listing = cast.client("parent_staff").get(reverse("dues:cell", args=[cast.cell.pk])).content.decode()

    assert "Đảng phí tháng này" in cell_page and "đã thu 1/2" in cell_page
    assert listing.index("Lê Văn Cường") < listing.index("Trần Thị Bình")  # one month owed comes first
    assert cast.client("member").get(reverse("dues:cell", args=[cast.cell.pk])).status_code == 403
    member_page = cast.client("member").get(reverse("org:units.detail", args=[cast.cell.pk])).content.decode()
    assert "Đảng phí tháng này" not in member_page


def test_a_correction_on_the_member_page_replaces_the_amount(cast):
    member = cast.members["member"]
    services.record_payment(member, month=this_month(), amount=20_000, collected_on=timezone.localdate(), by=SYSTEM)

    cast.client("secretary").post(reverse("dues:pay", args=[member.pk]), {
        "month": label(this_month()), "amount": "25000", "collected_on": timezone.localdate().strftime("%d/%m/%Y"),
        "correction": "on"})

    assert list(Payment.objects.filter(member=member).values_list("month", "amount")) == [(this_month(), 25_000)]


def test_the_first_month_is_set_on_its_page_and_a_badly_written_month_is_explained(cast):
    client = cast.client("secretary")
    url = reverse("dues:start", args=[cast.cell.pk])

    bad = client.post(url, {"month": "13/2026"}).content.decode()
    client.post(url, {"month": label(months_ago(2))})

    assert "Ghi tháng theo dạng mm/yyyy" in bad
    assert DuesBook.objects.get(unit=cast.cell).starts_on == months_ago(2)
