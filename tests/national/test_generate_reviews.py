"""The generated year-end review stands as the review services would have left it, and the generated counters
of reviews and corrections are what `rebuild_rollups` computes."""

import collections

import pytest
from django.core.management import call_command

from soisua.counters import rollups
from soisua.national.reviews import SELF_REVIEW_DUE
from soisua.org.enums import MemberStatus
from soisua.org.models import Member, Unit
from soisua.oversight import dashboard
from soisua.reviews import queries
from soisua.reviews.enums import CycleStatus, ReviewRank, ReviewStatus
from soisua.reviews.models import Cycle, Review
from soisua.reviews.scope import form_for, scope_of

TINY = {"provinces": 2, "communes": 3, "cells": 6, "members": 120, "seed": 7, "meetings": 0, "verbosity": 0}


@pytest.fixture
def generated(db) -> Cycle:
    call_command("generate_national", **TINY, reviews=True)
    return Cycle.objects.get()


def test_generate_reviews_expects_whom_opening_the_cycle_would_on_their_forms(generated):
    root = Unit.objects.get(parent=None)
    scope = scope_of(root)
    reviews = {(review.unit_id, review.member_id): review for review in Review.objects.select_related("form")}
    forms = list(generated.rule_set.forms.all())

    assert generated.unit == root and generated.status == CycleStatus.CLOSED and not generated.feedback_secret
    assert set(reviews) == ({(unit.pk, None) for unit in scope.units}
                            | {(member.cell_id, member.pk) for member in scope.members})
    for member in scope.members:
        review = reviews[(member.cell_id, member.pk)]
        assert review.rank == scope.ranks.get(member.pk, ReviewRank.MEMBER)
        assert review.form == form_for(forms, scope.audiences(member), generated.kind)
        assert review.province_id == member.province_id
    assert not Review.objects.filter(member__status=MemberStatus.EXEMPT).exists()


def test_generate_reviews_stand_as_submitting_excluding_and_deciding_leave_them(generated):
    reviews = list(Review.objects.all())
    statuses = collections.Counter(review.status for review in reviews)

    assert statuses[ReviewStatus.SUBMITTED] > 0.9 * len(reviews)
    for review in reviews:
        assert (review.submitted_at is not None) == (review.status == ReviewStatus.SUBMITTED)
        assert (review.decided_at is not None) == bool(review.decided_level) == bool(review.cell_level)
        assert bool(review.excluded_reason) == (review.status == ReviewStatus.EXCLUDED)
        if review.paper_on is not None:
            assert review.member.user_id is None and review.submitted_at.date() == review.paper_on
    assert any(review.paper_on for review in reviews)
    assert any(review.status == ReviewStatus.SUBMITTED and review.submitted_at.date() > SELF_REVIEW_DUE
               for review in reviews)


def test_generate_reviews_and_corrections_counters_are_what_rebuild_computes(generated):
    root = Unit.objects.get(parent=None)
    progress = queries.progress(generated, root)

    drift = rollups.rebuild(["corr.", "rev."])

    assert drift == {"corr.": 0, "rev.": 0}
    assert queries.counted_progress(generated, root)[0] == progress
    assert Member.objects.exists()


def test_generate_reviews_show_on_the_countrys_dashboard(generated):
    root = Unit.objects.get(parent=None)

    board = dashboard.build(root, generated.decision_due)

    assert board.cycle == generated
    assert board.review_progress["submitted"] > 0 and sum(count for _level, count in board.levels) > 0
    assert board.corrections["open"] > 0 and board.corrections["verified"] > 0
