from django.test import Client

from soisua.accounts.models import ApiToken
from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.enums import MemberStatus


def _token_client(user) -> Client:
    token = ApiToken.generate()
    ApiToken.objects.create(user=user, name="test", token_hash=ApiToken.hash(token))
    return Client(headers={"authorization": f"Bearer {token}"})


def test_api_unit_members_with_token(cast):
    response = _token_client(cast.users["secretary"]).get(f"/api/units/{cast.cell.pk}/members")

    names = [item["full_name"] for item in response.json()["items"]]
    assert names == ["Trần Thị Bình", "Lê Văn Cường"]


def test_api_units_lists_what_the_caller_sees_in_tree_order(cast):
    staff = _token_client(cast.users["parent_staff"]).get("/api/units").json()
    member = _token_client(cast.users["member"]).get("/api/units").json()

    assert [item["code"] for item in staff["items"]] == ["TN-HA", "TN-HA-1", "TN-HA-2"]
    assert [item["code"] for item in member["items"]] == ["TN-HA-1"]


def test_api_units_filters_by_subtree_and_kind(cast):
    client = _token_client(cast.users["admin"])

    within = client.get("/api/units", {"within": cast.other_commune.pk}).json()
    cells = client.get("/api/units", {"kind": "cell"}).json()
    hidden = _token_client(cast.users["member"]).get("/api/units", {"within": cast.commune.pk})

    assert [item["code"] for item in within["items"]] == ["TN-HB", "TN-HB-3"]
    assert [item["code"] for item in cells["items"]] == ["TN-HA-1", "TN-HA-2", "TN-HB-3"]
    assert cells["items"][0]["kind"] == "cell"
    assert hidden.status_code == 404


def test_api_units_pages_are_bounded(cast):
    client = _token_client(cast.users["admin"])

    first = client.get("/api/units", {"page_size": 2}).json()
    too_big = client.get("/api/units", {"page_size": 101})

    assert first["count"] == 6 and len(first["items"]) == 2
    assert too_big.status_code == 422


def test_api_unit_members_filters_by_status(cast):
    services.change_member_status(cast.members["member"], status=MemberStatus.SUSPENDED, reason="Kỷ luật", by=SYSTEM)
    client = _token_client(cast.users["secretary"])

    suspended = client.get(f"/api/units/{cast.cell.pk}/members", {"status": "suspended"}).json()
    official = client.get(f"/api/units/{cast.cell.pk}/members", {"status": "official"}).json()
    unknown = client.get(f"/api/units/{cast.cell.pk}/members", {"status": "retired"})

    assert [item["full_name"] for item in suspended["items"]] == ["Trần Thị Bình"]
    assert [item["full_name"] for item in official["items"]] == ["Lê Văn Cường"]
    assert unknown.status_code == 422


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


# --- bounded pages, clean query text, one error body -----------------------------------------------------------


def test_api_refuses_page_numbers_beyond_the_bound(cast):
    client = _token_client(cast.users["secretary"])

    huge = client.get("/api/members/search", {"q": "tran", "page": "9223372036854775807"})
    big_size = client.get(f"/api/units/{cast.cell.pk}/members", {"page_size": "1000000"})

    assert huge.status_code == 422
    assert huge.json()["code"] == "invalid"
    assert huge.json()["detail"] == "Một số giá trị trong yêu cầu không hợp lệ: page."
    assert [error["field"] for error in huge.json()["errors"]] == ["page"]
    assert big_size.status_code == 422
    assert [error["field"] for error in big_size.json()["errors"]] == ["page_size"]


def test_api_page_after_the_last_is_empty(cast):
    response = _token_client(cast.users["secretary"]).get(f"/api/units/{cast.cell.pk}/members", {"page": "10000"})

    assert response.json() == {"items": [], "count": 2}


def test_api_refuses_ids_beyond_64_bits(cast):
    response = _token_client(cast.users["secretary"]).get(f"/api/members/{2**64}")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "member_id"


def test_api_search_refuses_control_characters(cast):
    client = _token_client(cast.users["secretary"])

    nul = client.get("/api/members/search?q=%00")
    bell = client.get("/api/members/search?q=tran%07")

    assert nul.status_code == 422
    assert nul.json() == {"detail": "Nội dung tìm kiếm có ký tự điều khiển ẩn; hãy xóa chúng rồi tìm lại.",
                          "code": "control_characters"}
    assert bell.status_code == 422


def test_api_search_treats_pasted_line_breaks_as_spaces(cast):
    response = _token_client(cast.users["secretary"]).get("/api/members/search?q=tran%0Athi%09binh%0D%0A")

    assert [item["full_name"] for item in response.json()["items"]] == ["Trần Thị Bình"]


def test_api_search_refuses_text_longer_than_the_search_box(cast):
    response = _token_client(cast.users["secretary"]).get("/api/members/search", {"q": "a" * 121})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"


def test_api_not_found_says_why_in_the_callers_language(cast):
    cast.users["sibling"].language = "en"
    cast.users["sibling"].save(update_fields=["language"])

    hidden = _token_client(cast.users["sibling"]).get(f"/api/members/{cast.members['member'].pk}")
    missing = _token_client(cast.users["secretary"]).get("/api/reviews/999999")

    assert hidden.json() == {"detail": "Not found, or you do not have access to it.", "code": "not_found"}
    assert missing.json() == {"detail": "Không tìm thấy, hoặc đồng chí không có quyền truy cập.", "code": "not_found"}


def test_api_without_credentials_says_how_to_authenticate(cast):
    response = Client().get(f"/api/units/{cast.cell.pk}")

    assert response.status_code == 401
    assert response.json() == {"detail": "Hãy đăng nhập hoặc gửi một mã truy cập API hợp lệ.",
                               "code": "not_authenticated"}


def test_openapi_declares_every_refusal_with_its_body(client, db):
    schema = client.get("/api/openapi.json").json()

    operations = [operation for path in schema["paths"].values() for operation in path.values()]
    assert len(operations) >= 7
    for operation in operations:
        assert {"200", "401", "403", "404", "422", "429"} <= set(operation["responses"]), operation["operationId"]
        assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"}
    search = schema["paths"]["/api/members/search"]["get"]["parameters"]
    page = next(parameter for parameter in search if parameter["name"] == "page")
    assert page["schema"]["maximum"] == 10_000


def test_member_search_page_refuses_control_characters(cast):
    response = cast.client("secretary").get("/members/search/?q=tran%00")

    assert "Nội dung tìm kiếm có ký tự điều khiển ẩn; hãy xóa chúng rồi tìm lại." in response.text
    assert "Trần Thị Bình" not in response.text


def test_member_search_page_with_a_huge_unit_id_is_not_found(cast):
    response = cast.client("secretary").get(f"/members/search/?q=tran&unit={2**70}")

    assert response.status_code == 404
