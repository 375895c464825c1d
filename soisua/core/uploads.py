"""Files people attach (evidence of a fix, a meeting's documents): checked by content as well as by name."""

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError

DOCUMENT_TYPES = {  # extension: the file's first bytes
    "pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "odt": (b"PK\x03\x04",),
}


def check_document_upload(upload) -> None:
    """Only documents and pictures within EVIDENCE_MAX_BYTES; raises DomainError (codes type, size, content)."""
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in DOCUMENT_TYPES:
        raise DomainError(_("Files must be a PDF, a picture (PNG, JPG) or an office document (DOCX, XLSX, "
                            "ODT); “%(name)s” is not.") % {"name": upload.name}, code="type")
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise DomainError(_("“%(name)s” is too large: at most %(limit)s MB.")
                          % {"name": upload.name, "limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)},
                          code="size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in DOCUMENT_TYPES[extension]):
        raise DomainError(_("“%(name)s” is not really a %(kind)s file.")
                          % {"name": upload.name, "kind": extension.upper()}, code="content")
