"""Inspection and supervision by the upper levels."""
