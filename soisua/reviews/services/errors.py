from soisua.core.errors import Conflict, DomainError


class RuleSetError(DomainError):
    """A refused change to a rule set or cycle; the message is already translated."""


class ReviewError(DomainError):
    """A refused change to a review, its feedback or its rating; the message (or list) is already translated."""


class StaleReview(Conflict, ReviewError):
    """The review changed since the editor loaded it (another tab or person saved first)."""

    default_code = "stale"
