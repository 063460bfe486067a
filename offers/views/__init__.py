"""The public pages of the catalogue: searching, one offer, requesting it, saved searches."""
