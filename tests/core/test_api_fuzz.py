"""Every operation of the JSON API, driven by its own OpenAPI schema: valid and invalid parameters and bodies, for
reads and writes alike, authenticated with a cast member's token that may read and write. No request may end in a
server error or in a status the schema does not declare, and every body must match its declared schema.

Deterministic (a derandomised, bounded number of examples per operation, no example database) and bounded in
time: it runs twice in CI, so EXAMPLES keeps the whole under a minute for some sixty operations on SQLite.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from soisua.accounts import services
from soisua.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def _test_connection_stays_open():
    """Schemathesis calls the WSGI application itself, whose request signals would close the database connection
    that holds the test's transaction (Django's test client detaches the same receiver around each request)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def token(cast, _test_connection_stays_open) -> str:
    # The secretary reads the cell's members with their personal data and leads the cell: the widest answers and
    # the most writes in the cast.
    return services.issue_api_token(cast.users["secretary"], name="fuzz", scope="read_write",
                                    by=cast.users["secretary"])


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_operation_never_fails_and_answers_as_documented(case, token, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 10**6  # invalid tokens are part of the fuzz; the limit has its own tests
    settings.API_TOKEN_RATE_PER_MINUTE = 10**6  # so is the rate of one token
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    case.call_and_validate(checks=CHECKS)
