"""Sessions are stored in the database only, as docs/deploy.md says: a logout ends the session for every process
(a per-process cache in front of the database would keep it alive in the other workers)."""

from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def test_the_deploy_guide_names_the_session_engine_in_use():
    guide = DEPLOY.read_text()

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert f"Sessions live in the database only (`{settings.SESSION_ENGINE}`)" in guide


def test_a_stolen_session_cookie_stops_working_at_logout(cast, password):
    owner = Client()
    owner.post("/accounts/login/", {"username": "member", "password": password})
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = owner.cookies[settings.SESSION_COOKIE_NAME].value
    assert thief.get("/").status_code == 200

    owner.post("/accounts/logout/")

    assert thief.get("/").status_code == 302  # to the login page
    assert not Session.objects.exists()
