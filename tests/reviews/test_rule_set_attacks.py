"""Rule sets as each attacker tries them: people who are not the installation's administrators copying, editing,
checking or publishing, a published set changed through any path, and a check citing a link that is no web page."""

import pytest
from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.reviews import services
from soisua.reviews.models import ChecklistItem, Cycle, Review, RuleSet, RuleVerification
from tests.factories import complete_review
from tests.reviews.test_cycles import open_for

CHECK = {"verified": True, "title": "Quy định 37-QĐ/TW, toàn văn", "publisher": "Báo Điện tử Đảng Cộng sản Việt Nam",
         "url": "https://dangcongsan.vn/", "note": ""}
NOT_ADMINISTRATORS = ["member", "secretary", "parent_staff", "committee", "inspector", "unrelated_staff"]


def published() -> RuleSet:
    return RuleSet.objects.get(code="2025.2")


def draft() -> RuleSet:
    return services.copy_rule_set(published(), code="2025.2-nhap", name="Bản nháp", by=SYSTEM)


def first_item(rule_set: RuleSet) -> ChecklistItem:
    return ChecklistItem.objects.filter(checklist__rule_set=rule_set).order_by("pk").first()


def item_state(item: ChecklistItem) -> tuple:
    item = ChecklistItem.objects.get(pk=item.pk)
    return item.text, item.article, item.verified, item.verified_from, item.unverified_reason


@pytest.mark.parametrize("who", NOT_ADMINISTRATORS)
@pytest.mark.parametrize("which", ["published", "draft"])
def test_nobody_but_an_administrator_opens_or_posts_the_editing_pages(cast, who, which):
    rule_set = published() if which == "published" else draft()
    item = first_item(rule_set)
    before = item_state(item), rule_set.status, RuleSet.objects.count(), RuleVerification.objects.count()
    client = cast.client(who)

    answers = [
        client.get(reverse("reviews:rules.item_edit", args=[item.pk])).status_code,
        client.post(reverse("reviews:rules.item_edit", args=[item.pk]), {
            "text": "Sửa lén", "article": "Điều 1", "check": "same", "against_title": "x",
            "against_publisher": "y"}).status_code,
        client.post(reverse("reviews:rules.thresholds", args=[rule_set.pk]), {"quota_percent": "90"}).status_code,
        client.post(reverse("reviews:rules.copy", args=[rule_set.pk]), {"code": "lén", "name": "Lén"}).status_code,
        client.post(reverse("reviews:rules.publish", args=[rule_set.pk])).status_code,
    ]

    assert answers == [403] * 5
    rule_set.refresh_from_db()
    assert (item_state(item), rule_set.status, RuleSet.objects.count(),
            RuleVerification.objects.count()) == before


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_not_even_an_administrator_opens_or_posts_the_item_form_of_a_published_set(cast, who):
    item = first_item(published())
    before = item_state(item)
    url = reverse("reviews:rules.item_edit", args=[item.pk])

    page = cast.client(who).get(url)
    response = cast.client(who).post(url, {
        "text": "Sửa lén", "article": "Điều 1", "check": "differs", "against_title": "Bản khác",
        "against_publisher": "Ai đó"})

    assert (page.status_code, response.status_code) == (403, 403)
    assert item_state(item) == before
    assert not RuleVerification.objects.exists()


def test_no_service_changes_or_checks_a_published_set(cast):
    rule_set = published()
    item = first_item(rule_set)
    before = item_state(item)

    with pytest.raises(services.RuleSetError):
        services.update_checklist_item(item, text=item.text, article="Điều 9", check=CHECK, by=SYSTEM)
    with pytest.raises(services.RuleSetError):
        services.update_thresholds(rule_set, minimum_scores={}, quota_percent=50, by=SYSTEM)
    with pytest.raises(services.RuleSetError):
        services.publish_rule_set(rule_set, by=SYSTEM)

    assert item_state(item) == before
    assert not RuleVerification.objects.filter(rule_set=rule_set).exists()


def test_an_item_loaded_before_its_set_was_published_is_not_changed_after(cast):
    rule_set = draft()
    item = ChecklistItem.objects.select_related("checklist__rule_set").get(pk=first_item(rule_set).pk)
    before = item_state(item)
    services.publish_rule_set(rule_set, by=SYSTEM)  # meanwhile, someone else publishes the set

    with pytest.raises(services.RuleSetError):
        services.update_checklist_item(item, text="Sửa sau khi công bố", article="", check=CHECK, by=SYSTEM)

    assert item_state(item) == before
    assert not RuleVerification.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "//evil.example/", "https://dangcongsan.vn/" + "a" * 600])
def test_a_check_citing_a_link_that_is_no_web_page_is_refused(cast, url):
    item = first_item(draft())
    before = item_state(item)

    with pytest.raises(services.RuleSetError):
        services.update_checklist_item(item, text=item.text, check=CHECK | {"url": url}, by=SYSTEM)

    assert item_state(item) == before
    assert not RuleVerification.objects.exists()


@pytest.mark.parametrize("against", ["abc", "999999", "-1", "1 OR 1=1"])
def test_the_changes_page_ignores_a_rule_set_that_is_not_one(cast, against):
    response = cast.client("member").get(reverse("reviews:rules.changes", args=[published().pk]),
                                         {"against": against})

    assert response.status_code == 200


def test_an_open_cycle_moves_neither_to_a_draft_nor_after_a_decision(cast):
    old = RuleSet.objects.get(code="2025")
    cycle = open_for(cast.commune, rule_set=old, enforce_order=False)
    review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"],
                             level="good")

    with pytest.raises(services.RuleSetError):
        services.move_cycle(cycle, draft(), by=SYSTEM)
    services.propose_level(review, level="good", comment="", by=cast.users["secretary"])
    services.decide_level(review, level="good", by=cast.users["parent_staff"])
    with pytest.raises(services.RuleSetError) as decided:
        services.move_cycle(cycle, published(), by=SYSTEM)

    assert decided.value.code == "decided"
    assert Cycle.objects.get(pk=cycle.pk).rule_set == old
    assert Review.objects.get(pk=review.pk).form.rule_set == old


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_not_even_an_administrator_opens_the_thresholds_of_a_published_set(cast, who):
    url = reverse("reviews:rules.thresholds", args=[published().pk])

    assert cast.client(who).get(url).status_code == 403
