"""Email as three templates each: `<name>_subject.txt`, `<name>.txt` and `<name>.html`."""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from techportal.privacy.placeholders import deliverable


def send_templated_mail(
    *,
    template: str,
    to: list[str],
    context: dict[str, Any],
    reply_to: list[str] | None = None,
    language: str = "nl",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """Render `templates/emails/<template>*` in `language` and send it as text with HTML.

    `headers` are extra message headers, such as List-Unsubscribe; `attachments` are
    (filename, content, mimetype) triples, such as an event's .ics.

    Addresses of erased people (techportal.privacy.placeholders) are dropped: a task queued
    before an erasure sends nothing to the placeholder; with no recipient left, no email.
    """
    to, reply_to = deliverable(to), deliverable(reply_to) or None
    if not to:
        return
    context = {"site_url": settings.SITE_URL} | context
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template's layout
        body=text,
        to=to,
        reply_to=reply_to,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()
