"""The `<fmt:fmt>` path converter of download routes: one route per document, its format as the extension
(`units/<int:pk>/roster.<fmt:fmt>`). It matches only the formats the product writes; each download then allows
its own (documents.responses.download answers 404 for the others)."""

from django.urls import register_converter

FORMATS = ("docx", "pdf", "xlsx", "csv", "zip")


class FormatConverter:
    regex = "|".join(FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if value not in FORMATS:
            raise ValueError(value)
        return value


def register() -> None:
    register_converter(FormatConverter, "fmt")
