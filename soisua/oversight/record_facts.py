"""Oversight's part of the year's record offered to a review's writer: the findings of the inspections and
supervisions of the unit (for the collective's review) or of the member, concluded within the cycle's period. Only
concluded ones: before the conclusion the findings are the inspecting body's working records
(`policy.sees_working_records`). Registered with soisua/core/record.py (loaded by OversightConfig.ready)."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from soisua.core import record

from .enums import InspectionStatus
from .models import Finding, Inspection
from .policy import can_see

KINDS = ("oversight.finding",)
QUOTED_LENGTH = 200


def facts(review) -> list[dict]:
    cycle = review.cycle
    findings = Finding.objects.filter(inspection__status=InspectionStatus.CONCLUDED,
                                      inspection__conclusion_date__gte=cycle.period_start,
                                      inspection__conclusion_date__lte=cycle.period_end)
    if review.member_id is not None:
        findings = findings.filter(inspection__subject_member_id=review.member_id)
    else:
        findings = findings.filter(inspection__subject_unit_id=review.unit_id, inspection__subject_member=None)
    group = _("Inspection and supervision")
    found = []
    for finding in findings.select_related("inspection__body").order_by("inspection__conclusion_date", "pk"):
        inspection = finding.inspection
        source = _("Conclusion %(number)s of %(day)s, %(body)s") % {
            "number": inspection.conclusion_number, "day": inspection.conclusion_date.strftime("%d/%m/%Y"),
            "body": inspection.body.name}
        found.append({"key": f"oversight.finding:{finding.pk}",
                      "text": _("%(kind)s by %(body)s found: %(finding)s") % {
                          "kind": inspection.get_kind_display(), "body": inspection.body.name,
                          "finding": Truncator(" ".join(finding.text.split())).chars(QUOTED_LENGTH)},
                      "source": source, "group": group, "url": reverse("oversight:detail", args=[inspection.pk]),
                      "file_url": "", "day": inspection.conclusion_date})
    return found


def links(user, asked: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """An inspection is opened by whoever `policy.can_see` admits."""
    findings = list(Finding.objects.filter(pk__in=record.ids(asked, "oversight.finding")))
    inspections = {inspection.pk: inspection for inspection in Inspection.objects.filter(
        pk__in={finding.inspection_id for finding in findings}).select_related(
        "body", "subject_unit", "subject_member").prefetch_related("team")}
    return {f"oversight.finding:{finding.pk}": (reverse("oversight:detail", args=[finding.inspection_id]), "")
            for finding in findings if can_see(user, inspections[finding.inspection_id])}


record.register_source("oversight", kinds=KINDS, facts=facts, links=links)
