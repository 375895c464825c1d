"""Every select's empty choice speaks the reader's language (Django's default label has no Vietnamese)."""

import re

from django.urls import reverse

EMPTY_OPTIONS = re.compile(r'<option value=""[^>]*>([^<]*)</option>')


def test_empty_choices_read_in_vietnamese(cast):
    member = cast.members["member"]
    pages = [cast.client("parent_staff").get(reverse("org:units.edit", args=[cast.cell.pk])),
             cast.client("parent_staff").get(reverse("org:units.move", args=[cast.cell.pk])),
             cast.client("secretary").get(reverse("org:members.edit", args=[member.pk])),
             cast.client("secretary").get(reverse("org:members.transfer", args=[member.pk])),
             cast.client("secretary").get(reverse("corrections:shortcomings.create", args=[cast.cell.pk]))]

    labels = [set(EMPTY_OPTIONS.findall(page.text)) - {"—"} for page in pages]

    assert labels == [{"— chọn —"}] * len(pages)


def test_empty_choices_read_in_english_for_an_english_reader(cast):
    client = cast.client("secretary")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("org:members.transfer", args=[cast.members["member"].pk]))

    assert EMPTY_OPTIONS.findall(page.text) == ["— choose —"]
