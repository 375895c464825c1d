"""The unit page's member figure adds up: besides official and probationary members it names those exempt from work
and activity and those suspended, who are counted in the total."""

from django.urls import reverse

from soisua.org.models import Member
from tests.factories import make_member


def test_the_member_figure_names_every_status_it_counts(cast):
    exempt = make_member(cast.cell, "Lê Thị Hồng")
    suspended = make_member(cast.cell, "Phan Văn Đức")
    Member.objects.filter(pk=exempt.pk).update(status="exempt")
    Member.objects.filter(pk=suspended.pk).update(status="suspended")

    page = cast.client("secretary").get(reverse("org:units.detail", args=[cast.cell.pk])).text

    assert "1 miễn công tác và sinh hoạt" in page
    assert "1 đình chỉ sinh hoạt" in page


def test_a_cell_of_official_members_only_names_no_other_status(cast):
    page = cast.client("secretary").get(reverse("org:units.detail", args=[cast.cell.pk])).text

    assert "miễn công tác và sinh hoạt" not in page and "đình chỉ sinh hoạt" not in page
