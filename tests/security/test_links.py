"""Links lead where the reader may go: a unit's history only for those who may read it (it answers 403 to the
others); every page's menu to the reader's own API tokens."""

from django.urls import reverse


def test_a_plain_member_sees_no_history_link_on_the_cell_page(cast):
    history = reverse("org:units.history", args=[cast.cell.pk])

    page = cast.client("member").get(reverse("org:units.detail", args=[cast.cell.pk]))
    followed = cast.client("member").get(history)

    assert page.status_code == 200
    assert history not in page.text
    assert "Lịch sử" not in page.text
    assert followed.status_code == 403


def test_the_cells_leadership_and_the_levels_above_see_the_history_link(cast):
    history = reverse("org:units.history", args=[cast.cell.pk])

    pages = {who: cast.client(who).get(reverse("org:units.detail", args=[cast.cell.pk])).text
             for who in ("secretary", "parent_staff", "inspector")}

    assert all(f'href="{history}"' in page for page in pages.values())
    assert all(cast.client(who).get(history).status_code == 200 for who in pages)


def test_every_page_links_to_the_readers_api_tokens(cast):
    client = cast.client("member")

    home = client.get("/")
    tokens = client.get(reverse("accounts:tokens"))

    assert '<a href="/accounts/tokens/">Mã truy cập API</a>' in home.text
    assert tokens.status_code == 200
