import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import actions
from .models import AuditEntry
from .services import object_type

EMPTY = "—"


def newest_by(user) -> int:
    """The id of the newest entry the person wrote (0 without any): it changes whenever they act."""
    return AuditEntry.objects.filter(actor=user).order_by("-id").values_list("id", flat=True).first() or 0


def history_of(obj: models.Model) -> QuerySet[AuditEntry]:
    """Entries about one object, newest first. The caller has already checked the object is visible."""
    return AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk)).select_related("actor")


@dataclass
class Change:
    """One recorded field as a person reads it: its label, and the value before (None when the entry recorded one
    value only, as a creation does) and after."""

    label: str
    new: str
    old: str | None = None


@dataclass
class HistoryRow:
    entry: AuditEntry
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)


def history_rows(entries: Iterable[AuditEntry]) -> list[HistoryRow]:
    """The entries as a history page shows them: the action as a sentence (`audit.actions`), each change under
    its field's name with its values written out (choices by label, yes or no, dates as dd/mm/yyyy, linked rows
    by name, nothing as "—"). A name the object's model does not know reads as itself, made readable. Linked rows
    are named with one query per kind of row, whatever the number of entries."""
    entries = list(entries)
    parsed = [(entry, list(_recorded(entry))) for entry in entries]
    wanted: dict[type[models.Model], set] = {}
    for _entry, items in parsed:
        for key, model_field, values in items:
            related = _related_model(key, model_field)
            if related is not None:
                wanted.setdefault(related, set()).update(value for value in values if _is_key(value))
    names = {model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=keys)}
             for model, keys in wanted.items()}
    return [HistoryRow(entry, _who(entry), actions.sentence(entry.action),
                       [_change(key, model_field, values, names) for key, model_field, values in items])
            for entry, items in parsed]


# Names recorded beside the object's own fields whose value is a row of another model: that model.
_EXTRA_KEYS = {"admin": settings.AUTH_USER_MODEL}


def _recorded(entry: AuditEntry):
    """(name, model field or None, values) for each recorded change: values is [old, new] for a change of one of
    the model's fields recorded as a pair, [value] otherwise. Empty single values (an unset field in a creation)
    are left out."""
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        model = None
    for key, value in (entry.changes or {}).items():
        model_field = _field(model, key)
        paired = (model_field is not None and not isinstance(model_field, models.JSONField)
                  and isinstance(value, list) and len(value) == 2)
        if paired:
            yield key, model_field, value
        elif not _empty(value):
            yield key, model_field, [value]


def _field(model, key: str):
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if found.concrete else None


def _related_model(key: str, model_field) -> type[models.Model] | None:
    if key in _EXTRA_KEYS:
        return apps.get_model(_EXTRA_KEYS[key])
    if model_field is None or not model_field.is_relation:
        return None
    related = model_field.remote_field.model
    return apps.get_model(related) if isinstance(related, str) else related


def _is_key(value: Any) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool) and str(value).isdigit()


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _who(entry: AuditEntry) -> str:
    if entry.actor_label == "system":
        return _("system")
    return entry.actor_label or _("nobody named")


def _label(key: str, model_field) -> str:
    if key in actions.EXTRA_LABELS:
        return str(actions.EXTRA_LABELS[key])
    if model_field is not None and model_field.verbose_name:
        return capfirst(str(model_field.verbose_name))
    return capfirst(key.replace("_", " "))


def _change(key: str, model_field, values: list, names: dict) -> Change:
    related = _related_model(key, model_field)
    shown = [_shown(model_field, related, value, names) for value in values]
    if len(shown) == 2:
        return Change(_label(key, model_field), new=shown[1], old=shown[0])
    return Change(_label(key, model_field), new=shown[0])


def _shown(model_field, related, value: Any, names: dict) -> str:
    """One recorded value as a person reads it (`related`: the model a linked row's id points at)."""
    if _empty(value):
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if related is not None and _is_key(value):
        return names.get(related, {}).get(int(value)) or _("#%(id)s, no longer there") % {"id": value}
    if model_field is not None:
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.DateTimeField):
            return _moment(value)
        if isinstance(model_field, models.DateField):
            return _day(value)
    if isinstance(value, list):
        if all(isinstance(item, int) for item in value):
            return str(len(value))
        return ", ".join(str(item) for item in value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return _day(value) if len(value) == 10 else _moment(value)
    return str(value)


def _day(value: Any) -> str:
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _moment(value: Any) -> str:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
