from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DomainError(ValidationError):
    """A write a service refused, with a translated message (or list of them) and a code callers can test."""

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code, params)
        self.code = code  # ValidationError drops it for lists; keep it so callers can tell the reasons apart


def clean_text(text: str, label: str, limit: int, *, error: type[DomainError] = DomainError) -> str:
    """`text` without surrounding blanks; refused (`error`, code "too_long") beyond `limit` characters, naming the
    field by its translated `label`."""
    text = (text or "").strip()
    if len(text) > limit:
        raise error(_("“%(field)s” is too long: at most %(limit)s characters.")
                    % {"field": label, "limit": f"{limit:,}".replace(",", ".")}, code="too_long")
    return text
