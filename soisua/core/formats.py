"""Numbers in sentences, written the way the reader's language writes them ("20 %", "24,5 điểm" in Vietnamese).

A Decimal printed with `%s` keeps its exponent and trailing zeros ("2E+1", "24.50"); messages, notifications and
documents go through `number` instead.
"""

from decimal import Decimal

from django.utils import formats, translation


def number(value, *, language: str | None = None, grouped: bool = False) -> str:
    """`value` without trailing zeros, with the decimal separator of the active language (or of `language`):
    Decimal("20.00") → "20", Decimal("24.50") → "24,5" in Vietnamese, "24.5" in English. Empty for None.
    `grouped` separates thousands as the language does ("5.000" in Vietnamese, "5,000" in English)."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        # normalize() drops the trailing zeros (and writes 20 as 2E+1, which number_format prints as "20").
        value = value.normalize()
    if language is None:
        return formats.number_format(value, use_l10n=True, force_grouping=grouped)
    with translation.override(language):
        return formats.number_format(value, use_l10n=True, force_grouping=grouped)
