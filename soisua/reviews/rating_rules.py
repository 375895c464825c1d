"""The rules a rating must satisfy (docs/domain.md, "Ratings"), read from the cycle's rule set and cited by its
documents.

`check_rating` lists the rules a proposed level breaks; a decision that breaks one needs a written override.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils.translation import gettext as _

from soisua.core.formats import number
from soisua.corrections.enums import DONE_STATUSES
from soisua.corrections.models import Shortcoming
from soisua.counters import rollups
from soisua.org.models import Unit

from . import rollup
from .enums import ReviewRank
from .models import Cycle, QuotaSetting, RatingLevel, Review, RuleSet
from .queries import grassroots_of, level_for_score, level_named, levels_of


@dataclass(frozen=True)
class RuleCheck:
    code: str
    message: str
    source: str  # the citation: '366-QĐ/TW (30/08/2025)'

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "source": self.source}


def _better(rule_set: RuleSet, level: str, than: str) -> bool:
    order = {candidate.code: candidate.order for candidate in levels_of(rule_set)}
    return level in order and than in order and order[level] < order[than]


def check_rating(review: Review, level_code: str, *, forcing: list[str]) -> list[RuleCheck]:
    """The rules that rating `review` at `level_code` would break, given the forcing conditions found to apply."""
    rule_set = review.cycle.rule_set
    level = level_named(rule_set, level_code)
    if level is None:
        return [RuleCheck("level", _("Unknown level."), "")]
    checks = [*_forcing(review, level, forcing), *_threshold(review, level, forcing), *_earlier_fixes(review, level),
              *_head_and_collective(review, level), *_quota(review, level)]
    return [check for check in checks if check is not None]


def _lowest(rule_set: RuleSet) -> RatingLevel:
    return levels_of(rule_set)[-1]


def _forcing(review: Review, level: RatingLevel, forcing: list[str]):
    rule_set = review.cycle.rule_set
    lowest = _lowest(rule_set)
    if not forcing or level.code == lowest.code:
        return
    for condition in rule_set.forcing_conditions.filter(code__in=forcing):
        yield RuleCheck("forcing", _("“%(condition)s” applies, which forces the level “%(lowest)s”.")
                        % {"condition": condition.text, "lowest": lowest.name}, rule_set.cite(condition.source))


def _threshold(review: Review, level: RatingLevel, forcing: list[str]):
    score = review.self_score
    rule_set = review.cycle.rule_set
    if score is None or (forcing and level.code == _lowest(rule_set).code):
        return
    band = level_for_score(rule_set, score)
    if band is not None and band.code != level.code:
        yield RuleCheck("threshold", _("The score of %(score)s points falls in “%(band)s” (from %(minimum)s points), "
                                       "not in “%(level)s”.")
                        % {"score": number(score), "band": band.name, "minimum": number(band.min_score),
                           "level": level.name}, rule_set.cite(band.source))


def _earlier_fixes(review: Review, level: RatingLevel):
    """The top level needs every shortcoming named in earlier cycles verified fixed (Quy định 366)."""
    rule_set = review.cycle.rule_set
    if level.code != levels_of(rule_set)[0].code:
        return
    earlier = Shortcoming.objects.exclude(status__in=DONE_STATUSES).exclude(review__cycle=review.cycle)
    earlier = earlier.filter(member=review.member) if review.member_id else earlier.filter(unit=review.unit,
                                                                                          member=None)
    open_count = earlier.filter(created_at__lt=review.cycle.opened_at).count()
    if open_count:
        yield RuleCheck("earlier_fixes", _("“%(level)s” needs every earlier shortcoming fixed and verified; "
                                           "%(count)s are not.") % {"level": level.name, "count": open_count},
                        rule_set.cite(level.source))


# Which level of another review a rule compares: the superior committee's decision, and where a rule allows it
# (the collective that the head is held to), the cell's proposal until the decision. A person's own self-proposal
# is never compared: it is what the rating is deciding, not a rating.
DECIDED, PROPOSED = "decided", "cell"


def _compared_level(*, proposals: bool):
    """The level compared for another review: decided, else (when `proposals`) proposed by the cell, else ""."""
    cases = [When(~Q(decided_level="") & Q(decided_at__isnull=False), then=F("decided_level"))]
    if proposals:
        cases.append(When(~Q(cell_level=""), then=F("cell_level")))
    return Case(*cases, default=Value(""), output_field=CharField())


def _compared_source(*, proposals: bool):
    cases = [When(~Q(decided_level="") & Q(decided_at__isnull=False), then=Value(DECIDED))]
    if proposals:
        cases.append(When(~Q(cell_level=""), then=Value(PROPOSED)))
    return Case(*cases, default=Value(""), output_field=CharField())


def _head_and_collective(review: Review, level: RatingLevel):
    """A head may not be rated above the collective he or she heads.

    The collective is decided first (the review order): rating the head compares the collective's decided level,
    or until then the cell's proposal for it. Rating the collective compares only a decision on the head, never
    the head's self-proposal nor a proposal still open to the decision.
    """
    rule_set = review.cycle.rule_set
    same_unit = Review.objects.filter(cycle=review.cycle, unit=review.unit)
    if review.rank == ReviewRank.HEAD:
        collective = (same_unit.filter(rank=ReviewRank.COLLECTIVE)
                      .annotate(level=_compared_level(proposals=True), source=_compared_source(proposals=True))
                      .exclude(level="").values_list("level", "source").first())
        if collective and _better(rule_set, level.code, collective[0]):
            name = level_named(rule_set, collective[0]).name
            message = (_("The head may not be rated above the collective they head (the collective's decided "
                         "level: “%(collective)s”).") if collective[1] == DECIDED
                       else _("The head may not be rated above the collective they head (the level proposed by "
                              "the cell for the collective: “%(collective)s”)."))
            yield RuleCheck("head_above_collective", message % {"collective": name}, rule_set.cite(level.source))
    elif review.rank == ReviewRank.COLLECTIVE:
        head = (same_unit.filter(rank=ReviewRank.HEAD).annotate(level=_compared_level(proposals=False))
                .exclude(level="").values_list("level", flat=True).first())
        if head and _better(rule_set, head, level.code):
            yield RuleCheck("head_above_collective", _("The head's decided level is “%(head)s”, above this level: "
                                                       "a head may not be rated above the collective they head.")
                            % {"head": level_named(rule_set, head).name}, rule_set.cite(level.source))


def quota_for(unit: Unit, rule_set: RuleSet) -> tuple[Decimal, str]:
    """(percent, base level) for an organisation: its own setting, else the nearest above it, else the rule set's."""
    return quotas_for([unit], rule_set)[unit.pk]


def quotas_for(organisations: list[Unit], rule_set: RuleSet) -> dict[int, tuple[Decimal, str]]:
    """`quota_for` of several organisations (by unit id), in one query."""
    paths = {path for unit in organisations for path in (*unit.ancestor_paths(), unit.path)}
    settings = {path: (percent, base_level) for path, percent, base_level in QuotaSetting.objects.filter(
        unit__path__in=paths).values_list("unit__path", "percent", "base_level")}
    return {unit.pk: next((settings[path] for path in (unit.path, *reversed(unit.ancestor_paths()))
                           if path in settings), (rule_set.quota_percent, rule_set.quota_base_level))
            for unit in organisations}


def allowed_by_quota(percent: Decimal, base_count: int) -> int:
    """How many may get the quota level: `percent` of those rated at the base level, rounded down."""
    return math.floor(percent * base_count / 100)


@dataclass(frozen=True)
class QuotaUse:
    """An organisation's excellent quota in a cycle: members decided at the quota level against those allowed."""

    unit: Unit
    level: RatingLevel | None  # the quota level of the cycle's rule set
    base: RatingLevel | None
    base_level: str
    percent: Decimal
    base_count: int  # members rated at the base level: decided, else proposed by the cell
    given: int  # members decided at the quota level
    allowed: int

    @property
    def over(self) -> bool:
        return self.given > self.allowed

    @property
    def percent_text(self) -> str:
        return number(self.percent)


def counted_quota(cycle: Cycle, organisations: list[Unit]) -> list[QuotaUse]:
    """`_quota`'s figures for each grassroots organisation's members in the cycle, read from the subtree counters
    (`rollup`: decided and rated levels): one read of a few rows per organisation, plus their quota settings."""
    if not organisations:
        return []
    rule_set = cycle.rule_set
    figures = rollups.figures_of_units([unit.pk for unit in organisations], [rollup.period(cycle)],
                                       (f"{rollup.prefix(cycle)}lvl.", f"{rollup.prefix(cycle)}rated."))
    quotas = quotas_for(organisations, rule_set)
    rows = []
    for unit in organisations:
        percent, base_level = quotas[unit.pk]
        counted = figures.get(unit.pk, {})
        base_count = rollup.rated(cycle, counted).get(base_level, 0)
        rows.append(QuotaUse(unit=unit, level=level_named(rule_set, rule_set.quota_level),
                             base=level_named(rule_set, base_level), base_level=base_level, percent=percent,
                             base_count=base_count, given=rollup.levels(cycle, counted).get(rule_set.quota_level, 0),
                             allowed=allowed_by_quota(percent, base_count)))
    return rows


def quota_usage(review: Review, organisation: Unit) -> dict[str, dict[str, int]]:
    """Among the organisation's other reviews of the same kind (members or collectives), counts per level: decided
    ({"decided": {level: n}}) and decided or, until the decision, proposed by the cell ({"rated": {level: n}}).
    Self-proposals are never counted."""
    reviews = (Review.objects.filter(cycle=review.cycle, unit__path__startswith=organisation.path,
                                     member__isnull=review.member_id is None)
               .exclude(pk=review.pk)
               .annotate(decided=_compared_level(proposals=False), rated=_compared_level(proposals=True))
               .exclude(rated="").values("decided", "rated").annotate(count=Count("pk")))
    usage: dict[str, dict[str, int]] = {"decided": {}, "rated": {}}
    for row in reviews:
        for key in ("decided", "rated"):
            if row[key]:
                usage[key][row[key]] = usage[key].get(row[key], 0) + row["count"]
    return usage


def _quota(review: Review, level: RatingLevel):
    """At most `percent` of the members (or organisations) rated at the base level may get the quota level.

    Those already given the quota level are counted from decisions; the base from decisions and, until the
    decision, the cell's proposals (so the first decisions are not refused for want of decided bases).
    """
    rule_set = review.cycle.rule_set
    if level.code != rule_set.quota_level:
        return
    organisation = grassroots_of(review.unit)
    percent, base_level = quota_for(organisation, rule_set)
    usage = quota_usage(review, organisation)
    base_count = usage["rated"].get(base_level, 0)
    given = usage["decided"].get(level.code, 0)
    allowed = allowed_by_quota(percent, base_count)
    if given + 1 > allowed:
        base = level_named(rule_set, base_level)
        yield RuleCheck("quota", _("%(organisation)s may rate at most %(allowed)s as “%(level)s” (%(percent)s %% of "
                                   "the %(base_count)s decided or proposed by the cell as “%(base)s”); %(given)s "
                                   "already decided as “%(level)s”, this would make %(count)s.")
                        % {"organisation": organisation.name, "allowed": allowed, "level": level.name,
                           "percent": number(percent), "base_count": base_count,
                           "base": base.name if base else base_level, "given": given, "count": given + 1},
                        rule_set.cite(rule_set.quota_source))
