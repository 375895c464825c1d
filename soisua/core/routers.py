"""Reads that may go to a streaming replica (docs/deploy.md, "Read replicas and dashboards").

A blanket router would send every read to the replica, and a page shown right after a save would miss the save
(replication lags by up to seconds). So nothing reads the replica unless it runs inside `reading_replica()` — the
dashboards, exports and supervision pages of large subtrees, which tolerate that lag — and even there the primary
answers when:

- this request (or task) has written: the router sees every write and remembers it for the rest of the request;
- this browser wrote less than REPLICA_AFTER_WRITE_SECONDS ago: `ReplicaMiddleware` sets a short-lived cookie
  after a request that wrote, and the next requests read the primary until it expires;
- a transaction is open on the primary (what it reads must be what it is about to write).

Without a `replica` alias in DATABASES (DATABASE_REPLICA_URL unset) every read goes to the primary.
"""

from __future__ import annotations

import contextvars
from contextlib import ContextDecorator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
COOKIE = "soisua_primary"

_replica_wanted = contextvars.ContextVar("soisua_replica_wanted", default=False)
_wrote = contextvars.ContextVar("soisua_wrote", default=False)
_wrote_recently = contextvars.ContextVar("soisua_wrote_recently", default=False)
_in_request = contextvars.ContextVar("soisua_in_request", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings  # DATABASES, as the connections read it


def mark_written() -> None:
    _wrote.set(True)


class reading_replica(ContextDecorator):
    """Let the reads inside go to the replica (when there is one and nothing above says otherwise). Outside a
    request (a task, a command) the writes that count are those made inside the block."""

    def _recreate_cm(self):
        # As a decorator one instance serves every call, in every thread at once: each call gets its own tokens.
        return type(self)()

    def __enter__(self):
        self._tokens = [(_replica_wanted, _replica_wanted.set(True))]
        if not _in_request.get():
            self._tokens.append((_wrote, _wrote.set(False)))
        return self

    def __exit__(self, *exc):
        for var, token in reversed(self._tokens):
            var.reset(token)
        return False


def _in_transaction() -> bool:
    # The blocks a test case opens around each test (marked by django.test) are not the code's own transactions.
    return any(not getattr(block, "_from_testcase", False) for block in connections[DEFAULT_DB_ALIAS].atomic_blocks)


def read_alias() -> str:
    """The alias the reads of this moment go to."""
    if (not replica_configured() or not _replica_wanted.get() or _wrote.get() or _wrote_recently.get()
            or _in_transaction()):
        return DEFAULT_DB_ALIAS
    return REPLICA


class ReplicaRouter:
    """Reads inside reading_replica() to the replica; all writes, and everything else, to the primary."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        mark_written()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's WAL, schema included


class ReplicaMiddleware:
    """Per request: forget the last request's writes, read the browser's "wrote recently" cookie, and set it again
    after a request that wrote (only when a replica is configured)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = _in_request.set(True)
        wrote = _wrote.set(False)
        recently = _wrote_recently.set(COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
            if replica_configured() and _wrote.get():
                response.set_cookie(COOKIE, "1", max_age=settings.REPLICA_AFTER_WRITE_SECONDS, httponly=True,
                                    secure=request.is_secure(), samesite="Lax")
            return response
        finally:
            _wrote.reset(wrote)
            _wrote_recently.reset(recently)
            _in_request.reset(scope)
