"""Logins: django-axes' client address and lockout page, ending a deactivated user's sessions,
and purging login records (IP addresses are personal data) after their retention period."""

import ipaddress
import logging
import math
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for django-axes, from settings.LOGIN_IP_META_KEY.

    A header a proxy appends to (X-Forwarded-For) gives its last address: the one our proxy
    saw. Anything earlier in that header is whatever the client claimed.
    """
    value = request.META.get(settings.LOGIN_IP_META_KEY) or request.META.get("REMOTE_ADDR") or ""
    address = value.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out account: a Dutch page in the admin's style, 429."""
    cooloff = settings.AXES_COOLOFF_TIME
    return TemplateResponse(
        request,
        "admin/locked_out.html",
        {
            **admin.site.each_context(request),
            "available_apps": [],
            "is_nav_sidebar_enabled": False,
            "title": gettext("Account tijdelijk geblokkeerd"),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": math.ceil(cooloff.total_seconds() / 60),
        },
        status=429,
    ).render()


# --- sessions ---------------------------------------------------------------------------------


def user_sessions_end(user_id: int) -> int:
    """Delete every session of the user; returns how many there were.

    Sessions live in the database (Django's default engine) and only people who log in to
    /beheer/ have one, so reading each current session is cheap enough for the rare times an
    account is deactivated.
    """
    user_key = str(user_id)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_key
    ]
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    return deleted


@receiver(post_save, sender=get_user_model(), dispatch_uid="techportal.auth.deactivated")
def end_sessions_of_deactivated_user(sender, instance, update_fields=None, **kwargs) -> None:
    """A deactivated account is logged out everywhere at once (in the admin or in code).

    `QuerySet.update()` sends no signal: deactivate through `save()`.
    """
    if instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    ended = user_sessions_end(instance.pk)
    if ended:
        logger.info("Ended %d session(s) of deactivated user %s", ended, instance.pk)


# --- retention ----------------------------------------------------------------------------------


def login_records_purge() -> dict[str, int]:
    """Delete login failures older than LOGIN_FAILURE_LOG_RETENTION_DAYS, and attempts whose
    cool-off has passed (django-axes also does that, but only when someone logs in)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = timezone.now()
    retained_from = now - timedelta(days=settings.LOGIN_FAILURE_LOG_RETENTION_DAYS)
    purged = {}
    for name, rows in [
        ("failures", AccessFailureLog.objects.filter(attempt_time__lt=retained_from)),
        ("logins", AccessLog.objects.filter(attempt_time__lt=retained_from)),
        (
            "attempts",
            AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME),
        ),
    ]:
        _, per_model = rows.delete()
        purged[name] = per_model.get(rows.model._meta.label, 0)
    return purged


@shared_task
def purge_login_records() -> dict[str, int]:
    return login_records_purge()
