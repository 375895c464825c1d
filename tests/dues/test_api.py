"""Party dues in the JSON API: a cell's months owed, for those who read its dues page."""

import datetime

from django.test import Client
from django.utils import timezone

from soisua.accounts.services import issue_api_token
from soisua.core.actors import SYSTEM
from soisua.dues import services
from soisua.dues.enums import month_of


def client_of(user) -> Client:
    token = issue_api_token(user, name="bảng tính", by=user)
    return Client(headers={"authorization": f"Bearer {token}"})


def test_cell_dues_list_the_months_owed_most_first(cast):
    month = month_of(timezone.localdate())
    services.start_recording(cast.cell, month=month, by=SYSTEM)
    services.record_payment(cast.members["member"], month=month, amount=20_000, collected_on=timezone.localdate(),
                            by=SYSTEM)

    body = client_of(cast.users["parent_staff"]).get(f"/api/units/{cast.cell.pk}/dues").json()

    assert (body["recorded_from"], body["through"]) == (month.isoformat(), month.isoformat())
    assert [(row["full_name"], row["paid"], row["owed"], row["last_amount"]) for row in body["items"]] == [
        ("Lê Văn Cường", 0, [month.isoformat()], None), ("Trần Thị Bình", 1, [], 20_000)]


def test_cell_dues_before_recording_begins_list_nobody(cast):
    body = client_of(cast.users["secretary"]).get(f"/api/units/{cast.cell.pk}/dues").json()

    assert body["recorded_from"] is None and body["items"] == []


def test_cell_dues_are_refused_to_a_plain_member_and_hidden_from_another_cell(cast):
    services.start_recording(cast.cell, month=month_of(timezone.localdate() - datetime.timedelta(days=40)),
                             by=SYSTEM)

    member = client_of(cast.users["member"]).get(f"/api/units/{cast.cell.pk}/dues")
    sibling = client_of(cast.users["sibling"]).get(f"/api/units/{cast.cell.pk}/dues")
    commune = client_of(cast.users["parent_staff"]).get(f"/api/units/{cast.commune.pk}/dues")

    assert member.status_code == 403
    assert sibling.status_code == 404
    assert "Trần Thị Bình" not in sibling.text
    assert commune.status_code == 404
