"""Writing a checked roster plan in bulk; the caller owns the transaction."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import F
from django.utils import timezone

from soisua.audit import services as audit
from soisua.org.enums import MemberStatus
from soisua.org.models import CellMembership, Member, MemberStatusChange, Post, Unit
from soisua.org.services import MEMBER_FIELDS, end_grants_with_posts, forget_access, member_values, touch_units

# Reused so that imported members get exactly the derived fields (sort key, search name) of org.services.
from soisua.org.signals import cell_members_changed

from .checking import Plan, Update, _chunks
from .reading import BATCH_SIZE, MEMBER_KEYS

# --- Applying -----------------------------------------------------------------------------------------------

@dataclass
class Applied:
    created: list[Member]
    updated: list[Member]


def apply_plan(plan: Plan, *, by, reason: str) -> Applied:
    """Write a valid plan. The caller holds the transaction: a failure anywhere must roll everything back.

    Side effects, in order: inserts the new members, their open memberships and first status rows; ends the
    open memberships of transferred members and opens the new ones; inserts status rows for changed statuses;
    updates the changed members (only their changed fields); marks the pages of every touched cell and its
    ancestors as changed, and the access of transferred members' logins; appends one audit entry per created
    and per updated member.
    """
    if not plan.is_valid:
        raise ValueError("an invalid plan cannot be applied")
    today = timezone.localdate()
    created = _create_members(plan.creates, today=today)
    updated = _update_members(plan.updates_to_apply, today=today, reason=reason, by=by)
    _touch(plan)
    audit.record_many(by, "org.member.create",
                      ((member, audit.snapshot(member, ("cell", "status", *MEMBER_FIELDS))) for member in created))
    audit.record_many(by, "org.member.update",
                      ((update.member, update.changes) for update in plan.updates_to_apply))
    return Applied(created=created, updated=updated)


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple], *,
            returning: bool = False) -> list[int]:
    """INSERT rows of database-ready values; with `returning`, the new ids in row order.

    The ORM's bulk_create spends most of its time assembling SQL per object; for a 100,000-row roster that is
    most of the import, so the three history-free tables are written directly: COPY on PostgreSQL (ids taken
    from the table's sequence first), multi-row INSERT … RETURNING elsewhere.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    table, pk_column = model._meta.db_table, model._meta.pk.column
    if connection.vendor == "postgresql":
        return _copy(table, pk_column, columns, rows, returning=returning)
    # Identifiers come from the model's own metadata; values are always parameters.
    head = f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {quote(pk_column)}" if returning else ""
    per_statement = max(1, min(BATCH_SIZE, 30_000 // len(columns)))  # SQLite allows 32,766 parameters
    ids: list[int] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, per_statement):
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, [value for row in chunk for value in row])
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _copy(table: str, pk_column: str, columns: tuple[str, ...], rows: list[tuple], *, returning: bool) -> list[int]:
    quote = connection.ops.quote_name
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [quote(table), pk_column, len(rows)])
            ids = [row[0] for row in cursor.fetchall()]
            columns, rows = (pk_column, *columns), [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        statement = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    return ids


_MEMBER_COLUMNS = ("full_name", "sort_key", "search_name", "date_of_birth", "sex", "ethnicity", "admission_date",
                   "official_date", "card_number", "citizen_id", "phone", "email", "status", "cell_id",
                   "province_id", "in_political_system", "version", "created_at", "updated_at")
_DATE_COLUMNS = frozenset({"date_of_birth", "admission_date", "official_date"})


def _create_members(creates: list[tuple[int, dict[str, Any], Unit, str]], *, today: datetime.date) -> list[Member]:
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    members: list[Member] = []
    rows = []
    for _row, values, cell, status in creates:
        member = Member(cell=cell, province_id=cell.province_id, status=status, **member_values(values))
        members.append(member)
        record = {name: getattr(member, name) for name in _MEMBER_COLUMNS[:16]}
        for name in _DATE_COLUMNS:
            record[name] = ops.adapt_datefield_value(record[name])
        rows.append((*record.values(), 1, now, now))
    ids = _insert(Member, _MEMBER_COLUMNS, rows, returning=True)
    for member, pk in zip(members, ids, strict=True):
        member.pk = member.id = pk
    started = ops.adapt_datefield_value(today)
    _insert(CellMembership, ("member_id", "cell_id", "started_on", "reason"),
            [(member.pk, member.cell_id, started, "") for member in members])
    _insert(MemberStatusChange, ("member_id", "status", "effective_on", "reason", "recorded_at"),
            [(member.pk, member.status, started, "", now) for member in members])
    return members


def _end_posts(transfers: list[Update], leaving: list[Update], *, today: datetime.date, by) -> None:
    """As org.services does one by one: a transfer ends the posts held in the old cell, leaving ends all posts,
    and the roles that came with them end too."""
    old_cells = dict(Unit.objects.filter(pk__in={update.member.cell_id for update in transfers})
                     .values_list("pk", "path"))
    ended: list[int] = []
    for update in transfers:
        posts = Post.objects.filter(member_id=update.member.pk, ended_on__isnull=True,
                                    unit__path__startswith=old_cells[update.member.cell_id])
        ended += posts.values_list("pk", flat=True)
        posts.update(ended_on=today)
    for chunk in _chunks([update.member.pk for update in leaving]):
        posts = Post.objects.filter(member_id__in=chunk, ended_on__isnull=True)
        ended += posts.values_list("pk", flat=True)
        posts.update(ended_on=today)
    for chunk in _chunks(ended):
        end_grants_with_posts(chunk, by=by)


def _update_members(updates: list[Update], *, today: datetime.date, reason: str, by) -> list[Member]:
    ops = connection.ops
    now, started = ops.adapt_datetimefield_value(timezone.now()), ops.adapt_datefield_value(today)
    transfers = [update for update in updates if update.to_cell is not None]
    _end_posts(transfers, [update for update in updates if update.status == MemberStatus.LEFT], today=today, by=by)
    for chunk in _chunks([update.member.pk for update in transfers]):
        CellMembership.objects.filter(member_id__in=chunk, ended_on__isnull=True).update(ended_on=today)
    _insert(CellMembership, ("member_id", "cell_id", "started_on", "reason"),
            [(update.member.pk, update.to_cell.pk, started, reason) for update in transfers])
    _insert(MemberStatusChange, ("member_id", "status", "effective_on", "reason", "recorded_at"),
            [(update.member.pk, update.status, started, reason, now) for update in updates if update.status])
    # One bulk update per set of changed fields, so that no member gets a field written that did not change.
    groups: dict[tuple[str, ...], list[Member]] = {}
    now = timezone.now()
    for update in updates:
        member = update.member
        values = member_values({key: new for key, (_old, new) in update.changes.items() if key in MEMBER_KEYS})
        for key, value in values.items():
            setattr(member, key, value)
        fields = set(values)
        if update.to_cell is not None:
            member.cell, member.province_id = update.to_cell, update.to_cell.province_id
            fields |= {"cell", "province"}
        if update.status:
            member.status = update.status
            fields.add("status")
        member.version = F("version") + 1
        member.updated_at = now
        groups.setdefault(tuple(sorted(fields | {"version", "updated_at"})), []).append(member)
    for fields, members in groups.items():
        Member.objects.bulk_update(members, fields, batch_size=BATCH_SIZE)
    return [update.member for update in updates]



def _touch(plan: Plan) -> None:
    cell_ids = {cell.pk for _row, _values, cell, _status in plan.creates}
    for update in plan.updates_to_apply:
        cell_ids.add(update.changes["cell"][0] if "cell" in update.changes else update.member.cell_id)
        if update.to_cell is not None:
            cell_ids.add(update.to_cell.pk)
    units = [unit for chunk in _chunks(sorted(cell_ids)) for unit in Unit.objects.filter(pk__in=chunk)]
    touch_units(*units)
    cell_members_changed.send(sender=Member, cells=units)
    forget_access([update.member.user_id for update in plan.updates_to_apply
                   if update.to_cell is not None or update.status])
