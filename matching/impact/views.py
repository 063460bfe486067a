"""/beheer/impact/: the impact dashboard, and a CSV of each of its tables.

Wired in techportal/urls.py through `admin.site.admin_view` (staff only, else the admin login);
staff without the view_impact permission get 403. A coordinator's figures and exports cover
only their own regions: the region filter offers only those, and refuses any other id.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from techportal.forms import error_links

from .access import impact_regions_visible_to, may_view_impact
from .charts import bar_chart
from .csv import table_csv
from .figures import TABLES, dashboard
from .forms import ImpactFilter


def _filter(request: HttpRequest) -> ImpactFilter:
    if not may_view_impact(request.user):
        raise PermissionDenied
    return ImpactFilter(
        request.GET,
        regions=impact_regions_visible_to(request.user),
        today=timezone.localdate(),
    )


@never_cache
@require_safe
def impact_dashboard(request: HttpRequest) -> TemplateResponse:
    form = _filter(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Impact"),
        "form": form,
        "sections": [],
    }
    if not form.is_valid():
        context["error_list"] = list(error_links(form))
        return TemplateResponse(request, "matching/impact/dashboard.html", context, status=400)
    query = form.query()
    context |= {
        "period": form.cleaned_data["period"],
        "region": form.cleaned_data["regio"],
        "query": query,
        "sections": [
            {
                "table": table,
                "chart": bar_chart(
                    table.bars,
                    title=table.title,
                    description=_("%(column)s per rij van de tabel hieronder.")
                    % {"column": table.chart_label},
                ),
            }
            for table in dashboard(form.scope())
        ],
    }
    return TemplateResponse(request, "matching/impact/dashboard.html", context)


@never_cache
@require_safe
def impact_csv(request: HttpRequest, table: str) -> HttpResponse:
    build = TABLES.get(table)
    if build is None:
        raise Http404(_("Deze tabel bestaat niet."))
    form = _filter(request)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("De filters kloppen niet. Kies de periode en regio opnieuw op de impactpagina."),
            content_type="text/plain; charset=utf-8",
        )
    scope = form.scope()
    return table_csv(build(scope), scope.period)
