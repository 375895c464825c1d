from django.db.models import Prefetch, QuerySet

from .enums import RuleSetStatus
from .models import Checklist, RuleSet


def rule_sets() -> QuerySet[RuleSet]:
    return RuleSet.objects.select_related("copied_from")


def current_rule_set() -> RuleSet | None:
    """The newest published rule set: what a new cycle uses unless told otherwise."""
    return RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).order_by("-published_at", "-id").first()


def rule_set_with_rules(pk: int) -> RuleSet | None:
    return (RuleSet.objects.filter(pk=pk)
            .prefetch_related("levels", "forcing_conditions", "forms",
                              Prefetch("checklists", queryset=Checklist.objects.prefetch_related("items")))
            .first())
