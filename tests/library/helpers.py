"""Shared makers for the library's tests."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from soisua.library import services

PDF = b"%PDF-1.4\n% a resolution\n"


def pdf(name: str = "57-NQ-TW.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def publish(cast, *, by=None, unit=None, required=True, note_required=False, due_in=10, **fields):
    values = {"kind": "NQ", "number": "57-NQ/TW", "issuer": "Bộ Chính trị", "issued_on": datetime.date(2024, 12, 22),
              "title": "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
                       "quốc gia", "summary": "Quán triệt và triển khai thực hiện trong toàn Đảng bộ.",
              "upload": pdf(), **fields}
    return services.publish_document(
        unit or cast.commune, required=required, note_required=note_required,
        study_due=timezone.localdate() + datetime.timedelta(days=due_in) if required else None,
        by=by or cast.users["committee"], **values)
