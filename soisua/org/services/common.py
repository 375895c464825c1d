"""What every organisation write shares: the refusal error and the version check against stale forms."""

from typing import Any

from soisua.core.errors import Conflict, DomainError, save_if_current


class OrgError(DomainError):
    """A refused change to the organisation; the message is already translated."""


class ConflictError(Conflict, OrgError):
    """Someone else saved the unit or member since it was loaded (optimistic locking)."""


def save_versioned(obj, version: int | None, fields: dict[str, Any]) -> None:
    """Update with a version check: a stale form raises ConflictError instead of overwriting."""
    save_if_current(obj, version, fields, error=ConflictError)
