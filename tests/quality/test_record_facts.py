"""The collective review of a cell is offered the year's meeting quality from the record: meetings by level, those
not assessed, the members' average once enough rated; a member's own review is not."""

import pytest

from soisua.quality import services
from soisua.reviews import record
from soisua.reviews.models import Review
from tests.quality.common import held
from tests.reviews.test_cycles import open_for

# The cycle is of 2026: the meeting is held in its review season.
pytestmark = pytest.mark.usefixtures("in_review_season")

JUDGED = ("excused_runs", "preparation", "conduct", "speakers", "principles", "results")


def test_the_collective_review_is_offered_the_years_meeting_quality(cast, settings):
    settings.QUALITY_RATING_MINIMUM = 2
    meeting, others = held(cast)
    services.record_assessment(meeting, judged={code: {"met": True} for code in JUDGED}, by=cast.users["secretary"])
    services.rate_meeting(meeting, level="good", by=cast.users["member"])
    services.rate_meeting(meeting, level="fair", by=others[0].user)
    cycle = open_for(cast.commune)

    collective = Review.objects.get(cycle=cycle, unit=cast.cell, member=None)
    own = Review.objects.get(cycle=cycle, member=cast.members["member"])
    offered = [fact for fact in record.facts_for(collective) if fact.key.startswith("quality.")]

    assert [fact.text for fact in offered] == [
        "Sinh hoạt thường kỳ từ 01/2026 đến 12/2026: 1 buổi, trong đó 1 buổi đã đánh giá (Chưa đạt chất lượng 1) "
        "và 0 buổi chưa đánh giá. Bình quân đảng viên đánh giá: 3,5/4 (Tốt)."]
    assert not [fact for fact in record.facts_for(own) if fact.key.startswith("quality.")]
    assert record.links_for(cast.users["sibling"], [offered[0].key]) == {}
    assert record.links_for(cast.users["member"], [offered[0].key]) == {
        offered[0].key: (f"/quality/units/{cast.cell.pk}/", "")}
