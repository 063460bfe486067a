"""Placeholder: being built."""

from django.http import Http404


def save_search(request, *args, **kwargs):
    raise Http404


def confirm_search(request, *args, **kwargs):
    raise Http404


def unsubscribe(request, *args, **kwargs):
    raise Http404
