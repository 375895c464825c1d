"""Who follows a directive's progress and what a unit's page shows of the directives it drafts: the units a
directive does not reach, siblings and other communes learn nothing of it (docs/architecture.md, "Access")."""

from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.directives import services
from soisua.directives.enums import TargetMode
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.enums import Role
from tests.directives.test_directives import KEY_TASKS, draft, issued, receipt_of
from tests.factories import UserFactory


def progress_urls(directive, unit) -> dict[str, str]:
    return {"page": reverse("directives:progress", args=[directive.pk, unit.pk]),
            "xlsx": reverse("directives:progress.export", args=[directive.pk, unit.pk, "xlsx"])}


def test_a_cell_the_directive_does_not_reach_cannot_read_it_through_its_own_progress_page(cast):
    directive = issued(cast, target_mode=TargetMode.UNITS, target_units=[cast.sibling_cell])
    secretary = cast.client("secretary")

    answers = {name: secretary.get(url).status_code for name, url in progress_urls(directive, cast.cell).items()}
    reminded = secretary.post(reverse("directives:remind", args=[directive.pk, cast.cell.pk]))

    assert secretary.get(reverse("directives:detail", args=[directive.pk])).status_code == 404
    assert answers == {"page": 404, "xlsx": 404}
    assert reminded.status_code == 404
    assert not Notification.objects.filter(kind="directives.reminder").exists()


def test_another_communes_staff_cannot_read_a_province_plan_addressed_elsewhere_through_their_commune(cast):
    plan = services.issue(draft(cast, issuer=cast.province, by=SYSTEM, number="72", issuer_symbol="TU",
                                target_mode=TargetMode.UNITS, target_units=[cast.commune]), version=None, by=SYSTEM)
    staff = cast.client("unrelated_staff")

    page = staff.get(reverse("directives:progress", args=[plan.pk, cast.other_commune.pk]))

    assert staff.get(reverse("directives:detail", args=[plan.pk])).status_code == 404
    assert page.status_code == 404 and KEY_TASKS[0] not in page.text


def test_the_units_reached_and_the_issuer_still_follow_their_part(cast):
    directive = issued(cast, target_mode=TargetMode.UNITS, target_units=[cast.sibling_cell])
    sibling_secretary = UserFactory(username="sibling_secretary")
    org_services.grant_role(sibling_secretary, unit=cast.sibling_cell, role=Role.SECRETARY, by=SYSTEM)
    sibling = cast.client("anonymous")
    sibling.force_login(sibling_secretary)

    own_part = sibling.get(reverse("directives:progress", args=[directive.pk, cast.sibling_cell.pk]))
    issuer_side = cast.client("committee").get(reverse("directives:progress", args=[directive.pk, cast.cell.pk]))
    outside_the_issuer = cast.client("committee").get(reverse("directives:progress",
                                                              args=[directive.pk, cast.other_cell.pk]))

    assert own_part.status_code == 200 and KEY_TASKS[0] in own_part.text
    assert issuer_side.status_code == 200
    assert outside_the_issuer.status_code == 404


def test_a_plain_member_does_not_see_the_draft_their_cell_is_writing_to_carry_a_directive_out(cast):
    directive = issued(cast)
    receipt = receipt_of(directive, cast.cell)
    own = draft(cast, issuer=cast.cell, by=cast.users["secretary"], parent=directive, number="03",
                issuer_symbol="CB", title="Dự thảo kế hoạch của chi bộ")
    url = reverse("directives:receipt", args=[receipt.pk])

    seen_by_member = cast.client("member").get(url)
    seen_by_secretary = cast.client("secretary").get(url)

    assert seen_by_member.status_code == 200 and own.symbol not in seen_by_member.text
    assert own.symbol in seen_by_secretary.text
