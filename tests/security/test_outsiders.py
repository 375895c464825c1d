"""An outsider on the network guessing a password cannot dodge the limits by claiming a new address on each try:
X-Forwarded-For counts only as far as the configured proxies append to it (docs/security.md)."""

import re

import pytest
from django.test import Client

PROXY = "10.0.0.2"  # the reverse proxy, as the application sees the connection
ATTACKER = "203.0.113.66"


@pytest.mark.parametrize("proxies", [0, 1], ids=["no_proxy", "behind_one_proxy"])
def test_a_guesser_claiming_a_new_address_on_each_try_is_still_refused(cast, password, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    client = Client()

    def login(secret: str, claimed: str):
        # Behind a proxy the connection comes from the proxy, which appends the address it saw.
        forwarded = f"{claimed}, {ATTACKER}" if proxies else claimed
        return client.post("/accounts/login/", {"username": "member", "password": secret},
                           REMOTE_ADDR=PROXY if proxies else ATTACKER, HTTP_X_FORWARDED_FOR=forwarded)

    answers = [login("wrong password", f"198.51.100.{number}").status_code for number in range(30)]
    response = login(password, "198.51.100.200")

    assert answers[:4] == [200] * 4 and set(answers[4:]) == {429}
    assert response.status_code == 429
    assert "Quá nhiều lần thử. Vui lòng thử lại sau 15 phút." in response.text
    assert client.get("/").status_code == 302  # still not logged in


def test_behind_a_proxy_the_owner_at_another_address_still_logs_in(cast, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(6):
        Client().post("/accounts/login/", {"username": "member", "password": "wrong password"},
                      REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, {ATTACKER}")
    owner = Client()

    response = owner.post("/accounts/login/", {"username": "member", "password": password},
                          REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert response.status_code == 302
    assert owner.get("/").status_code == 200


def test_the_login_and_reset_pages_do_not_tell_whether_an_account_exists(cast):
    known = Client().post("/accounts/login/", {"username": "member", "password": "wrong password"})
    unknown = Client().post("/accounts/login/", {"username": "nobody-here", "password": "wrong password"})
    reset_known = Client().post("/accounts/password-reset/", {"email": "member@example.org"})
    reset_unknown = Client().post("/accounts/password-reset/", {"email": "nobody@example.org"})

    def error(response) -> str:
        return re.search(r'<ul class="errorlist[^"]*">(.*?)</ul>', response.text, re.S).group(1)

    assert known.status_code == unknown.status_code == 200
    assert error(known) == error(unknown)
    assert (reset_known.status_code, reset_known["Location"]) == (reset_unknown.status_code,
                                                                 reset_unknown["Location"])
