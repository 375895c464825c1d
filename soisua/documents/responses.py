"""Serving generated official documents: every Word/PDF download goes through `document_download`."""

from collections.abc import Callable

from django.db import models
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

from .rendering import OUTPUT_FORMATS, PartyDocument
from .services import record_export


def document_download(user, obj: models.Model, build: Callable[[], PartyDocument], *, file_format: str,
                      action: str, filename: str, personal: bool = True) -> HttpResponse:
    """Render `build()` in the reader's language as Word or PDF, record the export, and attach it.

    The caller has already decided that `user` may read `obj`. Unknown formats are 404.
    """
    if file_format not in OUTPUT_FORMATS:
        raise Http404
    with translation.override(user.language):
        content = OUTPUT_FORMATS[file_format].render(build())
    record_export(user, obj, action=action, file_format=file_format, personal=personal)
    response = HttpResponse(content, content_type=OUTPUT_FORMATS[file_format].content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, f"{filename}.{file_format}")
    return response
