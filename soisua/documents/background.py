"""Spreadsheets written in the background: the kinds of export that may grow past `EXPORT_INLINE_MAX_ROWS`.

An export job stores only its kind, its object's primary key, its format and who asked. Each app registers its
kinds (from its `exports.py`, which `documents.apps` loads), so the task can build the table again and the
download can ask the app's policy once more whether the requester may still read the object: `load` is that
app's policy loader (404 for a stranger, 403 for a reader without the right).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules

from .writers import Sheet


@dataclass(frozen=True)
class ExportKind:
    code: str
    load: Callable[[Any, int], Any]  # (user, object pk) -> the subject, through the app's policy
    build: Callable[[Any, Any], Sheet | Sequence[Sheet]]  # (user, subject) -> the table
    title: Callable[[Any], str]  # subject -> what the export is, as the job's page and the inbox name it
    file_name: Callable[[Any], str]  # subject -> the download's name without extension
    action: str  # the audit action of the export
    personal: Callable[[Any, Any], bool]  # (user, subject) -> whether the table holds personal data
    object_of: Callable[[Any], Any] = lambda subject: subject  # the model instance the audit entry names


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> ExportKind:
    """The kind registered under `code`; in a worker that has not imported the apps' exports yet, they are."""
    if code not in KINDS:
        autodiscover_modules("exports")
    return KINDS[code]
