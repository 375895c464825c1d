"""Text typed into a search box or passed as a query parameter, checked before it reaches a query."""

import unicodedata

from django.utils.translation import gettext as _

from .errors import DomainError

# Longest search text accepted (the search boxes allow the same).
QUERY_MAX_LENGTH = 120

# Tabs and line breaks pasted with a name are only blanks; other control characters are never typed.
_BLANKS = str.maketrans(dict.fromkeys("\t\n\r\x0b\x0c", " "))


def clean_query(text: str | None, *, limit: int = QUERY_MAX_LENGTH) -> str:
    """`text` with blanks normalised, or DomainError "control_characters" / "too_long".

    A NUL or another control character would otherwise reach the database: SQLite ends a LIKE pattern at a NUL
    (so "%\\0%" matched every member) and PostgreSQL refuses the query outright.
    """
    text = " ".join((text or "").translate(_BLANKS).split())
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise DomainError(_("The search text contains invisible control characters; remove them and search again."),
                          code="control_characters")
    if len(text) > limit:
        raise DomainError(_("The search text is too long: at most %(limit)s characters.") % {"limit": limit},
                          code="too_long")
    return text
