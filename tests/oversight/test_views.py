"""What the inspection pages answer to addresses no page of theirs produces."""

from django.urls import reverse
from django.utils import timezone


def test_a_programme_year_that_is_not_a_number_shows_this_years(cast):
    response = cast.client("committee").get(reverse("oversight:unit", args=[cast.commune.pk]) + "?year=\u00b2")

    assert response.status_code == 200 and str(timezone.localdate().year) in response.text
