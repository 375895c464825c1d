"""The hash chains that make the audit trail tamper-evident (docs/security.md, "Tamper-evident audit trail").

Every entry belongs to one chain (a province's, or the national chain 0) and carries its place in it (`seq`, 1, 2,
… with no gap), the hash of the entry before it and its own hash: sha256 over a canonical form of its fields. The
head of each chain (`AuditChain`) is locked while entries are appended, so the chain of a province grows one
transaction at a time while provinces write side by side.

One transaction appends to one chain only: the chain of its first entry, remembered on the connection until the
transaction ends (or the savepoint that chose it is rolled back). A transaction therefore never waits for a second
head while holding a first, so two writers cannot deadlock on chain heads.
"""

import datetime
import decimal
import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, transaction
from django.utils import timezone

NATIONAL = 0  # logins, users, the top of the tree: whatever belongs to no province
GENESIS = "0" * 64  # the "previous hash" of a chain's first entry
# The canonical form: keys sorted, no spaces, text as itself. One encoder for every entry (a bulk write hashes many).
CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _number(value: float) -> Any:
    # A whole float comes back from PostgreSQL's jsonb as an int (1e+100 as 1 followed by 100 zeros) and 1.0 as 1.0
    # or 1: both sides are written as the exact integer they denote; other floats round-trip by their repr.
    if math.isfinite(value) and value.is_integer():
        return int(decimal.Decimal(repr(value)))
    return value


def _normal(value: Any) -> Any:
    """`value` as the database gives it back: keys as strings, tuples as lists, whole floats as integers."""
    if isinstance(value, dict):
        return {str(key): _normal(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(item) for item in value]
    if isinstance(value, float):
        return _number(value)
    return value


def utc_text(at: datetime.datetime) -> str:
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def entry_hash(chain: int, seq: int, previous_hash: str, at: datetime.datetime | str, actor_id: int | None,
               actor_label: str, action: str, object_type: str, object_id: str, object_label: str,
               changes: Any) -> str:
    """sha256 (hex) of the canonical form of one entry; the same for the values written and those read back.

    `at` may be given already as `utc_text(at)` (a bulk write dates many entries alike).
    """
    text = CANONICAL.encode(
        [1, chain, seq, previous_hash, at if isinstance(at, str) else utc_text(at), actor_id, actor_label, action,
         object_type, str(object_id), object_label, _normal(changes)])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def hash_of(entry) -> str:
    """The hash an entry (a model instance) should carry, computed from its fields."""
    return entry_hash(entry.chain, entry.seq, entry.previous_hash, entry.at, entry.actor_id, entry.actor_label,
                      entry.action, entry.object_type, entry.object_id, entry.object_label, entry.changes)


def chain_of(obj: models.Model) -> int:
    """The chain an entry about `obj` belongs to: its province, or its unit's when already loaded, else national.

    Never a query: a unit that is not loaded leaves the entry on the national chain.
    """
    province = getattr(obj, "province_id", None)
    if province is None:
        try:
            field = obj._meta.get_field("unit")
        except FieldDoesNotExist:
            field = None
        if field is not None and field.many_to_one and field.is_cached(obj):
            province = getattr(field.get_cached_value(obj), "province_id", None)
    return int(province) if isinstance(province, int) else NATIONAL


def _transaction_chain(connection) -> int | None:
    """The chain this connection's transaction appends to, if it chose one and it still holds."""
    held = getattr(connection, "audit_chain", None)
    if held is None:
        return None
    chain, marker = held
    # The marker is an on-commit callback: Django drops it when the transaction ends either way, or when the
    # savepoint that chose the chain is rolled back (which also releases the head's lock).
    if any(func is marker for _sids, func, _robust in connection.run_on_commit):
        return chain
    connection.audit_chain = None
    return None


def _hold_chain(connection, chain: int) -> None:
    def marker():
        if getattr(connection, "audit_chain", None) and connection.audit_chain[1] is marker:
            connection.audit_chain = None

    connection.audit_chain = (chain, marker)
    connection.on_commit(marker)


def seal(entries: Sequence, using: str) -> None:
    """Give new entries their chain, place and hashes, and move the chain's head past them.

    Runs inside the caller's transaction (opening one when there is none); the entries must then be inserted in
    the same transaction. They all go to one chain: the transaction's, or the first entry's `chain`.
    """
    if not entries:
        return
    from .models import AuditChain  # the models call this module

    connection = connections[using]
    with transaction.atomic(using=using, savepoint=False):
        chain = _transaction_chain(connection)
        if chain is None:
            chain = entries[0].chain or NATIONAL
            _hold_chain(connection, chain)
        heads = AuditChain.objects.using(using).select_for_update().filter(chain=chain)
        head = heads.values_list("seq", "hash").first()
        if head is None:
            AuditChain.objects.using(using).bulk_create([AuditChain(chain=chain, seq=0, hash=GENESIS)],
                                                        ignore_conflicts=True)
            head = heads.values_list("seq", "hash").first()
        seq, previous = head
        last_at, at = None, ""
        for entry in entries:
            seq += 1
            entry.chain, entry.seq, entry.previous_hash = chain, seq, previous
            if entry.at != last_at:  # a bulk write dates its entries alike: the time is written out once
                last_at, at = entry.at, utc_text(entry.at)
            entry.hash = previous = entry_hash(chain, seq, previous, at, entry.actor_id, entry.actor_label,
                                               entry.action, entry.object_type, entry.object_id,
                                               entry.object_label, entry.changes)
        AuditChain.objects.using(using).filter(chain=chain).update(seq=seq, hash=previous)


def anchor_digest(period: str, heads: dict[str, list], previous_digest: str) -> str:
    """sha256 (hex) of an anchor: its period, the heads of every chain ({"<chain>": [seq, hash]}), the last digest."""
    text = CANONICAL.encode([1, period, _normal(heads), previous_digest])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
