"""The register of document numbers (docs/documents.md, "Numbers"): one sequence per issuing unit, kind and year.

A document is numbered when it is issued, inside the issuing service's transaction: `assign` gives the next
number of the unit's sequence; `record_typed` records a number an issuer typed (a directive's, an inspection
conclusion's) and refuses one already used. Numbers are never reused: a register line outlives its document.
Two issuers at once are kept apart by locking the issuing unit's row before reading its last number, and the
database's unique constraint refuses whatever might slip past on a database without row locks.
"""

import datetime
import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.core.actors import person
from soisua.core.errors import DomainError
from soisua.org.models import Unit

from .models import DocumentNumber

# Kind symbols of the documents soisua numbers itself (Hướng dẫn 36-HD/VPTW's abbreviations).
MINUTES = "BB"
REPORT = "BC"
PLAN = "KH"
CONCLUSION = "KL"
# The blank an office leaves before the symbol of a document not yet numbered, for the clerk to fill in.
BLANK = "\u00a0" * 6
# "12-KL/ĐUX", "12-KL" or "12": a number as an issuer types it, in figures 0-9 and a kind in the letters of the
# abbreviations (Latin capitals and Đ), so that a number already used cannot be typed again in look-alike letters
# (Cyrillic "КЛ") and slip past the register as another kind.
_TYPED = re.compile(r"^\s*(?P<number>[0-9]{1,9})\s*(?:-\s*(?P<kind>[A-ZĐ]{1,10})\s*(?:/\s*(?P<symbol>\S{1,30}))?)?\s*$",
                    re.IGNORECASE)


class NumberTaken(DomainError):
    """A typed number already used in the unit's register for that kind and year."""


def unit_symbol(unit: Unit) -> str:
    """The issuer's abbreviation after the slash: the unit's own, else its kind's ("CB" for a cell); empty when
    neither is set, and the number is then printed without it ("12-BB")."""
    return unit.abbreviation or unit.kind.abbreviation


def _reference(document: Model) -> dict:
    return {"content_type": ContentType.objects.get_for_model(document), "object_id": document.pk}


def number_of(document: Model, kind: str) -> DocumentNumber | None:
    """The document's register line for `kind`, if it was numbered."""
    return DocumentNumber.objects.filter(**_reference(document), kind=kind).first()


def printed_number(document: Model, *, unit: Unit, kind: str) -> str:
    """What follows "Số" on the paper: "12-BB/CB" once numbered, else blanks before the symbol ("      -BB/CB")."""
    line = number_of(document, kind) if document.pk else None
    if line is not None:
        return line.symbol
    symbol = unit_symbol(unit)
    return f"{BLANK}-{kind}" + (f"/{symbol}" if symbol else "")


def _lock_sequence(unit: Unit) -> None:
    """Serialise numbering per unit: the issuing unit's row is the lock (a no-op on SQLite, which serialises
    writes anyway)."""
    list(Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True))


def assign(document: Model, *, unit: Unit, kind: str, title: str, on: datetime.date, by) -> DocumentNumber:
    """The next number of `unit`'s `kind` in `on`'s year for `document`, or the number it already has. Call it
    inside the issuing service's transaction."""
    reference = _reference(document)
    existing = DocumentNumber.objects.filter(**reference, kind=kind).first()
    if existing is not None:
        return existing
    _lock_sequence(unit)
    last = (DocumentNumber.objects.filter(unit=unit, kind=kind, year=on.year).aggregate(last=Max("number"))["last"]
            or 0)
    try:
        with transaction.atomic():
            return DocumentNumber.objects.create(
                unit=unit, kind=kind, year=on.year, number=last + 1, issuer_symbol=unit_symbol(unit),
                title=title[:300], issued_at=timezone.now(), issued_by=person(by), **reference)
    except IntegrityError:
        # Another issuer took the number between our read and our write (possible only without row locks): the
        # issuing service's transaction is refused rather than print a number twice.
        raise NumberTaken(_("Someone else issued a document of %(unit)s at the same moment; try again.")
                          % {"unit": unit.name}, code="number_taken") from None


def parse_typed(text: str) -> tuple[int, str, str] | None:
    """(number, kind, symbol) of a typed number such as "12-KL/ĐUX"; kind and symbol empty when not typed."""
    # Full-width and other compatibility forms ("０５-ＫＬ") are the same number as the plain ones.
    match = _TYPED.match(unicodedata.normalize("NFKC", text or ""))
    if match is None:
        return None
    return int(match["number"]), (match["kind"] or "").upper(), match["symbol"] or ""


def record_typed(document: Model, *, unit: Unit, kind: str, number: int, symbol: str, title: str,
                 on: datetime.date, by) -> DocumentNumber:
    """Record a number the issuer typed for `document`, replacing the one it had for `kind`. Refuses (NumberTaken,
    naming the document that holds it) a number already used by another document of the unit, kind and year."""
    reference = _reference(document)
    _lock_sequence(unit)
    check_typed_free(document, unit=unit, kind=kind, number=number, year=on.year)
    values = {"unit": unit, "year": on.year, "number": number, "issuer_symbol": symbol, "title": title[:300],
              "typed": True, "issued_at": timezone.now(), "issued_by": person(by)}
    line, _created = DocumentNumber.objects.update_or_create(**reference, kind=kind, defaults=values)
    return line


def check_typed_free(document: Model | None, *, unit: Unit, kind: str, number: int, year: int) -> None:
    """For forms: refuse (NumberTaken) a typed number already in the register for another document."""
    holders = DocumentNumber.objects.filter(unit=unit, kind=kind, year=year, number=number)
    if document is not None and document.pk:
        holders = holders.exclude(**_reference(document))
    holder = holders.first()
    if holder is not None:
        raise NumberTaken(_("Number %(symbol)s of %(year)s is already used by “%(document)s”. Give this document "
                            "another number.") % {"symbol": holder.symbol, "year": year, "document": holder.title},
                          code="number_taken")
