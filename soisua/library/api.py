"""The document library in the JSON API: the documents the caller reaches, searched as on the library page."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from soisua.core.api_common import Pages, query_text, responses
from soisua.core.querytext import QUERY_MAX_LENGTH

from . import policy, queries
from .enums import DocumentKind

router = Router(tags=[_("Document library")])


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    issuer: str
    issued_on: datetime.date
    title: str
    summary: str
    # The unit that published it, to its subtree.
    unit_id: int
    has_file: bool
    required: bool
    # The day a required study is due (null for a document not required).
    study_due: datetime.date | None
    withdrawn: bool

    @staticmethod
    def resolve_has_file(document) -> bool:
        return bool(document.file)


@router.get("/library/documents", response=responses(list[DocumentOut]), summary=_("Library documents"),
            description=_("The documents published to the units the caller reads (and, for those who cover a "
                          "subtree, inside it), latest issued first. `q`: every word in the number, title, summary "
                          "or issuer, diacritics optional; `kind`: its abbreviation (NQ, CT, QĐ, KL, HD, TL, BT); "
                          "`year`: of issue."))
@paginate(Pages, page_size=50)
def library_documents(request: HttpRequest, q: str = Query("", max_length=QUERY_MAX_LENGTH),
                  kind: DocumentKind | None = None, year: int | None = Query(None, ge=1930, le=2100)):
    return queries.search(policy.visible_documents(request.user), text=query_text(q) if q else "",
                          kind=kind or "", year=year)
