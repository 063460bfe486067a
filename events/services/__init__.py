"""Writes of the events app: class registrations and the waiting list (registrations.py),
workshop hosts (hosts.py)."""
