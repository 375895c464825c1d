from django.test import Client

from soisua.accounts.models import ApiToken


def _token_client(user) -> Client:
    token = ApiToken.generate()
    ApiToken.objects.create(user=user, name="test", token_hash=ApiToken.hash(token))
    return Client(headers={"authorization": f"Bearer {token}"})


def test_api_unit_members_with_token(cast):
    response = _token_client(cast.users["secretary"]).get(f"/api/units/{cast.cell.pk}/members")

    names = [item["full_name"] for item in response.json()["items"]]
    assert names == ["Trần Thị Bình", "Lê Văn Cường"]


def test_api_sibling_cannot_list_other_cell(cast):
    client = _token_client(cast.users["sibling"])

    members = client.get(f"/api/units/{cast.cell.pk}/members")
    detail = client.get(f"/api/members/{cast.members['member'].pk}")
    search = client.get("/api/members/search", {"q": "tran thi binh"})

    assert members.status_code == 404
    assert detail.status_code == 404
    assert search.json()["items"] == []


def test_api_member_detail_hides_personal_data_from_colleague(cast):
    own = _token_client(cast.users["member"]).get(f"/api/members/{cast.members['member'].pk}").json()
    colleague = _token_client(cast.users["member"]).get(f"/api/members/{cast.members['secretary'].pk}").json()

    assert own["citizen_id"] == "001190000001"
    assert colleague["full_name"] == "Lê Văn Cường"
    assert colleague["citizen_id"] is None and colleague["phone"] is None


def test_api_bad_token_is_refused(cast):
    response = Client(headers={"authorization": "Bearer nope"}).get(f"/api/units/{cast.cell.pk}")

    assert response.status_code == 401


def test_api_docs_are_served(client, db):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert "/api/units/{unit_id}/members" in response.json()["paths"]
