"""While the database cannot be reached, pages and the API answer 503 with Retry-After (people and clients try
again); any other unhandled error is still the plain 500 page."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from soisua.core.views import server_error


def unreachable(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def broken(request):
    raise ValueError("a bug")


urlpatterns = [path("page", unreachable), path("api/page", unreachable), path("bug", broken)]
handler500 = server_error

pytestmark = pytest.mark.urls(__name__)


def client() -> Client:
    return Client(raise_request_exception=False)


def test_a_page_while_the_database_is_unreachable_says_so_and_asks_to_wait():
    response = client().get("/page")

    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert "Hệ thống tạm thời gián đoạn" in response.text and "thử lại sau ít phút" in response.text


def test_the_api_while_the_database_is_unreachable_answers_in_json():
    response = client().get("/api/page")

    assert (response.status_code, response.json()["code"], response["Retry-After"]) == (503, "unavailable", "30")


def test_any_other_error_is_the_server_error_page():
    response = client().get("/bug")

    assert response.status_code == 500 and "Đã có lỗi xảy ra" in response.text
