"""The design system on the pages (docs/design-system.md): every page opens with one page header holding at most one
primary action, the site header says who is logged in and in what role, an invalid form opens with an error summary
linking to each field, tables scroll inside a named focusable region, and statuses are tags."""

import pytest
from django.urls import reverse
from lxml import html

from soisua.core.actors import SYSTEM
from soisua.core.templatetags.soisua import STATUS_TONES
from soisua.org import services as org
from soisua.org.enums import PostKind
from tests.factories import UserFactory, make_member
from tests.meetings.test_views import schedule
from tests.reviews.test_cycles import open_for


def pages(cast) -> dict[str, list[str]]:
    """The main pages of each role, as its people open them day to day."""
    cycle = open_for(cast.commune)
    own_review = cycle.reviews.get(member=cast.members["member"])
    secretary_review = cycle.reviews.get(member=cast.members["secretary"])
    meeting = schedule(cast)
    cell, commune = cast.cell.pk, cast.commune.pk
    member_pages = ["/", reverse("org:tree"), reverse("org:units.detail", args=[cell]),
                    reverse("org:members.detail", args=[cast.members["member"].pk]), reverse("reviews:reviews.mine"),
                    reverse("reviews:reviews.detail", args=[own_review.pk]), reverse("meetings:mine"),
                    reverse("meetings:detail", args=[meeting.pk]), reverse("corrections:mine"),
                    reverse("directives:mine"), reverse("notifications:inbox"), reverse("accounts:tokens")]
    secretary_pages = [*(url for url in member_pages if url != reverse("reviews:reviews.detail", args=[own_review.pk])),
                       reverse("reviews:reviews.detail", args=[secretary_review.pk]),
                       reverse("org:members.search") + "?q=tran", reverse("meetings:list", args=[cell]),
                       reverse("reviews:cycles.list", args=[cell]), reverse("reviews:cycles.detail", args=[cycle.pk]),
                       reverse("reviews:cycles.unit", args=[cycle.pk, cell]),
                       reverse("corrections:units.board", args=[cell]), reverse("directives:unit", args=[cell]),
                       reverse("org:members.create", args=[cell])]
    committee_pages = ["/", reverse("org:units.detail", args=[commune]), reverse("oversight:dashboard", args=[commune]),
                       reverse("reviews:cycles.list", args=[commune]), reverse("meetings:statistics", args=[commune]),
                       reverse("directives:unit", args=[commune]), reverse("oversight:unit", args=[commune]),
                       reverse("alerts:unit", args=[commune]), reverse("reviews:rules.list")]
    return {"member": member_pages, "secretary": secretary_pages, "committee": committee_pages,
            "admin": ["/", reverse("org:units.detail", args=[cast.province.pk]),
                      reverse("org:units.grants", args=[commune])]}


def primary_buttons(element) -> list:
    """Filled buttons and button-styled links: not secondary, not a link-styled button."""
    return [node for node in element.xpath(".//a[contains(concat(' ', @class, ' '), ' button ')] | .//button")
            if not {"secondary", "link"} & set((node.get("class") or "").split())]


def test_every_main_page_opens_with_one_page_header_and_at_most_one_primary_action(cast):
    checked = 0

    for who, urls in pages(cast).items():
        client = cast.client(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            document = html.fromstring(response.content)
            headers = document.xpath("//main//div[@class='page-header']")
            assert len(headers) == 1, f"{who} {url}: {len(headers)} page headers"
            assert len(headers[0].xpath(".//h1")) == 1 and len(document.xpath("//h1")) == 1, (who, url)
            assert len(primary_buttons(headers[0])) <= 1, f"{who} {url}: several primary actions"
            checked += 1

    assert checked >= 40


def test_the_cell_page_groups_its_work_by_purpose_under_one_primary_action(cast):
    response = cast.client("secretary").get(reverse("org:units.detail", args=[cast.cell.pk]))

    document = html.fromstring(response.content)
    header = document.xpath("//div[@class='page-header']")[0]
    assert [link.text for link in primary_buttons(header)] == ["Sinh hoạt chi bộ"]
    assert not header.xpath(".//a[contains(@class, 'secondary')]")
    groups = document.xpath("//nav[@class='unit-areas']/section")
    assert [group.xpath("string(h2)") for group in groups] == [
        "Đảng viên và danh sách", "Sinh hoạt chi bộ", "Kiểm điểm và khắc phục", "Chỉ đạo, kiểm tra, giám sát",
        "Quản lý đơn vị"]
    links = {link.text: group.xpath("string(h2)") for group in groups for link in group.xpath(".//a")}
    assert links["Thêm đảng viên"] == "Đảng viên và danh sách"
    assert links["Đợt kiểm điểm"] == "Kiểm điểm và khắc phục"
    assert links["Khắc phục"] == "Kiểm điểm và khắc phục"
    # No wall of equal outline buttons above the data any more.
    assert not document.xpath("//main//a[contains(@class, 'button') and contains(@class, 'secondary')]")


@pytest.mark.parametrize(("who", "name", "role"), [
    ("secretary", "Lê Văn Cường", "Bí thư"),
    ("member", "Trần Thị Bình", "Đảng viên"),
    ("committee", "committee", "Cấp ủy viên"),
    ("admin", "admin", "Quản trị viên"),
])
def test_the_header_names_who_is_logged_in_and_their_role(cast, who, name, role):
    response = cast.client(who).get("/")

    who_line = html.fromstring(response.content).xpath("//header[@class='site']//p[@class='who']")[0]
    assert who_line.xpath("string(span[@class='who-name'])") == name
    assert who_line.xpath("string(span[@class='who-role'])") == role


def test_the_header_shows_a_logins_own_name_when_no_member_is_linked(cast):
    user = UserFactory(username="nvhoa", first_name="Nguyễn Văn Hòa")
    client = cast.client("anonymous")
    client.force_login(user)

    response = client.get("/")

    assert html.fromstring(response.content).xpath("string(//span[@class='who-name'])") == "Nguyễn Văn Hòa"


def test_two_viewers_sharing_a_cached_cell_page_each_see_their_own_name(cast):
    user = UserFactory(username="hang")
    make_member(cast.cell, "Đỗ Thị Hằng", user=user)
    other = cast.client("anonymous")
    other.force_login(user)
    url = reverse("org:units.detail", args=[cast.cell.pk])

    first = cast.client("member").get(url).text
    second = other.get(url).text  # the same grants as the member: the same cached page

    assert 'class="who-name">Trần Thị Bình<' in first
    assert 'class="who-name">Đỗ Thị Hằng<' in second
    assert "Trần Thị Bình</span>" not in second


def test_a_renamed_member_is_named_anew_in_their_header(cast):
    client = cast.client("member")
    client.get("/")
    member = cast.members["member"]

    org.update_member(member, full_name="Trần Thị Bình An", by=cast.users["secretary"], version=member.version)
    response = client.get("/")

    assert html.fromstring(response.content).xpath("string(//span[@class='who-name'])") == "Trần Thị Bình An"


def test_the_menu_opens_without_script_and_holds_the_navigation_language_and_logout(cast):
    response = cast.client("secretary").get("/")

    document = html.fromstring(response.content)
    menu = document.xpath("//header[@class='site']//details[@class='site-menu']")[0]
    assert menu.xpath("string(summary)").strip().startswith("Danh mục")
    assert menu.xpath(".//nav[@aria-label='Điều hướng chính']//a[@href='/units/']")
    assert menu.xpath(".//form[@action='/i18n/setlang/']") and menu.xpath(".//form[@action='/accounts/logout/']")
    assert not document.xpath("//script[not(@src)]")


def test_an_invalid_form_opens_with_an_error_summary_linking_to_each_field(cast):
    response = cast.client("secretary").post(reverse("org:members.create", args=[cast.cell.pk]), {"full_name": ""})

    assert response.status_code == 200
    document = html.fromstring(response.content)
    summary = document.xpath("//main//form//div[@class='error-summary']")[0]
    assert summary.get("role") == "alert"
    assert summary.xpath("string(h2)") == "Có điều cần xem lại"
    targets = [link.get("href") for link in summary.xpath(".//ul[@class='error-summary-list']//a")]
    assert "#id_full_name" in targets
    for target in targets:
        assert document.xpath(f"//*[@id='{target[1:]}']"), f"{target} links to nothing"
    assert document.xpath("//div[contains(@class, 'field-error')]//input[@id='id_full_name']")


def test_a_refusal_of_the_whole_form_is_in_the_error_summary(cast, password):
    response = cast.client("anonymous").post("/accounts/login/", {"username": "member", "password": "wrong"})

    summary = html.fromstring(response.content).xpath("//div[@class='error-summary']")[0]
    assert summary.xpath(".//ul[contains(@class, 'errorlist')]/li")


def test_tables_scroll_inside_a_named_focusable_region(cast):
    for who, urls in pages(cast).items():
        client = cast.client(who)
        for url in urls:
            document = html.fromstring(client.get(url).content)
            for wrap in document.xpath("//div[contains(concat(' ', @class, ' '), ' table-wrap ')]"):
                assert (wrap.get("role"), wrap.get("tabindex")) == ("region", "0"), (who, url)
                assert wrap.get("aria-label", "").strip(), (who, url)


def test_statuses_are_tags_in_a_tone_for_each_value(cast):
    deputy = make_member(cast.cell, "Cao Thị Ngọc")
    org.assign_post(deputy, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=SYSTEM)
    cycle = open_for(cast.commune)

    listing = cast.client("secretary").get(reverse("reviews:cycles.list", args=[cast.cell.pk])).text
    unit = cast.client("secretary").get(reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])).text

    assert '<strong class="tag tag-blue">Đang mở</strong>' in listing
    assert '<strong class="tag tag-grey">Chưa bắt đầu</strong>' in unit
    assert {"grey", "blue", "green", "orange", "red"} == set(STATUS_TONES.values())
