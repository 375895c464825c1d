from decimal import Decimal

import pytest
from django.utils import translation

from soisua.core.formats import number


@pytest.mark.parametrize(("value", "vietnamese", "english"), [
    (Decimal("20.00"), "20", "20"),
    (Decimal("2E+1"), "20", "20"),
    (Decimal("24.50"), "24,5", "24.5"),
    (Decimal("0.25"), "0,25", "0.25"),
    (85, "85", "85"),
    (24.5, "24,5", "24.5"),
    (None, "", ""),
])
def test_number_drops_trailing_zeros_and_uses_the_languages_decimal_separator(value, vietnamese, english):
    with translation.override("vi"):
        in_vietnamese = number(value)
    with translation.override("en"):
        in_english = number(value)

    assert (in_vietnamese, in_english) == (vietnamese, english)


def test_number_in_a_given_language_whatever_the_active_one():
    with translation.override("en"):
        assert number(Decimal("27.50"), language="vi") == "27,5"
