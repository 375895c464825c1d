"""Data exchange of the organisation and members: the "soisua-exchange" file format (format.py), checking a file
against one subtree for a dry-run diff (checking.py), and writing a subtree as such a file (writing.py).

Built on the roster import (documents/imports): a file's members are checked and applied by its checks and its bulk
writer, its new units by the import of units. docs/exchange.md documents the format and what each column means.
"""
