"""The write toolkit: one tree of refusals, one stale-version check, one text check."""

import pytest

from soisua.accounts.services import TokenError
from soisua.core.errors import Conflict, DomainError, clean_text, save_if_current
from soisua.corrections.services import ShortcomingError
from soisua.documents.exports import ExportTooLarge
from soisua.documents.imports.reading import RosterImportError
from soisua.meetings.services import MeetingError, StaleMinutes
from soisua.org.services import ConflictError, OrgError
from soisua.reviews.services import ReviewError, RuleSetError, StaleReview
from tests.factories import make_member


@pytest.mark.parametrize("error", [TokenError, ShortcomingError, ExportTooLarge, RosterImportError, MeetingError,
                                   OrgError, ReviewError, RuleSetError])
def test_every_refusal_is_a_domain_error(error):
    assert issubclass(error, DomainError)


@pytest.mark.parametrize(("error", "code"), [(ConflictError, "conflict"), (StaleReview, "stale"),
                                             (StaleMinutes, "stale")])
def test_every_stale_version_is_a_conflict_with_the_stored_version(error, code):
    refusal = error(current_version=7)

    assert isinstance(refusal, Conflict)
    assert (refusal.code, refusal.current_version) == (code, 7)
    assert refusal.messages[0].startswith("Người khác đã thay đổi bản ghi này")


def test_save_if_current_writes_and_bumps_the_version(cast):
    member = make_member(cast.cell, "Đinh Văn Khoa")

    save_if_current(member, member.version, {"phone": "0905111222"})

    member.refresh_from_db()
    assert (member.phone, member.version) == ("0905111222", 2)


def test_save_if_current_refuses_a_stale_version_and_writes_nothing(cast):
    member = make_member(cast.cell, "Đinh Văn Khoa", phone="0905000000")
    save_if_current(member, 1, {"phone": "0905111222"})

    with pytest.raises(ConflictError) as refusal:
        save_if_current(member, 1, {"phone": "0905333444"}, error=ConflictError)

    assert refusal.value.current_version == 2
    member.refresh_from_db()
    assert member.phone == "0905111222"


def test_a_text_over_the_limit_is_refused_saying_how_long_it_is():
    with pytest.raises(ReviewError) as refusal:
        clean_text("x" * 5001, "Ưu điểm", 5000, error=ReviewError)

    assert refusal.value.code == "too_long"
    assert refusal.value.messages == ["“Ưu điểm” quá dài: 5.001 ký tự, tối đa 5.000."]
    assert clean_text("  vừa đủ  ", "Ưu điểm", 5000) == "vừa đủ"


def test_nul_characters_are_dropped_from_stored_text():
    assert clean_text("Họp\x00 chi bộ\x00", "Tiêu đề", 255) == "Họp chi bộ"
