"""The meetings pages (`pages`) and the files they download (`documents`)."""
