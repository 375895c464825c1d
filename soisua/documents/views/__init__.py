from .exchange import exchange, exchange_download
from .exports import export_detail, export_file, export_progress, profile, roster
from .imports import conflict_decide, conflict_detail, import_confirm, import_create, import_detail, import_progress
from .units import setup, units_import

__all__ = ["conflict_decide", "conflict_detail", "exchange", "exchange_download", "export_detail", "export_file",
           "export_progress", "import_confirm", "import_create", "import_detail", "import_progress", "profile",
           "roster", "setup", "units_import"]
