"""Placeholder: being built."""

from django.http import Http404


def event_detail(request, *args, **kwargs):
    raise Http404


def registration_status(request, *args, **kwargs):
    raise Http404
