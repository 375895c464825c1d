"""Files people attach (evidence of a fix, a meeting's documents): checked by content as well as by name, and
refused at the size limit while the request is still being read.

`UploadLimit` is the first upload handler of every request (settings.FILE_UPLOAD_HANDLERS): it counts the bytes
of each file as they arrive and, one byte past the limit, stops reading the request. The form then receives a
`RefusedUpload` in the file's place (no content, the size seen so far), so the service's check refuses it with
its usual translated message, and the fields sent before the file are kept. A view that accepts larger files
(the roster import) sets `request.upload_max_bytes` before the body is read, or installs its own handler.
"""

import io
import logging
import os

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import DomainError

DOCUMENT_TYPES = {  # extension: the file's first bytes
    "pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "odt": (b"PK\x03\x04",),
}
READ_CHUNK = 64 * 1024
logger = logging.getLogger(__name__)


def upload_limit(request=None) -> int:
    """The most bytes one attached file may have (a view may allow more on its request)."""
    return getattr(request, "upload_max_bytes", None) or settings.EVIDENCE_MAX_BYTES


class RefusedUpload(UploadedFile):
    """What the form gets for a file cut off at the limit: its name, and more bytes than allowed, none kept."""

    too_large = True

    def __init__(self, *, name: str, size: int, content_type: str | None, charset: str | None):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size, charset=charset)


class UploadLimit(FileUploadHandler):
    """Stops reading a request as soon as one of its files passes the limit, so that a 50 MB body is never
    buffered in memory nor written to disk before it is refused."""

    def __init__(self, request=None):
        super().__init__(request)
        self.parsing = False
        self.limit = upload_limit(request)
        self.refused: RefusedUpload | None = None
        self.refused_field = ""
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        """Parse the body here, with every handler (this one included), so that a refused file can be put back in
        FILES as a RefusedUpload: Django's parser drops a file whose reading was stopped."""
        if self.parsing or self.request is None:
            return None
        self.limit = upload_limit(self.request)
        self.parsing = True
        try:
            post, files = MultiPartParser(META, input_data, self.request.upload_handlers, encoding).parse()
        finally:
            self.parsing = False
        if self.refused is not None:
            files.appendlist(self.refused_field, self.refused)
        return post, files

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refused_field = self.field_name
            self.refused = RefusedUpload(name=self.file_name, size=self.received, content_type=self.content_type,
                                         charset=self.charset)
            # The rest of the body is not read: the response is an error page anyway.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _size_within(upload, limit: int) -> bool:
    """Whether the file has at most `limit` bytes: its known size first, else read in chunks, never past limit+1."""
    if getattr(upload, "too_large", False):
        return False
    if upload.size is not None:
        return upload.size <= limit
    upload.seek(0)
    seen = 0
    while seen <= limit and (chunk := upload.read(min(READ_CHUNK, limit + 1 - seen))):
        seen += len(chunk)
    upload.seek(0)
    return seen <= limit


def check_document_upload(upload) -> None:
    """Only documents and pictures within EVIDENCE_MAX_BYTES; raises DomainError (codes size, type, content)."""
    limit = upload_limit()
    if not _size_within(upload, limit):
        raise DomainError(_("“%(name)s” is too large: at most %(limit)s.")
                          % {"name": upload.name, "limit": filesizeformat(limit)}, code="size")
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in DOCUMENT_TYPES:
        raise DomainError(_("Files must be a PDF, a picture (PNG, JPG) or an office document (DOCX, XLSX, "
                            "ODT); “%(name)s” is not.") % {"name": upload.name}, code="type")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in DOCUMENT_TYPES[extension]):
        raise DomainError(_("“%(name)s” is not really a %(kind)s file.")
                          % {"name": upload.name, "kind": extension.upper()}, code="content")


def store_upload(field_file, upload) -> None:
    """Write `upload` into `field_file` (a model's FileField, its row not saved yet), before the row is saved in
    the caller's transaction, so a committed row always has its whole file.

    The file gets a name of its own (the upload's name and a random suffix), so a failed write (the disk full, a
    volume gone) can remove exactly what it had written: it leaves no partial file and raises DomainError (code
    storage) with a translated message; the caller's transaction then rolls back and no row is saved.
    """
    storage = field_file.storage
    root, extension = os.path.splitext(field_file.field.generate_filename(field_file.instance, upload.name))
    name = storage.get_alternative_name(root, extension)
    try:
        stored = storage.save(name, upload, max_length=field_file.field.max_length)
    except OSError as error:
        # The folder and the cause only: the file's name is the uploader's and may name a person (docs/deploy.md,
        # "Logs"), and so may the error's text, which repeats the path.
        logger.error("could not store a file in %s: %s", os.path.dirname(name), error.strerror or type(error).__name__)
        discard_stored(storage, name)
        raise DomainError(_("“%(name)s” could not be stored: the server has no room for it now. Nothing was saved; "
                            "try again later, and tell the administrator if it happens again.")
                          % {"name": upload.name}, code="storage") from error
    field_file.name = stored
    setattr(field_file.instance, field_file.field.attname, stored)
    field_file._committed = True


def discard_stored(storage, name: str) -> None:
    """Remove a file written for a row that will not be saved; a file already gone is fine."""
    try:
        storage.delete(name)
    except OSError:
        logger.exception("could not remove %s", name)
