"""Writes to early warnings: running the checks (`evaluate`, the daily job), acknowledging a warning with a note,
editing a rule (a new version), and the weekly digest to each committee.

Each function owns its transaction, appends the audit entry and raises AlertError (translated) on refusal.
"""

import datetime
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import Conflict, DomainError, clean_text, save_if_current
from soisua.core.formats import number
from soisua.notifications.services import notify
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import PATH_STEP, Unit, UnitKind

from .detectors import DETECTORS, RUN_CACHE, Found
from .enums import LIVE_STATUSES, MAX_THRESHOLD, MEANING, PERIOD_LIMIT, AlertStatus, Check
from .models import Alert, Rule

LEADERSHIP = {Role.SECRETARY, Role.COMMITTEE, Role.STAFF}
MAX_NOTE = 2000
BATCH = 2000


class AlertError(DomainError):
    """A refused change to a warning or a rule; the message is already translated."""


# --- who owns a warning ----------------------------------------------------------------------------------------


def owners_of(unit_ids: set[int], receiver: UnitKind) -> dict[int, tuple[int, int | None]]:
    """{unit id: (owner unit id, province id)}: the owner is the deepest unit at or above the unit whose kind is
    at the receiving level or above it (a cell's own warnings stay with it when the receiver is "cell"; with
    "grassroots" they go to the grassroots or commune committee above it)."""
    units: dict[int, tuple[str, int, int | None]] = {}
    ids = sorted(unit_ids)
    for start in range(0, len(ids), BATCH):
        units.update((pk, (path, order, province)) for pk, path, order, province in Unit.objects.filter(
            pk__in=ids[start:start + BATCH]).values_list("pk", "path", "kind__order", "province_id"))
    prefixes = {path[:end] for path, _order, _province in units.values()
                for end in range(PATH_STEP, len(path), PATH_STEP)}
    above: dict[str, tuple[int, int]] = {}
    prefix_list = sorted(prefixes)
    for start in range(0, len(prefix_list), BATCH):
        above.update((path, (pk, order)) for pk, path, order in Unit.objects.filter(
            path__in=prefix_list[start:start + BATCH]).values_list("pk", "path", "kind__order"))
    result = {}
    for pk, (path, order, province) in units.items():
        owner = pk
        if order > receiver.order:
            for end in range(len(path) - PATH_STEP, 0, -PATH_STEP):
                owner, owner_order = above.get(path[:end], (owner, 0))
                if owner_order <= receiver.order:
                    break
        result[pk] = (owner, province)
    return result


# --- running the checks ----------------------------------------------------------------------------------------


def evaluate(*, by, today: datetime.date | None = None, checks: list[str] | None = None) -> dict[str, dict]:
    """Run every enabled rule's check and bring the warnings in line with what it found: raise new ones, re-open
    resolved ones whose condition returned, refresh the figures of live ones and resolve those whose condition is
    gone (also all live warnings of a disabled rule). Each owner whose warnings were raised or re-opened is told
    once a day. Returns {check: {"raised", "reopened", "resolved", "live"}}."""
    today = today or timezone.localdate()
    report = {}
    RUN_CACHE.clear()
    try:
        for rule in Rule.objects.filter(current=True).select_related("receiver").order_by("kind"):
            if checks and rule.kind not in checks:
                continue
            found = DETECTORS[rule.kind](rule, today) if rule.enabled else []
            report[rule.kind] = _sync(rule, found, by=by, today=today)
    finally:
        RUN_CACHE.clear()
    return report


def _sync(rule: Rule, found: list[Found], *, by, today: datetime.date) -> dict[str, int]:
    now = timezone.now()
    owners = owners_of({item.unit_id for item in found}, rule.receiver)
    counts = {"raised": 0, "reopened": 0, "resolved": 0, "live": 0}
    told: dict[int, int] = defaultdict(int)
    with transaction.atomic():
        existing = {(alert.unit_id, alert.subject): alert for alert in Alert.objects.select_for_update()
                    .filter(kind=rule.kind).only("pk", "unit_id", "subject", "status", "figures", "evidence",
                                                 "owner_id", "times_opened", "version", "rule_id")}
        new, changed, reopened = [], [], []
        for item in found:
            owner_id, province_id = owners[item.unit_id]
            alert = existing.pop((item.unit_id, item.subject), None)
            if alert is None:
                new.append(Alert(rule=rule, kind=rule.kind, unit_id=item.unit_id, owner_id=owner_id,
                                 province_id=province_id, subject=item.subject, member_id=item.member_id,
                                 figures=item.figures, evidence=item.evidence, first_raised_at=now, opened_at=now))
                told[owner_id] += 1
                continue
            if alert.status == AlertStatus.RESOLVED:
                reopened.append(alert.pk)
                told[owner_id] += 1
            elif alert.figures == item.figures and alert.evidence == item.evidence and alert.owner_id == owner_id:
                counts["live"] += 1
                continue
            else:
                counts["live"] += 1
            alert.figures, alert.evidence, alert.owner_id, alert.rule = item.figures, item.evidence, owner_id, rule
            alert.version += 1
            changed.append(alert)
        gone = [alert.pk for alert in existing.values() if alert.status in LIVE_STATUSES]
        # What every re-opened or resolved warning gets alike is one statement per chunk; each one's own figures,
        # evidence and owner go in small batches.
        for start in range(0, len(reopened), BATCH):
            Alert.objects.filter(pk__in=reopened[start:start + BATCH]).update(
                status=AlertStatus.OPEN, opened_at=now, resolved_at=None, times_opened=F("times_opened") + 1,
                acknowledged_at=None, acknowledged_by=None, acknowledgement="")
        for start in range(0, len(gone), BATCH):
            Alert.objects.filter(pk__in=gone[start:start + BATCH]).update(
                status=AlertStatus.RESOLVED, resolved_at=now, version=F("version") + 1)
        Alert.objects.bulk_create(new, batch_size=BATCH)
        _write_own_values(changed)
        counts["reopened"] = len(reopened)
        counts["raised"], counts["resolved"] = len(new), len(gone)
        if new or gone or counts["reopened"]:
            audit.record(by, "alerts.evaluated", rule, {"raised": len(new), "reopened": counts["reopened"],
                                                       "resolved": len(gone), "day": today.isoformat()})
        _tell_owners(rule, told, today)
    return counts


def _write_own_values(alerts: list[Alert]) -> None:
    """Store each warning's figures, evidence, owner, rule and version: one parametrised statement run for every row
    (the driver sends them together), where bulk_update would build and compile a CASE branch per row and field."""
    if not alerts:
        return
    fields = [Alert._meta.get_field(name) for name in ("figures", "evidence", "owner", "rule", "version")]
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    sql = f"UPDATE {connection.ops.quote_name(Alert._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    rows = [[field.get_db_prep_save(getattr(alert, field.attname), connection) for field in fields] + [alert.pk]
            for alert in alerts]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _tell_owners(rule: Rule, told: dict[int, int], today: datetime.date) -> None:
    """One message a day per owner and check: its leadership learns how many warnings were raised or re-opened."""
    leaders = access.users_with_roles_on_units(list(told), LEADERSHIP)
    units = Unit.objects.in_bulk(list(leaders))
    for owner_id, users in leaders.items():
        for user in users:
            notify(user, kind="alerts.raised", event_key=f"alerts.raised:{rule.kind}:{owner_id}:{today.isoformat()}",
                   template="alerts/notifications/raised",
                   context={"unit": units[owner_id], "count": told[owner_id], "check": rule.get_kind_display()},
                   url=reverse("alerts:unit", args=[owner_id]))


def follow_moved_subtree(sender, *, unit: Unit, **kwargs) -> None:
    """Receiver of org's subtree_moved: the warnings about the moved units go to the owners the current rules give
    them above their new place, in the move's transaction, so the leadership they left neither reads nor
    acknowledges them any more (org rewrites their province key with every province-keyed row)."""
    rows = list(Alert.objects.filter(unit__path__startswith=unit.path)
                .values_list("pk", "unit_id", "owner_id", "version", "kind"))
    receivers = {rule.kind: rule.receiver for rule in Rule.objects.filter(current=True).select_related("receiver")}
    by_check: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_check[row[-1]].append(row)
    changed = []
    for check, alerts in by_check.items():
        owners = owners_of({row[1] for row in alerts}, receivers[check])
        changed += [Alert(pk=pk, owner_id=owners[unit_id][0], version=version + 1)
                    for pk, unit_id, owner_id, version, _check in alerts if owners[unit_id][0] != owner_id]
    Alert.objects.bulk_update(changed, ["owner_id", "version"], batch_size=BATCH)


# --- acting on a warning ---------------------------------------------------------------------------------------


def acknowledge(alert: Alert, *, by, note: str, version: int | None) -> Alert:
    """The owner's leadership says it has seen the warning and what it does about it (a note is required); nobody
    acknowledges a warning about themselves (their own absences), as nobody verifies their own fix. The warning
    stays on the dashboards until its condition is gone."""
    note = clean_text(note, _("Note"), MAX_NOTE, error=AlertError)
    if not note:
        raise AlertError(_("Say what the unit does about this warning."), code="required")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status != AlertStatus.OPEN:
            raise AlertError(_("This warning is no longer open."), code="not_open")
        acting = person(by)
        if acting is not None and alert.member_id is not None and access.scope_for(acting).member_id == alert.member_id:
            raise AlertError(_("A warning about yourself is acknowledged by the others of the leadership."),
                             code="own")
        save_if_current(alert, version, {"status": AlertStatus.ACKNOWLEDGED, "acknowledged_at": timezone.now(),
                                         "acknowledged_by": person(by), "acknowledgement": note},
                        error=Conflict)
        audit.record(by, "alerts.acknowledged", alert, {"note": note})
    return alert


# --- rules -----------------------------------------------------------------------------------------------------


def update_rule(rule: Rule, *, by, version: int | None, threshold: int, period: int | None, receiver: str,
                enabled: bool, age_under: int | None = None, note: str = "") -> Rule:
    """Write a new version of the rule (the old one is kept, and the warnings it raised still name it). Refuses a
    negative threshold or one above MAX_THRESHOLD, a period below one or above the check's PERIOD_LIMIT where the
    check counts one, an age outside 1–100 and a level that is not a unit kind of the installation."""
    note = clean_text(note, _("Reason for the change"), 500, error=AlertError)
    if threshold is None or threshold < 0:
        raise AlertError(_("The threshold cannot be negative."), code="threshold")
    if rule.kind == Check.ATTENDANCE_LOW and threshold > 100:
        raise AlertError(_("An attendance rate is at most 100 percent."), code="threshold")
    if threshold > MAX_THRESHOLD:
        raise AlertError(_("The threshold is at most %(limit)s.") % {"limit": number(MAX_THRESHOLD, grouped=True)},
                         code="threshold")
    if MEANING[rule.kind][1] is not None and (period is None or period < 1):
        raise AlertError(_("The period must be at least 1."), code="period")
    if MEANING[rule.kind][1] is not None and period > PERIOD_LIMIT[rule.kind]:
        raise AlertError(_("The period is at most %(limit)s (%(meaning)s).") % {
            "limit": number(PERIOD_LIMIT[rule.kind], grouped=True), "meaning": MEANING[rule.kind][1]}, code="period")
    if rule.kind == Check.YOUNG_SILENT and (age_under is None or not 1 <= age_under <= 100):
        raise AlertError(_("The age must be between 1 and 100 years."), code="age")
    receiving = UnitKind.objects.filter(code=receiver).first()
    if receiving is None:
        raise AlertError(_("“%(level)s” is not a level of the organisation.") % {"level": receiver}, code="level")
    with transaction.atomic():
        current = Rule.objects.select_for_update().get(pk=rule.pk)
        if not current.current:
            raise Conflict(_("This rule was changed meanwhile; reload it to see the current version."))
        if version is not None and version != current.version:
            raise Conflict(_("This rule was changed meanwhile; reload it to see the current version."))
        Rule.objects.filter(pk=current.pk).update(current=False)
        created = Rule.objects.create(
            kind=current.kind, version=current.version + 1, enabled=enabled, threshold=threshold,
            period=period if MEANING[current.kind][1] is not None else None,
            age_under=age_under if current.kind == Check.YOUNG_SILENT else None,
            receiver=receiving, note=note, created_by=person(by))
        audit.record(by, "alerts.rule_changed", created, audit.diff(
            {"threshold": current.threshold, "period": current.period, "age_under": current.age_under,
             "receiver": current.receiver.code, "enabled": current.enabled},
            {"threshold": created.threshold, "period": created.period, "age_under": created.age_under,
             "receiver": receiving.code, "enabled": created.enabled}))
    return created


# --- the weekly digest -----------------------------------------------------------------------------------------


def send_weekly_digest(*, today: datetime.date | None = None) -> int:
    """Tell each unit's leadership, once a week, how many warnings it owns are open, acknowledged and were resolved
    in the last seven days. Units without any of those get nothing."""
    today = today or timezone.localdate()
    week = today.isocalendar()
    key = f"{week.year}-W{week.week:02d}"
    since = timezone.now() - datetime.timedelta(days=7)
    figures: dict[int, dict[str, int]] = defaultdict(lambda: {"open": 0, "acknowledged": 0, "resolved": 0})
    rows = [*Alert.objects.filter(status__in=LIVE_STATUSES).values_list("owner_id", "status").order_by(),
            *Alert.objects.filter(status=AlertStatus.RESOLVED, resolved_at__gte=since)
            .values_list("owner_id", "status").order_by()]
    for owner_id, status in rows:
        figures[owner_id][status] += 1
    sent = 0
    leaders = access.users_with_roles_on_units(list(figures), LEADERSHIP)
    units = Unit.objects.in_bulk(list(leaders))
    for owner_id, users in leaders.items():
        for user in users:
            sent += notify(user, kind="alerts.digest", event_key=f"alerts.digest:{owner_id}:{key}",
                           template="alerts/notifications/digest",
                           context={"unit": units[owner_id], "week": key, **figures[owner_id]},
                           url=reverse("alerts:unit", args=[owner_id])) is not None
    return sent


__all__ = ["AlertError", "acknowledge", "evaluate", "follow_moved_subtree", "owners_of", "send_weekly_digest",
           "update_rule"]
