"""Numbers for papers issued before the register existed (docs/documents.md, "Numbers"), for the apps' data
migrations: historical models only, deterministic (in the order the papers were issued, then by id)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Issued:
    """A paper issued before the register: `number` is None for one the product numbers itself."""

    object_id: int
    unit_id: int
    kind: str
    issued_at: datetime.datetime
    title: str
    number: int | None = None
    symbol: str | None = None
    year: int | None = None  # the year of the paper's own date, when it has one (a directive's, a conclusion's)


def _symbol(apps, unit_id: int, cache: dict) -> str:
    if unit_id not in cache:
        unit = apps.get_model("org", "Unit").objects.select_related("kind").get(pk=unit_id)
        cache[unit_id] = unit.abbreviation or unit.kind.abbreviation
    return cache[unit_id]


def number_issued(apps, app_label: str, model: str, papers: Iterable[Issued]) -> None:
    """Record typed numbers as typed (skipping one already taken) and give the others the next number of their
    unit's sequence, in the order issued."""
    register = apps.get_model("documents", "DocumentNumber")
    content_type, _created = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label=app_label, model=model)
    symbols: dict[int, str] = {}
    for paper in sorted(papers, key=lambda paper: (paper.number is None, paper.issued_at, paper.object_id)):
        year = paper.year or timezone.localtime(paper.issued_at).year
        if register.objects.filter(content_type=content_type, object_id=paper.object_id, kind=paper.kind).exists():
            continue
        taken = register.objects.filter(unit_id=paper.unit_id, kind=paper.kind, year=year)
        if paper.number is not None and taken.filter(number=paper.number).exists():
            continue
        number = paper.number or (max(taken.values_list("number", flat=True), default=0) + 1)
        register.objects.create(
            unit_id=paper.unit_id, kind=paper.kind, year=year, number=number,
            issuer_symbol=paper.symbol if paper.symbol is not None else _symbol(apps, paper.unit_id, symbols),
            content_type=content_type, object_id=paper.object_id, title=paper.title[:300],
            typed=paper.number is not None, issued_at=paper.issued_at)
