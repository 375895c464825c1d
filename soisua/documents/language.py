"""One language for filed papers: official documents are Vietnamese whatever the reader's interface language
(docs/documents.md, "Language").

Builders take their labels from the enums and model choices, rendered in Vietnamese here, so the catalogue holds
each label once. Where the paper's wording differs from the interface's, the builder asks for the wording under
the message context `FILED_PAPER` (`pgettext_lazy("filed paper", …)`), and the catalogue holds that wording once
as well.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import translation

FILED_PAPER_LANGUAGE = "vi"
FILED_PAPER = "filed paper"


@contextmanager
def filed_paper() -> Iterator[None]:
    """Build a filed paper inside this block: every label and message is Vietnamese."""
    with translation.override(FILED_PAPER_LANGUAGE):
        yield


def label(member) -> str:
    """A choice's label as a filed paper prints it; `member` is an enum member or its value's label."""
    with filed_paper():
        return str(getattr(member, "label", member))
