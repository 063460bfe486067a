"""The public catalogue (/aanbod/) and one offer's page (/aanbod/<id>/)."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django_htmx.http import push_url

from techportal.choices import Level, World, labels_of

from ..models import Offer
from ..search import (
    DISTANCE_CHOICES_KM,
    DISTANCE_DEFAULT_KM,
    CatalogueQuery,
    CatalogueResult,
    catalogue_search,
    sort_labels,
)

RESULTS_TARGET = "resultaten"


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


def catalogue(request: HttpRequest) -> HttpResponse:
    """Search and filter published offers; with htmx, only the results region is rendered."""
    result = catalogue_search(CatalogueQuery.from_params(request.GET))
    context = _catalogue_context(result)
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == RESULTS_TARGET and not htmx.history_restore_request:
        response = render(request, "offers/_results.html", context | {"oob": True})
        push_url(response, context["canonical_url"])
    else:
        response = render(request, "offers/catalogue.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a teacher needs to decide; only published offers exist for the public."""
    offer = get_object_or_404(
        Offer.objects.select_related("organisation", "region"),
        pk=pk,
        status=Offer.Status.PUBLISHED,
    )
    return render(
        request,
        "offers/detail.html",
        {
            "offer": offer,
            "level_labels": labels_of(Level, offer.levels),
            "world_labels": labels_of(World, offer.worlds),
        },
    )


def _catalogue_context(result: CatalogueResult) -> dict:
    query = result.query
    base = reverse("offers:catalogue")

    def url(q: CatalogueQuery, **kwargs) -> str:
        query_string = q.query_string(**kwargs)
        return f"{base}?{query_string}" if query_string else base

    for offer in result.offers:
        offer.level_labels = labels_of(Level, offer.levels)  # type: ignore[attr-defined]
        offer.world_labels = labels_of(World, offer.worlds)  # type: ignore[attr-defined]

    page = result.page
    page_links = [
        None
        if number is None
        else Link(str(number), url(query, page=number), number == page.number)
        for number in page.numbers()
    ]
    suggestion = result.suggestion_query
    return {
        "result": result,
        "query": query,
        "facets": _facet_groups(result),
        "active_filters": _active_filters(result, url),
        "page_links": page_links,
        "previous_url": url(query, page=page.number - 1) if page.has_previous else "",
        "next_url": url(query, page=page.number + 1) if page.has_next else "",
        "suggestion_url": url(suggestion) if suggestion else "",
        "canonical_url": url(query),
        "sort_options": sort_labels(),
        "current_sort": query.effective_sort,
        "distance_choices": _distance_choices(query),
        "clear_url": base,
    }


def _facet_groups(result: CatalogueResult) -> list[dict]:
    """Per facet its checkboxes and, for htmx, its counts as out-of-band swaps.

    Built with format_html rather than template loops: some 60 values, rendered on every
    request, cost more in the template engine than the whole search does.
    """
    titles = {
        "soort": _("Soort aanbod"),
        "niveau": _("Onderwijsniveau"),
        "wereld": _("Wereld van techniek"),
        "regio": _("Regio"),
    }
    offers_word = _("aanbiedingen")
    groups = []
    for name, values in result.facets.items():
        checkboxes = format_html_join(
            "\n",
            '<div class="form-check"><input class="form-check-input" type="checkbox" '
            'name="{0}" value="{1}" id="{0}-{1}"{2}><label class="form-check-label" '
            'for="{0}-{1}">{3} <span class="badge text-bg-light border facet-count" '
            'id="aantal-{0}-{1}">{4}<span class="visually-hidden"> {5}</span></span>'
            "</label></div>",
            (
                (name, v.value, " checked" if v.selected else "", v.label, v.count, offers_word)
                for v in values
            ),
        )
        counts_oob = format_html_join(
            "",
            '<span class="badge text-bg-light border facet-count" id="aantal-{0}-{1}" '
            'hx-swap-oob="true">{2}<span class="visually-hidden"> {3}</span></span>',
            ((name, v.value, v.count, offers_word) for v in values),
        )
        groups.append(
            {
                "name": name,
                "title": titles[name],
                "values": values,
                "checkboxes": checkboxes,
                "counts_oob": counts_oob,
            }
        )
    return groups


def _active_filters(result: CatalogueResult, url) -> list[Link]:
    """One "remove this filter" link per chosen value."""
    query = result.query
    links: list[Link] = []
    if query.text:
        links.append(Link(_("Zoektekst: %(text)s") % {"text": query.text}, url(query.without("q"))))
    for name, values in result.facets.items():
        for value in values:
            if value.selected:
                links.append(Link(value.label, url(query.without(name, value.value))))
    if query.postcode:
        links.append(
            Link(
                _("Binnen %(km)s km van %(postcode)s")
                % {"km": query.distance_km, "postcode": query.postcode},
                url(query.without("postcode")),
            )
        )
    return links


def _distance_choices(query: CatalogueQuery) -> list[tuple[int, bool]]:
    chosen = query.distance_km or DISTANCE_DEFAULT_KM
    choices = sorted({*DISTANCE_CHOICES_KM, chosen})
    return [(km, km == chosen) for km in choices]
