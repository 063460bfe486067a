"""A public form's submit stored once: the same rendered form sent twice gives one row."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, connection, models, transaction

Row = TypeVar("Row", bound=models.Model)


def create_once(
    model: type[Row], *, submission_token: uuid.UUID, create: Callable[[], Row]
) -> tuple[Row, bool]:
    """The row of `model` with this form token, made by `create` if there is none yet.

    Returns the row and whether it is new. A transaction-scoped advisory lock on the token
    makes a double click wait for the first submit, then find its row; should two submits still
    race past it (a lock taken by a row that then commits), the unique token refuses the second
    insert, and the retry finds the first row. `create` runs inside the transaction.
    """

    def attempt() -> tuple[Row, bool]:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))",
                    [f"{model._meta.label_lower}:{submission_token}"],
                )
            existing = model._default_manager.filter(submission_token=submission_token).first()
            if existing is not None:
                return existing, False
            return create(), True

    try:
        return attempt()
    except IntegrityError:
        return attempt()
