from django.core.exceptions import ValidationError

from soisua.core.errors import DomainError


class RuleSetError(ValidationError):
    """A refused change to a rule set or cycle; the message is already translated."""


class ReviewError(DomainError):
    """A refused change to a review, its feedback or its rating; the message (or list) is already translated."""


class StaleReview(ReviewError):
    """The review changed since the editor loaded it (another tab or person saved first)."""

    def __init__(self, message, *, current_version: int):
        super().__init__(message, code="stale")
        self.current_version = current_version
