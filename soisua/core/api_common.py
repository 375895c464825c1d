"""What every API operation shares: the error body, the error statuses declared in the schema, bounded pages.

Kept apart from soisua.core.api (which builds the NinjaAPI and imports every app's router) so the apps' routers
can import it without a cycle.
"""

import datetime

from django.utils.translation import gettext
from ninja import Field, Query, Schema
from ninja.pagination import PageNumberPagination
from pydantic import ConfigDict

from .errors import DomainError
from .querytext import clean_query

# Ids are 64-bit in every supported database: a larger number is refused (422) rather than sent to a query.
MAX_ID = 2**63 - 1
# The days a list is asked for: `from` and `to` are words Python keeps for itself.
FromDay, ToDay = Query(None, alias="from"), Query(None, alias="to")
# The years the product keeps records of: a day outside is refused (422).
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


class ApiInput(Schema):
    """The base of every request body: a field the operation does not know is refused (422), never ignored, so a
    misspelt field cannot pass silently as "not given"."""

    model_config = ConfigDict(extra="forbid")


class FieldErrorOut(Schema):
    field: str
    code: str


class ErrorOut(Schema):
    """Every refusal: a message for people (in the caller's language) and a code for programs."""

    detail: str
    code: str
    # The parameters that were refused (422 only).
    errors: list[FieldErrorOut] = []


# Declared for every operation: 401 without a valid token or session, 403 when the caller may read but not do
# this, 404 for what does not exist or is not the caller's to see, 422 for bad parameters, 429 while the
# caller's address is over the limit of failed tokens.
ERROR_RESPONSES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def responses(ok) -> dict:
    """The `response=` of an operation: `ok` for 200, ErrorOut for every refusal."""
    return {200: ok, **ERROR_RESPONSES}


class ApiError(Exception):
    """A refusal with its status, machine code and translated message (see core.api's handlers)."""

    def __init__(self, status: int, code: str, detail: str, *, wait: int | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail, self.wait = status, code, detail, wait


def query_text(text: str | None) -> str:
    """A search text from a query parameter, refused (422) when it holds control characters or is too long."""
    try:
        return clean_query(text)
    except DomainError as error:
        raise ApiError(422, error.code, error.messages[0]) from None


# Pages beyond this are refused in the schema (422): a caller who needs them should narrow the search, and the
# database is never asked for an offset it cannot represent.
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100


class Pages(PageNumberPagination):
    """Page numbers and sizes with upper bounds that the OpenAPI schema declares."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")

    def __init__(self, page_size: int = 50, **kwargs):
        super().__init__(page_size=min(page_size, MAX_PAGE_SIZE), max_page_size=MAX_PAGE_SIZE, **kwargs)


def day_range(first: datetime.date | None, last: datetime.date | None) -> tuple[datetime.date | None,
                                                                                datetime.date | None]:
    """The `from`/`to` days of a list, refused (422) when one falls outside the kept years or `to` comes first."""
    for day, name in ((first, "from"), (last, "to")):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ApiError(422, "date_range", gettext("The day `%(name)s` must fall from %(first)s to %(last)s.") % {
                "name": name, "first": EARLIEST.strftime("%d/%m/%Y"), "last": LATEST.strftime("%d/%m/%Y")})
    if first is not None and last is not None and last < first:
        raise ApiError(422, "date_order", gettext("The day `to` comes before the day `from`."))
    return first, last
