"""Bare views for the benchmarks: the same database work as a real page, minimal Django work."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from offers.search import CatalogueQuery, catalogue_search


def catalogue_bare(request: HttpRequest) -> HttpResponse:
    """The catalogue's search (rows, total, facets, distances) in a minimal template.

    What /aanbod/ does in the database, without its forms, links and labels: the ratio of the
    two request rates is what the catalogue page costs beyond its query.
    """
    result = catalogue_search(CatalogueQuery.from_params(request.GET))
    return render(request, "bench/catalogue.html", {"result": result})
