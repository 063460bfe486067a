import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.log import log_response


def chosen_language(request) -> str:
    """The language chosen with the language switch, else Dutch."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Dutch for everyone, English for whoever chose it with the language switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a Dutch
    platform should not switch to English because a teacher's laptop was set up in English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


# --- the database is down: a friendly page instead of a stack trace ----------------------------

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

database_logger = logging.getLogger("techportal.database")


class DatabaseUnavailableMiddleware:
    """A Dutch 503 page ("even niet bereikbaar") when PostgreSQL cannot be reached.

    It sits above every middleware that may touch the database (sessions and users live
    there), so that its `try` covers the whole stack: the views, the session and authentication
    middleware, a template rendered late, the 404 page. Django itself turns an exception into a
    500 response in the layer where it is raised, out of an outer middleware's sight: the
    `got_request_exception` receiver below raises database errors on instead, for the requests
    that passed here. /health/ catches its own errors and answers 503 JSON.

    The error is logged once per request, at ERROR, without a traceback or anything of the
    request but its method and URL pattern: no query string, no private link's token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._propagate_database_errors = True
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as error:
            return database_unavailable(request, error)


@receiver(got_request_exception)
def _propagate_database_errors(sender, request=None, **kwargs) -> None:
    """Let a database error rise to DatabaseUnavailableMiddleware, past Django's 500 handling."""
    error = sys.exc_info()[1]  # the receiver runs inside Django's `except`
    if isinstance(error, DATABASE_ERRORS) and getattr(request, "_propagate_database_errors", False):
        raise error


def database_unavailable(request, error: Exception) -> HttpResponse:
    """The 503 page, rendered without the request: no context processor reads the session."""
    language = chosen_language(request)
    with translation.override(language):
        page = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    # Marks the response as logged: Django's own line for a 5xx would name the whole path.
    log_response(
        "Database unavailable, answered 503: %s %s (%s)",
        request.method,
        _url_pattern(request),
        _error_code(error),
        response=response,
        request=request,
        logger=database_logger,
        level="error",
    )
    return response


def _url_pattern(request) -> str:
    """`aanmelden/status/<str:token>/` rather than the path with someone's token in it."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "(no URL pattern)"
    return "/" + match.route


def _error_code(error: Exception) -> str:
    """The error's class and PostgreSQL's SQLSTATE when there is one: never its message."""
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return f"{type(error).__name__} {sqlstate}" if sqlstate else type(error).__name__
