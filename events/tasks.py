"""Celery tasks of events: each takes ids, loads the rows and calls one service.

Emails (`notify_*`, `send_*`) go on the mail queue (CELERY_TASK_ROUTES).
"""
