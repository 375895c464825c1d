"""The write toolkit every service uses: one tree of refusals, one stale-version check, one text check.

Every refusal a service raises is a `DomainError` (a Django ValidationError, so forms show it next to the fields)
with a translated message and a machine `code`; a stale version is a `Conflict`. Apps subclass these to name
their refusals (OrgError, ReviewError, …) but never start a tree of their own.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from .formats import number


class DomainError(ValidationError):
    """A write a service refused, with a translated message (or list of them) and a code callers can test."""

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code, params)
        self.code = code  # ValidationError drops it for lists; keep it so callers can tell the reasons apart


class Conflict(DomainError):
    """Someone else saved the record after the person loaded it (optimistic locking): nothing was written.
    `current_version` is the stored version, for the page that comes back with what the person typed."""

    default_code = "conflict"

    def __init__(self, message=None, *, code: str | None = None, current_version: int | None = None):
        super().__init__(message or _("Someone else changed this record while you were editing it. Reload the "
                                      "page to see their changes, then make yours again."),
                         code=code or self.default_code)
        self.current_version = current_version


def check_version(stored: int, version: int | None, *, error: type[Conflict] = Conflict, message=None) -> None:
    """Refuse (`error`) when the version a form was opened with is not the stored one; None skips the check
    (writes not made from a form)."""
    if version is not None and stored != version:
        raise error(message, current_version=stored) if message else error(current_version=stored)


def save_if_current(obj: Model, version: int | None, fields: dict[str, Any], *,
                    error: type[Conflict] = Conflict) -> None:
    """Write `fields` of `obj` in one UPDATE only if its stored version still is `version` (None: any), bump the
    version (and `updated_at` where the model has it), and reload `obj`. Refuses with `error` otherwise."""
    model = type(obj)
    query = model._default_manager.filter(pk=obj.pk)
    if version is not None:
        query = query.filter(version=version)
    values = {**fields, "version": F("version") + 1}
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    if not query.update(**values):
        stored = model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise error(current_version=stored)
    obj.refresh_from_db()


def clean_text(text: str, label: str, limit: int, *, error: type[DomainError] = DomainError) -> str:
    """`text` without surrounding blanks and without NUL characters (no database stores them, and no person
    types them); refused (`error`, code "too_long") beyond `limit` characters, naming the field by its translated
    `label` and saying how long it is."""
    text = (text or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise error(_("“%(field)s” is too long: %(length)s characters, at most %(limit)s.")
                    % {"field": label, "length": number(len(text), grouped=True),
                       "limit": number(limit, grouped=True)}, code="too_long")
    return text
