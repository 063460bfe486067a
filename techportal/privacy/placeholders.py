"""What erased personal data is replaced with, and the guard that keeps mail from it.

An erased address becomes `verwijderd-<kind>-<id>@verwijderd.invalid`: unique per row (the
unique constraints on email addresses keep holding) and never deliverable (`.invalid` is
reserved by RFC 2606). `send_templated_mail` drops such addresses, so a task queued before an
erasure, which carries only a row id, sends nothing to the placeholder when it runs after.
"""

from collections.abc import Iterable

ERASED_NAME = "Verwijderd"
ERASED_DOMAIN = "verwijderd.invalid"
REDACTED = "[verwijderd]"


def placeholder_email(kind: str, pk: int) -> str:
    return f"verwijderd-{kind}-{pk}@{ERASED_DOMAIN}"


def is_undeliverable(address: str) -> bool:
    """An erased placeholder, or any other address in the reserved `.invalid` domain."""
    domain = address.rpartition("@")[2].strip().rstrip(">").lower()
    return domain == "invalid" or domain.endswith(".invalid")


def deliverable(addresses: Iterable[str] | None) -> list[str]:
    return [address for address in addresses or () if not is_undeliverable(address)]
