"""Meeting quality: the assessment from the record and the judged criteria, its level by the version's bands, the
confirmation by the upper level, the anonymous ratings and their refusals, the version a committee chooses, the
counters the dashboard reads."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.errors import Conflict
from soisua.counters import rollups
from soisua.meetings import services as meetings
from soisua.meetings.models import Attendance
from soisua.notifications.models import Notification
from soisua.quality import queries, services
from soisua.quality.models import Assessment, MemberRating, QualityRubric, RatingMark
from soisua.quality.services import QualityError
from tests.quality.common import held

FRAMEWORK_JUDGED = ("excused_runs", "preparation", "conduct", "speakers", "principles", "results")


def all_met(value=True):
    return {code: {"met": value} for code in FRAMEWORK_JUDGED}


def scored(cast):
    rubric = QualityRubric.objects.get(code="diem-100-phu-tho")
    services.choose_rubric(cast.commune, rubric=rubric, by=cast.users["committee"])
    return rubric


def full_points(rubric, **changes):
    points = {criterion.code: {"points": criterion.max_points} for criterion in rubric.criteria.all()
              if not criterion.computed}
    points.update({code: {"points": value} for code, value in changes.items()})
    return points


def test_the_framework_is_the_default_and_shipped_with_its_sources(cast):
    rubric, choice = queries.rubric_for(cast.cell)

    assert choice is None and rubric.code == "khung-hd42-2025" and not rubric.scored
    assert {document["number"] for document in rubric.documents} == {"12-HD/BTCTW", "50-CT/TW", "42-HD/BTCTW"}
    provincial = QualityRubric.objects.get(code="diem-100-phu-tho")
    assert provincial.max_total == 100 and "thực tiễn cấp tỉnh" in provincial.source


def test_assessment_takes_the_computed_criteria_from_the_record(cast):
    meeting, _others = held(cast)

    assessment = services.record_assessment(meeting, judged=all_met(), comment="Tốt", by=cast.users["secretary"])

    lines = assessment.lines
    # 4 of 5 attended (80 %, not above 85 %); nobody absent without reason; 120 ≥ 90 minutes; documents in time.
    assert lines["attendance"]["met"] is False
    assert lines["unexcused"]["met"] is True and lines["duration"]["met"] is True
    assert lines["documents"]["met"] is True
    assert assessment.level == "failed" and assessment.decided_by == cast.users["secretary"]
    facts = queries.facts_of(meeting)
    assert (facts.base, facts.attended, facts.present_all, facts.speakers) == (5, 4, 4, 2)


def test_all_criteria_met_meets_the_framework(cast):
    meeting, others = held(cast)
    line = Attendance.objects.get(meeting=meeting, member=others[2])
    meetings.mark_attendance(line, status="present", by=cast.users["secretary"])

    assessment = services.record_assessment(meeting, judged=all_met(), by=cast.users["secretary"])

    assert assessment.level == "passed" and assessment.total is None


def test_a_scored_version_totals_points_and_names_the_level_by_its_bands(cast):
    rubric = scored(cast)
    meeting, _others = held(cast)

    # Attendance 80 % loses its 10 points, speakers 2 of 4 present (50 %) keep theirs; principles 5 of 15.
    assessment = services.record_assessment(meeting, judged=full_points(rubric, principles=5),
                                            by=cast.users["secretary"])

    assert assessment.rubric == rubric
    assert assessment.total == 80 and assessment.level == "fair"
    assert assessment.lines["speakers"] == {"met": True, "points": 10}


def test_points_out_of_range_are_refused_and_nothing_is_stored(cast):
    rubric = scored(cast)
    meeting, _others = held(cast)

    with pytest.raises(QualityError) as refused:
        services.record_assessment(meeting, judged=full_points(rubric, principles=16), by=cast.users["secretary"])

    assert "từ 0 đến 15 điểm" in " ".join(refused.value.messages)
    assert not Assessment.objects.exists()


def test_a_meeting_not_held_yet_is_not_assessed(cast):
    starts = timezone.now() + datetime.timedelta(days=3)
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt tháng 12", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), by=cast.users["secretary"])

    with pytest.raises(QualityError) as refused:
        services.record_assessment(meeting, judged=all_met(), by=cast.users["secretary"])

    assert refused.value.code == "not_held" and not Assessment.objects.exists()


def test_recording_tells_the_superior_committee_and_confirming_locks_and_tells_the_cell(cast):
    meeting, _others = held(cast)
    assessment = services.record_assessment(meeting, judged=all_met(), by=cast.users["secretary"])
    assert set(Notification.objects.filter(kind="quality.assessed").values_list("recipient__username", flat=True)) \
        == {"committee", "parent_staff"}

    services.confirm_assessment(meeting, version=assessment.version, by=cast.users["committee"])

    assessment.refresh_from_db()
    assert assessment.status == "confirmed" and assessment.confirmed_by == cast.users["committee"]
    assert list(Notification.objects.filter(kind="quality.confirmed").values_list("recipient__username", flat=True)) \
        == ["secretary"]
    with pytest.raises(QualityError):
        services.record_assessment(meeting, judged=all_met(False), version=assessment.version,
                                   by=cast.users["secretary"])
    assert AuditEntry.objects.filter(action="quality.assessment.confirm").count() == 1


def test_a_stale_version_is_refused(cast):
    meeting, _others = held(cast)
    first = services.record_assessment(meeting, judged=all_met(), by=cast.users["secretary"])
    services.record_assessment(meeting, judged=all_met(False), version=first.version, by=cast.users["secretary"])

    with pytest.raises(Conflict):
        services.record_assessment(meeting, judged=all_met(), version=first.version, by=cast.users["secretary"])

    assert Assessment.objects.get().level == "failed"


def test_the_counters_follow_the_level(cast):
    meeting, _others = held(cast)
    period = [rollups.period_of(meeting.starts_at)]
    first = services.record_assessment(meeting, judged=all_met(), by=cast.users["secretary"])
    line = Attendance.objects.get(meeting=meeting, member__full_name="Vũ Văn Hải")
    meetings.mark_attendance(line, status="present", by=cast.users["secretary"])

    services.record_assessment(meeting, judged=all_met(), version=first.version, by=cast.users["secretary"])

    board = queries.distribution(cast.commune, period)
    assert (board.regular, board.assessed, board.not_assessed) == (1, 1, 0)
    assert {level.value: count for level, count, _share in board.rows if count} == {"passed": 1}
    assert rollups.rebuild(["quality."]) == {"quality.": 0}


# --- the members' ratings ------------------------------------------------------------------------------------------


def rate(meeting, user, level="good", comment=""):
    return services.rate_meeting(meeting, level=level, comment=comment, by=user)


def test_a_rating_stores_no_link_to_its_author(cast):
    meeting, _others = held(cast)

    rating = rate(meeting, cast.users["member"], "fair", "Cần chuẩn bị kỹ hơn")

    fields = {field.name for field in MemberRating._meta.get_fields()}
    assert fields == {"id", "meeting", "level", "comment", "given_on", "audited"}
    assert rating.given_on == timezone.localdate()
    assert not AuditEntry.objects.filter(action="quality.rating.give").exists()  # written the night after
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert services.audit_ratings() == 1
    entry = AuditEntry.objects.get(action="quality.rating.give")
    assert entry.actor_id is None and timezone.localtime(entry.at).time() == datetime.time(0, 0)
    assert entry.changes == {"rating": "fair"}
    assert RatingMark.objects.get().key == queries.rater_key(meeting, cast.users["member"])


def test_a_second_rating_is_refused(cast):
    meeting, _others = held(cast)
    rate(meeting, cast.users["member"])

    with pytest.raises(QualityError) as refused:
        rate(meeting, cast.users["member"], "poor")

    assert refused.value.code == "twice" and MemberRating.objects.count() == 1


def test_only_those_present_rate(cast):
    meeting, others = held(cast)

    with pytest.raises(QualityError) as refused:
        rate(meeting, others[2].user)

    assert refused.value.code == "not_present" and not MemberRating.objects.exists()


def test_ratings_close_after_the_window(cast, settings):
    meeting, _others = held(cast)

    with time_machine.travel(meeting.ends_at + datetime.timedelta(days=settings.QUALITY_RATING_DAYS, minutes=1)), \
            pytest.raises(QualityError) as refused:
        rate(meeting, cast.users["member"])

    assert refused.value.code == "closed" and not MemberRating.objects.exists()


def test_a_thematic_session_is_not_rated(cast):
    meeting, _others = held(cast, kind="thematic")

    with pytest.raises(QualityError):
        rate(meeting, cast.users["member"])

    assert not RatingMark.objects.exists()


def test_results_are_shown_only_from_the_minimum(cast, settings):
    settings.QUALITY_RATING_MINIMUM = 3
    meeting, others = held(cast)
    rate(meeting, cast.users["member"], "good")
    rate(meeting, others[0].user, "fair", "Nên có thêm thời gian thảo luận")
    hidden = queries.rating_results(meeting)

    rate(meeting, others[1].user, "good")

    shown = queries.rating_results(meeting)
    assert hidden.count is None and not hidden.shown and not hidden.comments
    assert shown.shown and shown.average == pytest.approx(3.67, abs=0.01)
    assert shown.comments == ["Nên có thêm thời gian thảo luận"]
    board = queries.distribution(cast.commune, [rollups.period_of(meeting.starts_at)])
    assert board.ratings == 3 and board.rating_average == pytest.approx(3.67, abs=0.01)


# --- the version a committee chooses -------------------------------------------------------------------------------


def test_a_committee_choice_applies_to_its_cells_and_not_to_others(cast):
    rubric = scored(cast)

    assert queries.rubric_for(cast.cell)[0] == rubric
    assert queries.rubric_for(cast.other_cell)[0].code == "khung-hd42-2025"
    with pytest.raises(QualityError):
        services.choose_rubric(cast.cell, rubric=rubric, by=cast.users["committee"])
