"""Writes to shortcomings. Correction plans, progress and verification build on these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from soisua.audit import services as audit

from .enums import Cause, Source
from .models import Shortcoming

# About three printed pages: a shortcoming is a paragraph, not a report.
MAX_TEXT_LENGTH = 5_000
EDITABLE_FIELDS = ("text", "cause", "cause_text", "responsibility", "measures", "fix_by")


class ShortcomingError(ValidationError):
    """A refused change to a shortcoming; the message is already translated."""


def _clean(text: str, label: str, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ShortcomingError(_("Describe the shortcoming."), code="required")
    if len(text) > MAX_TEXT_LENGTH:
        raise ShortcomingError(_("“%(field)s” is too long: at most %(limit)s characters.")
                               % {"field": label, "limit": f"{MAX_TEXT_LENGTH:,}".replace(",", ".")},
                               code="too_long")
    return text


def _values(*, text: str, cause: str, cause_text: str, responsibility: str, measures: str,
            fix_by: datetime.date | None) -> dict:
    if cause not in Cause.values:
        raise ShortcomingError(_("Choose whether the cause is subjective or objective."), code="cause")
    return {"text": _clean(text, _("shortcoming"), required=True), "cause": cause,
            "cause_text": _clean(cause_text, _("explanation of the cause")),
            "responsibility": _clean(responsibility, _("responsibility")),
            "measures": _clean(measures, _("corrective measures")), "fix_by": fix_by}


@transaction.atomic
def record_shortcoming(*, unit, member=None, review=None, source: str = Source.SELF_REVIEW, text: str,
                       cause: str = Cause.SUBJECTIVE, cause_text: str = "", responsibility: str = "",
                       measures: str = "", fix_by: datetime.date | None = None, checklist_items=(),
                       by=None) -> Shortcoming:
    """Record a shortcoming of a member (or, without member, of the unit as a collective).

    Side effects: inserts it with its checklist links; audit entry (without the text: it is personal).
    """
    values = _values(text=text, cause=cause, cause_text=cause_text, responsibility=responsibility,
                     measures=measures, fix_by=fix_by)
    order = Shortcoming.objects.filter(review=review).count() if review is not None else 0
    shortcoming = Shortcoming.objects.create(unit=unit, member=member, review=review, source=source, order=order,
                                             province_id=unit.province_id, created_by=by, **values)
    shortcoming.checklist_items.set(checklist_items)
    audit.record(by, "corrections.shortcoming.record", shortcoming, {"source": source, "review": review})
    return shortcoming


@transaction.atomic
def update_shortcoming(shortcoming: Shortcoming, *, text: str, cause: str, cause_text: str = "",
                       responsibility: str = "", measures: str = "", fix_by: datetime.date | None = None,
                       checklist_items=(), by=None) -> Shortcoming:
    """Side effects: updates the shortcoming and its checklist links; audit entry naming the changed fields."""
    values = _values(text=text, cause=cause, cause_text=cause_text, responsibility=responsibility,
                     measures=measures, fix_by=fix_by)
    before = audit.snapshot(shortcoming, EDITABLE_FIELDS)
    for name, value in values.items():
        setattr(shortcoming, name, value)
    shortcoming.save()
    shortcoming.checklist_items.set(checklist_items)
    changed = audit.diff(before, audit.snapshot(shortcoming, EDITABLE_FIELDS))
    audit.record(by, "corrections.shortcoming.update", shortcoming, {"fields": sorted(changed)})
    return shortcoming


@transaction.atomic
def remove_shortcoming(shortcoming: Shortcoming, *, by=None) -> None:
    """Side effects: deletes the shortcoming; audit entry."""
    audit.record(by, "corrections.shortcoming.remove", shortcoming, {"review": shortcoming.review_id})
    shortcoming.delete()
