"""The corrections pages as a secretary and a member use them on a phone: the plan on one page, the board's
filter, where the back link leads, whose shortcoming it is, drafts kept private, supervisors from the level above
and who approves a collective's plan."""

import datetime
import re
from importlib import import_module

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from soisua.core.actors import SYSTEM
from soisua.corrections import policy, queries, services
from soisua.corrections.enums import PlanStatus, ResponsibilityKind, ShortcomingStatus
from soisua.corrections.models import CorrectionPlan, Measure, RoadmapStep, Shortcoming
from soisua.org import services as org_services
from soisua.org.enums import PostKind
from soisua.reviews import services as review_services
from soisua.reviews.models import Review
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for

from .test_plans import approved_plan, shortcoming_of


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def management(prefix: str, total: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def plan_post(cast, shortcoming, *, measures, **extra) -> dict:
    """What the plan's one form posts: the head, then each measure with its steps."""
    data = {"shortcomings": [shortcoming.pk], "deadline": "28/02/2027", **management("measures", len(measures))}
    for index, (measure, steps) in enumerate(measures):
        data |= {f"measures-{index}-{name}": value for name, value in measure.items()}
        data |= management(f"measures-{index}-steps", len(steps))
        for number, step in enumerate(steps):
            data |= {f"measures-{index}-steps-{number}-{name}": value for name, value in step.items()}
    return data | extra


def a_measure(cast, text="Đóng đảng phí trước ngày 5 hằng tháng", deadline="28/02/2027"):
    return {"text": text, "supervisor": str(cast.members["secretary"].pk), "deadline": deadline}


def a_step(what="Nộp biên lai tháng 12", due="10/12/2026", evidence="Biên lai"):
    return {"what": what, "due": due, "evidence_expected": evidence}


# --- the plan on one page ---------------------------------------------------------------------------------------


def test_a_plan_with_two_measures_and_their_steps_is_written_and_submitted_on_one_page(cast, frozen):
    shortcoming = shortcoming_of(cast)
    url = reverse("corrections:plans.create", args=[shortcoming.pk])
    data = plan_post(cast, shortcoming, measures=[
        (a_measure(cast), [a_step(), a_step("Nộp biên lai tháng 1", "15/01/2027")]),
        (a_measure(cast, "Nhắc nhau trong tổ đảng"), [a_step("Tổ đảng nhắc lịch", "20/12/2026", "")]),
    ], submit="1")

    response = cast.client("member").post(url, data)

    plan = CorrectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("corrections:plans.detail",
                                                                          args=[plan.pk])
    assert plan.status == PlanStatus.SUBMITTED
    assert [measure.text for measure in plan.measures.all()] == ["Đóng đảng phí trước ngày 5 hằng tháng",
                                                                 "Nhắc nhau trong tổ đảng"]
    assert [step.what for step in RoadmapStep.objects.filter(measure__plan=plan).order_by("measure__order", "order")
            ] == ["Nộp biên lai tháng 12", "Nộp biên lai tháng 1", "Tổ đảng nhắc lịch"]


def test_add_a_measure_and_a_step_work_without_a_script_and_keep_what_was_typed(cast, frozen):
    shortcoming = shortcoming_of(cast)
    url = reverse("corrections:plans.create", args=[shortcoming.pk])
    client = cast.client("member")
    typed = plan_post(cast, shortcoming, measures=[(a_measure(cast), [a_step()])])

    added_measure = client.post(url, typed | {"add_measure": "1"})
    added_step = client.post(url, typed | {"add_step": "0"})

    page = added_measure.content.decode()
    assert added_measure.status_code == 200 and not CorrectionPlan.objects.exists()
    assert "Đóng đảng phí trước ngày 5 hằng tháng</textarea>" in page
    assert 'value="Nộp biên lai tháng 12"' in page
    assert 'name="measures-1-text"' in page and 'name="measures-1-steps-0-what"' in page
    assert 'name="measures-TOTAL_FORMS" value="2"' in page
    assert "errorlist" not in page
    step_page = added_step.content.decode()
    assert 'name="measures-0-steps-1-what"' in step_page
    assert 'name="measures-0-steps-TOTAL_FORMS" value="2"' in step_page


def test_an_invalid_step_keeps_everything_typed_with_the_error_at_its_row_and_nothing_saved(cast, frozen):
    shortcoming = shortcoming_of(cast)
    data = plan_post(cast, shortcoming, measures=[
        (a_measure(cast), [a_step(), a_step("Quá hạn kế hoạch", "15/03/2027")]),
        (a_measure(cast, "Biện pháp thứ hai"), [a_step("Bước của biện pháp hai", "20/12/2026")]),
    ])

    response = cast.client("member").post(reverse("corrections:plans.create", args=[shortcoming.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert not CorrectionPlan.objects.exists() and not Measure.objects.exists()
    assert "Biện pháp thứ hai</textarea>" in page and 'value="Bước của biện pháp hai"' in page
    # The refusal sits in the second step of the first measure, next to its date.
    step = page[page.index('name="measures-0-steps-1-what"'):page.index('name="measures-1-text"')]
    assert "28/02/2027" in step and "errorlist" in step
    assert "errorlist" not in page[page.index('name="measures-1-text"'):]


def test_a_stale_plan_is_refused_with_what_was_typed_kept(cast, frozen):
    shortcoming = shortcoming_of(cast)
    plan = services.save_plan(None, unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                              deadline=datetime.date(2027, 2, 28), measures=[], by=cast.users["member"])
    url = reverse("corrections:plans.edit", args=[plan.pk])
    opened = plan.version
    services.save_plan(plan, unit=cast.cell, shortcomings=[shortcoming], deadline=datetime.date(2027, 1, 31),
                       measures=[], version=opened, by=cast.users["member"])

    response = cast.client("member").post(url, plan_post(cast, shortcoming, version=str(opened),
                                                          measures=[(a_measure(cast), [a_step()])]))

    plan.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert plan.deadline == datetime.date(2027, 1, 31) and not plan.measures.exists()
    assert 'role="alert"' in page and "Đóng đảng phí trước ngày 5 hằng tháng</textarea>" in page
    assert re.search(rf'name="version" value="{plan.version}"', page)


def test_save_draft_then_edit_replaces_measures_and_the_old_pages_still_add_a_measure(cast, frozen):
    shortcoming = shortcoming_of(cast)
    client = cast.client("member")
    client.post(reverse("corrections:plans.create", args=[shortcoming.pk]),
                plan_post(cast, shortcoming, measures=[(a_measure(cast), [a_step()])], save="1"))
    plan = CorrectionPlan.objects.get()
    edit = client.get(reverse("corrections:plans.edit", args=[plan.pk])).content.decode()

    response = client.post(reverse("corrections:plans.edit", args=[plan.pk]), plan_post(
        cast, shortcoming, version=str(plan.version), measures=[(a_measure(cast, "Biện pháp mới"), [a_step()])]))
    old_page = client.post(reverse("corrections:plans.detail", args=[plan.pk]),
                           {"text": "Thêm một biện pháp", "supervisor": cast.members["secretary"].pk})

    assert plan.status == PlanStatus.DRAFT
    assert "Đóng đảng phí trước ngày 5 hằng tháng</textarea>" in edit and 'value="10/12/2026"' in edit
    assert response.status_code == 302 and old_page.status_code == 302
    assert list(plan.measures.values_list("text", flat=True)) == ["Biện pháp mới", "Thêm một biện pháp"]


# --- the roadmap step's date and whose shortcoming it is --------------------------------------------------------


def test_a_steps_date_is_labelled_due_by_and_the_audit_keeps_by_for_the_actor(cast, frozen):
    shortcoming = shortcoming_of(cast)

    page = cast.client("member").get(reverse("corrections:plans.create", args=[shortcoming.pk])).content.decode()

    due_label = re.search(r'<label for="id_measures-0-steps-0-due">([^<]*)</label>', page)
    assert due_label and due_label[1].strip().rstrip(":") == "Hạn hoàn thành"
    assert "Người thực hiện" not in page
    with translation.override("vi"):
        assert gettext("By") == "Người thực hiện"  # the audit trail's actor column keeps its word


def test_a_collective_shortcoming_says_collective_on_its_page_as_on_the_board(cast, frozen):
    collective = services.record_shortcoming(unit=cast.cell, text="Sinh hoạt chuyên đề chưa đều",
                                             by=cast.users["secretary"])

    page = cast.client("secretary").get(reverse("corrections:shortcomings.detail", args=[collective.pk]))
    board = cast.client("secretary").get(reverse("corrections:units.board", args=[cast.cell.pk]))

    main = page.content.decode().split("<main", 1)[1]
    assert collective.responsibility_kind == ResponsibilityKind.COLLECTIVE
    assert "Tập thể" in main and "Cá nhân" not in main
    assert "Tập thể" in board.content.decode()
    with pytest.raises(services.ShortcomingError) as error:
        services.record_shortcoming(unit=cast.cell, text="Thiếu đoàn kết", by=cast.users["secretary"],
                                    responsibility_kind=ResponsibilityKind.INDIVIDUAL)
    assert error.value.code == "responsibility"


# --- drafts stay their writer's --------------------------------------------------------------------------------


def test_shortcomings_of_a_draft_review_stay_with_their_author_until_it_is_submitted(cast, frozen):
    cycle = open_for(cast.commune, enforce_order=False)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])
    draft = review_services.add_review_shortcoming(review, text="Còn nể nang khi góp ý đồng chí",
                                                   cause="subjective", by=cast.users["member"])
    board_url = reverse("corrections:units.board", args=[cast.cell.pk])

    before = {who: cast.client(who).get(reverse("corrections:shortcomings.detail", args=[draft.pk])).status_code
              for who in ("member", "secretary", "parent_staff")}
    board_before = cast.client("secretary").get(board_url).content.decode()
    complete_review(review, cast.users["member"])
    board_after = cast.client("secretary").get(board_url).content.decode()

    assert before == {"member": 200, "secretary": 404, "parent_staff": 404}
    assert "Còn nể nang" not in board_before
    assert "Còn nể nang" in board_after
    assert policy.can_see_shortcoming(cast.users["parent_staff"], Shortcoming.objects.get(pk=draft.pk))


# --- the board's filter and the back link ------------------------------------------------------------------------


def test_the_board_filters_by_status_and_shows_verified_fixes_on_demand(cast, frozen):
    fixed, claimed = shortcoming_of(cast, text="Đã khắc phục xong"), shortcoming_of(cast, text="Đang chờ xác nhận")
    shortcoming_of(cast, text="Chưa có kế hoạch nào")
    for item in (fixed, claimed):
        approved_plan(cast, item)
        services.claim_fix(item, note="Xong", by=cast.users["member"])
    services.verify_fix(fixed, note="Đủ", by=cast.users["secretary"])
    url = reverse("corrections:units.board", args=[cast.cell.pk])
    client = cast.client("secretary")

    pages = {show: client.get(url, {"show": show} if show else {}).content.decode()
             for show in ("", "claimed", "verified", "all")}

    assert "Đang chờ xác nhận" in pages[""] and "Đã khắc phục xong" not in pages[""]
    assert "Đang chờ xác nhận" in pages["claimed"] and "Chưa có kế hoạch nào" not in pages["claimed"]
    assert "Đã khắc phục xong" in pages["verified"] and "Đang chờ xác nhận" not in pages["verified"]
    assert all(text in pages["all"] for text in ("Đã khắc phục xong", "Đang chờ xác nhận", "Chưa có kế hoạch"))
    assert '<option value="verified" selected>' in pages["verified"]


def test_the_back_link_leads_where_the_reader_came_from(cast, frozen):
    shortcoming = shortcoming_of(cast)
    url = reverse("corrections:shortcomings.detail", args=[shortcoming.pk])

    owner = cast.client("member").get(url).content.decode()
    secretary = cast.client("secretary").get(url).content.decode()

    assert f'href="{reverse("corrections:mine")}">← Việc khắc phục của tôi' in owner
    assert f'href="{reverse("corrections:units.board", args=[cast.cell.pk])}">←' in secretary
    assert "← Việc khắc phục của tôi" not in secretary


# --- supervisors from the level above, and who approves a collective's plan ----------------------------------------


def test_the_committee_above_may_supervise_the_cells_collective_correction_and_approves_its_plan(cast, frozen):
    commune_member = make_member(cast.sibling_cell, "Ngô Văn Quang", user=UserFactory(username="quang"))
    org_services.assign_post(commune_member, unit=cast.commune, kind=PostKind.COMMITTEE_MEMBER, by=SYSTEM)
    collective = services.record_shortcoming(unit=cast.cell, text="Sinh hoạt chuyên đề chưa đều",
                                             by=cast.users["secretary"])

    offered = list(queries.possible_supervisors(cast.cell, None))
    plan = services.save_plan(None, unit=cast.cell, shortcomings=[collective], deadline=datetime.date(2027, 2, 28),
                              measures=[services.MeasureDraft(
                                  "Họp chuyên đề mỗi quý", supervisor=commune_member,
                                  deadline=datetime.date(2027, 2, 28),
                                  steps=(services.StepDraft("Họp quý I", datetime.date(2027, 1, 15)),))],
                              by=cast.users["secretary"])
    services.submit_plan(plan, by=cast.users["secretary"])
    url = reverse("corrections:plans.detail", args=[plan.pk])

    secretary_page = cast.client("secretary").get(url).content.decode()
    committee_page = cast.client("committee").get(url).content.decode()

    assert commune_member in offered and cast.members["sibling"] not in offered
    assert 'value="approve"' not in secretary_page and 'value="approve"' in committee_page
    assert not policy.can_decide_plan(cast.users["secretary"], plan)
    assert cast.client("committee").post(reverse("corrections:plans.decide", args=[plan.pk]),
                                         {"decision": "approve"}).status_code == 302
    collective.refresh_from_db()
    assert collective.status == ShortcomingStatus.PLANNED


def test_collective_shortcomings_recorded_as_individual_become_the_collectives_on_migrating(cast, frozen):
    migration = import_module("soisua.corrections.migrations.0005_collective_responsibility_step_due_label")
    collective = services.record_shortcoming(unit=cast.cell, text="Sinh hoạt chuyên đề chưa đều",
                                             by=cast.users["secretary"])
    member_owned = shortcoming_of(cast)
    Shortcoming.objects.filter(pk=collective.pk).update(responsibility_kind=ResponsibilityKind.INDIVIDUAL)

    migration.collective_is_not_individual(django_apps, None)

    collective.refresh_from_db()
    member_owned.refresh_from_db()
    assert collective.responsibility_kind == ResponsibilityKind.COLLECTIVE
    assert member_owned.responsibility_kind == ResponsibilityKind.INDIVIDUAL
