from .exports import profile_docx, profile_pdf, roster_docx, roster_pdf, roster_xlsx
from .imports import conflict_decide, conflict_detail, import_confirm, import_create, import_detail, import_progress
from .units import setup, units_import

__all__ = ["conflict_decide", "conflict_detail", "import_confirm", "import_create", "import_detail",
           "import_progress", "profile_docx", "profile_pdf", "roster_docx", "roster_pdf", "roster_xlsx", "setup",
           "units_import"]
