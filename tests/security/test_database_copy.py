"""Someone holding a copy of the database learns from fully anonymous feedback neither its author nor the moment it
was given: feedback given through the pages leaves no time of day in any table, and its audit entries, written the
next night, are dated by the day only and carry no actor. Nor does the copy hold an API token or a password."""

import datetime
import json
import re
import zoneinfo

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.reviews.models import Feedback, Review
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SET_UP = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=HANOI)
# When each colleague sends their feedback: the moments nobody must be able to read back.
MOMENTS = [datetime.datetime(2026, 11, 20, 9, 47, 13, tzinfo=HANOI),
           datetime.datetime(2026, 11, 20, 9, 52, 41, tzinfo=HANOI),
           datetime.datetime(2026, 11, 20, 10, 13, 5, tzinfo=HANOI)]


def _stored_times() -> set[tuple]:
    """Every (table, row, column, hour, minute in UTC) of a date-time column, and of an ISO time written in a
    JSON column, of every table of the installation."""
    found = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                rows = model._base_manager.exclude(**{field.name: None}).values_list("pk", field.name)
                found |= {(model._meta.label, pk, field.name, *_hour_minute(value)) for pk, value in rows}
            elif isinstance(field, models.JSONField):
                for pk, value in model._base_manager.values_list("pk", field.name):
                    text = json.dumps(value)
                    found |= {(model._meta.label, pk, field.name, *_hour_minute(moment)) for moment in MOMENTS
                              if f"T{_utc(moment):%H:%M}" in text or f"T{moment:%H:%M}" in text}
    return found


def _hour_minute(value: datetime.datetime) -> tuple[int, int]:
    value = _utc(value)
    return value.hour, value.minute


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def test_anonymous_feedback_leaves_no_moment_in_any_table_and_is_audited_by_the_day(cast):
    with time_machine.travel(SET_UP, tick=False):
        cycle = open_for(cast.commune, enforce_order=False, anonymity="anonymous")
        review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]),
                                 cast.users["member"])
        clients = []
        for index in range(len(MOMENTS)):
            user = UserFactory(username=f"dongchi{index}")
            make_member(cast.cell, f"Đồng Chí {index}", user=user)
            client = Client()
            client.force_login(user)
            clients.append(client)

    before = _stored_times()
    for client, moment in zip(clients, MOMENTS, strict=True):
        with time_machine.travel(moment, tick=False):
            response = client.post(reverse("reviews:feedback.create", args=[review.pk]),
                                   {"kind": "shortcoming", "text": f"Góp ý lúc {moment:%H}"})
            assert response.status_code == 302

    written = {row[-2:] for row in _stored_times() - before}  # what the three requests wrote or changed
    assert Feedback.objects.filter(review=review).count() == 3
    assert not written & {_hour_minute(moment) for moment in MOMENTS}
    assert not AuditEntry.objects.filter(action="reviews.feedback.give").exists()

    with time_machine.travel(SET_UP + datetime.timedelta(days=1), tick=False):
        call_command("run_scheduled")

    entries = AuditEntry.objects.filter(action="reviews.feedback.give")
    assert entries.count() == 3
    assert {entry.at.astimezone(HANOI) for entry in entries} == {datetime.datetime(2026, 11, 20, tzinfo=HANOI)}
    assert all(entry.actor_id is None and entry.actor_label == "" for entry in entries)
    assert set(Feedback.objects.values_list("author", flat=True)) == {None}


def _text_stored() -> str:
    """Every text and JSON value of every table, as one string."""
    values = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                values += map(json.dumps, model._base_manager.values_list(field.name, flat=True))
    return "\n".join(values)


def test_a_copy_holds_neither_an_api_token_nor_a_password(cast, password):
    client = cast.client("member")
    client.post("/accounts/password/", {"old_password": password, "new_password1": "a new long passphrase 42",
                                        "new_password2": "a new long passphrase 42"})

    created = client.post("/accounts/tokens/", {"name": "Báo cáo xã", "days": "30"})

    token = re.search(r"<code>(ss_[A-Za-z0-9_-]+)</code>", created.text).group(1)
    stored = _text_stored()
    assert token not in stored and token[3:] not in stored
    assert "a new long passphrase 42" not in stored
