"""The corrections pages (`pages`) and the files they download (`documents`)."""
