"""Placeholder: being built."""

from django.http import Http404


def catalogue(request, *args, **kwargs):
    raise Http404


def offer_detail(request, *args, **kwargs):
    raise Http404
