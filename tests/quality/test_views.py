"""Meeting quality pages: the facts shown beside the form, what was typed kept on a refusal, the rating form for
those present only, results hidden below the minimum, the dashboard's distribution, the meeting page's link."""

import pytest
from django.urls import reverse
from django.utils import timezone

from soisua.quality import services
from soisua.quality.models import Assessment, MemberRating, QualityRubric
from tests.quality.common import held

JUDGED = ("excused_runs", "preparation", "conduct", "speakers", "principles", "results")


def form_data(**changes):
    return {f"criterion_{code}": "yes" for code in JUDGED} | {"comment": "Buổi sinh hoạt nghiêm túc"} | changes


def test_the_page_shows_the_record_facts_and_the_form_to_the_secretary(cast):
    meeting, _others = held(cast)

    page = cast.client("secretary").get(reverse("quality:meeting", args=[meeting.pk])).content.decode()

    assert "4/5 đảng viên dự (80 %" in page
    assert "2/4 đảng viên có mặt phát biểu (50 %)" in page
    assert 'name="criterion_preparation"' in page and 'name="criterion_attendance"' not in page


def test_a_missing_judgement_is_refused_and_what_was_typed_kept(cast):
    meeting, _others = held(cast)
    data = form_data()
    del data["criterion_results"]

    response = cast.client("secretary").post(reverse("quality:meeting", args=[meeting.pk]), data)

    assert response.status_code == 400 and not Assessment.objects.exists()
    page = response.content.decode()
    assert "Buổi sinh hoạt nghiêm túc" in page and "Trường này là bắt buộc" in page


def test_recording_then_reading_the_level(cast):
    meeting, _others = held(cast)
    client = cast.client("secretary")
    client.post(reverse("quality:meeting", args=[meeting.pk]), form_data())

    page = client.get(reverse("meetings:detail", args=[meeting.pk]) + "?step=after").content.decode()

    assert Assessment.objects.get().level == "failed"
    assert "Chất lượng sinh hoạt: Chưa đạt chất lượng" in page


def test_the_assessment_names_who_decided_and_confirmed_it_not_their_logins(cast):
    meeting, _others = held(cast)
    cast.client("secretary").post(reverse("quality:meeting", args=[meeting.pk]), form_data())
    services.confirm_assessment(meeting, by=cast.users["committee"])

    page = cast.client("secretary").get(reverse("quality:meeting", args=[meeting.pk])).content.decode()

    secretary, committee = cast.users["secretary"], cast.users["committee"]
    assert cast.members["secretary"].full_name in page and f"· {secretary.username}<" not in page
    assert (committee.get_full_name() or committee.username) in page


@pytest.mark.parametrize("who", ["member", "secretary"])
def test_those_present_get_the_rating_form(cast, who):
    meeting, _others = held(cast)

    page = cast.client(who).get(reverse("quality:meeting", args=[meeting.pk])).content.decode()

    assert 'name="level"' in page


def test_a_second_rating_is_refused_with_its_reason(cast):
    meeting, _others = held(cast)
    client = cast.client("member")
    client.post(reverse("quality:rate", args=[meeting.pk]), {"level": "good"})

    response = client.post(reverse("quality:rate", args=[meeting.pk]), {"level": "poor"})

    assert response.status_code == 400
    assert "Đồng chí đã đánh giá buổi sinh hoạt này rồi." in response.content.decode()
    assert list(MemberRating.objects.values_list("level", flat=True)) == ["good"]


def test_results_stay_hidden_below_the_minimum(cast, settings):
    settings.QUALITY_RATING_MINIMUM = 3
    meeting, others = held(cast)
    services.rate_meeting(meeting, level="poor", comment="Chưa tốt", by=cast.users["member"])
    services.rate_meeting(meeting, level="poor", by=others[0].user)

    page = cast.client("secretary").get(reverse("quality:meeting", args=[meeting.pk])).content.decode()

    # Not even how many rated: watched as it grows, with few present, it would tell who did.
    assert "ít nhất 3 đảng viên đánh giá" in page
    assert "Chưa tốt" not in page and "2 lượt" not in page


def test_the_dashboard_shows_the_distribution(cast, settings, in_review_season):
    # In the season the meeting two days back falls in the dashboard's year (on 1 January it would not).
    settings.QUALITY_RATING_MINIMUM = 2
    services.choose_rubric(cast.commune, rubric=QualityRubric.objects.get(code="diem-100-phu-tho"),
                           by=cast.users["committee"])
    meeting, others = held(cast)
    judged = {"preparation": 10, "excused_runs": 5, "conduct": 10, "principles": 15, "resolution": 10,
              "results": 10}
    services.record_assessment(meeting, judged={code: {"points": value} for code, value in judged.items()},
                               by=cast.users["secretary"])
    services.rate_meeting(meeting, level="average", by=cast.users["member"])
    services.rate_meeting(meeting, level="fair", by=others[0].user)

    page = cast.client("committee").get(reverse("oversight:dashboard", args=[cast.commune.pk])).content.decode()

    # 90 points less the 10 of attendance (80 %): 90, "Tốt"; the members' average 2,5 is nearest "Khá".
    assert f"Chất lượng sinh hoạt năm {timezone.localdate().year}" in page
    assert "<td>Tốt</td><td>1</td><td>100 %</td>" in page
    assert "4 / 4 · Tốt" in page and "2,5 / 4 · Khá" in page
