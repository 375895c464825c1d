"""Roster import: read an uploaded XLSX or CSV roster, check every row, and apply it in bulk.

The work is split so that every step can be repeated: `check_upload` looks at the bytes before anything is
saved, `read_table` finds the header row and the data rows, `build_plan` checks every row against the file and
the database and says what would change, and `apply_plan` writes that plan (the caller owns the transaction).
Nothing here decides who may import: the caller passes the unit whose subtree the import may touch.
"""

from .applying import apply_plan
from .checking import Plan, RowError, build_plan
from .reading import (
    COLUMN_BY_KEY,
    COLUMNS,
    CSV,
    XLSX,
    Column,
    RosterImportError,
    Table,
    check_upload,
    max_upload_bytes,
    probe,
    read_table,
    too_large_error,
)

__all__ = ["COLUMNS", "COLUMN_BY_KEY", "CSV", "XLSX", "Column", "Plan", "RosterImportError", "RowError", "Table",
           "apply_plan", "build_plan", "check_upload", "max_upload_bytes", "probe", "read_table",
           "too_large_error"]
