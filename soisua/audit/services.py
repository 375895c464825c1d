"""Append-only audit trail. Every service write calls `record` (or `record_many` for bulk work)."""

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from soisua.core.actors import SYSTEM

from .chain import chain_of
from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def object_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changed."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _entry(actor, action: str, obj: models.Model, changes: Mapping | None,
           at: datetime.datetime | None = None) -> AuditEntry:
    person = actor is not None and actor.is_authenticated
    return AuditEntry(
        chain=chain_of(obj),
        at=at or timezone.now(),
        actor=actor if person else None,
        actor_label=str(actor)[:150] if person else ("system" if actor is SYSTEM else ""),
        action=action,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        object_label=str(obj)[:255],
        changes={key: [_plain(v) for v in value] if isinstance(value, list | tuple) else _plain(value)
                 for key, value in (changes or {}).items()},
    )


def record(actor, action: str, obj: models.Model, changes: Mapping | None = None) -> AuditEntry:
    """Append one entry. Call inside the service's transaction so the entry and the write land together.

    The entry is chained (`chain.py`): the first entry of a transaction locks its province's chain head until the
    transaction ends, and every later entry of the transaction joins that chain.
    """
    entry = _entry(actor, action, obj, changes)
    entry.save()
    return entry


def record_many(actor, action: str, items: Iterable[tuple[models.Model, Mapping | None]],
                at: datetime.datetime | None = None) -> int:
    """Append one entry per item; `at` dates them all (the day of anonymous acts, never their moment).

    All go to one chain (the transaction's, or the first item's), hashed in Python with one update of its head.
    """
    entries = [_entry(actor, action, obj, changes, at) for obj, changes in items]
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)
