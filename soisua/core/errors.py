from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A write a service refused, with a translated message (or list of them) and a code callers can test."""

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code, params)
        self.code = code  # ValidationError drops it for lists; keep it so callers can tell the reasons apart
