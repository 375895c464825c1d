import re

from django.core import mail

from soisua.accounts.models import User


def test_login_with_password_redirects_to_dashboard(cast, password):
    response = cast.client("anonymous").post("/accounts/login/", {"username": "member", "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_wrong_password_keeps_username(cast):
    response = cast.client("anonymous").post("/accounts/login/", {"username": "member", "password": "wrong"})

    assert response.status_code == 200
    assert 'value="member"' in response.text


def test_password_reset_by_email_sets_new_password(cast):
    client = cast.client("anonymous")
    client.post("/accounts/password-reset/", {"email": "member@example.org"})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "a new long passphrase 42",
                                                        "new_password2": "a new long passphrase 42"})

    assert response.status_code == 302
    assert User.objects.get(username="member").check_password("a new long passphrase 42")


def test_argon2_is_the_configured_hasher():
    from soisua import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_logout_requires_post(cast):
    client = cast.client("member")

    refused = client.get("/accounts/logout/")
    client.post("/accounts/logout/")

    assert refused.status_code == 405
    assert client.get("/")["Location"].startswith("/accounts/login/")
