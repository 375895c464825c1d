from django.core.exceptions import ValidationError


class RuleSetError(ValidationError):
    """A refused change to a rule set or cycle; the message is already translated."""


class ReviewError(ValidationError):
    """A refused change to a review, its feedback or its rating; the message (or list) is already translated."""

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code, params)
        self.code = code  # kept for lists too, so callers can tell the reasons apart


class StaleReview(ReviewError):
    """The review changed since the editor loaded it (another tab or person saved first)."""

    def __init__(self, message, *, current_version: int):
        super().__init__(message, code="stale")
        self.current_version = current_version
