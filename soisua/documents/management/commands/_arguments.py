"""What the import commands share: the unit named by its code and the file to read, refused as command errors."""

from collections.abc import Callable
from pathlib import Path

from django.core.files import File
from django.core.management.base import CommandError
from django.db.models import QuerySet

from soisua.documents import services
from soisua.org.models import Unit


def unit_named(code: str, units: QuerySet | None = None) -> Unit:
    unit = (units if units is not None else Unit.objects).filter(code=code).first()
    if unit is None:
        raise CommandError(f"No unit has the code {code!r}.")
    return unit


def read_upload(file: Path, read: Callable[[File], object]):
    """`read(upload)` on the file opened as an upload; a refused file is the command's error."""
    if not file.is_file():
        raise CommandError(f"{file} is not a file.")
    with file.open("rb") as handle:
        try:
            return read(File(handle, name=file.name))
        except services.RosterImportError as error:
            raise CommandError(error.messages[0]) from None
