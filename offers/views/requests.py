"""Placeholder: being built."""

from django.http import Http404


def request_offer(request, *args, **kwargs):
    raise Http404


def school_search(request, *args, **kwargs):
    raise Http404


def request_status(request, *args, **kwargs):
    raise Http404


def request_answer(request, *args, **kwargs):
    raise Http404
