"""Writes of the offers app: requests from teachers, saved searches, the search vocabulary."""
