import datetime

import pytest

from soisua.org.models import Unit


@pytest.fixture(autouse=True)
def cells_met_for_years(request):
    """The cast's cells have existed for years: the early warnings look at months before the clock, which a cell is
    accountable for only from its start (or its first member's joining)."""
    if "cast" in request.fixturenames:
        request.getfixturevalue("cast")
        Unit.objects.filter(kind__holds_members=True).update(active_from=datetime.date(2015, 1, 1))
