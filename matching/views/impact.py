"""/impact/: the programme's results for everyone, national and per region. Counts only: no
names, no email addresses, no free text. The figures are cached for ten minutes."""

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from ..impact.charts import bar_chart
from ..impact.figures import Period, Summary, public_summary

CACHE_SECONDS = 10 * 60


def summary_cache_key(period: Period) -> str:
    return f"impact:public:{period.start.isoformat()}:{period.end.isoformat()}:{get_language()}"


def cached_summary(period: Period) -> Summary:
    summary = cache.get(key := summary_cache_key(period))
    if summary is None:
        summary = public_summary(period)
        cache.set(key, summary, CACHE_SECONDS)
    return summary


@require_safe
def impact(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    years = []
    for years_back in (0, 1):
        summary = cached_summary(Period.school_year(today, years_back=years_back))
        years.append(
            {
                "summary": summary,
                "slug": f"{summary.period.start.year}-{summary.period.end.year}",
                "chart": bar_chart(
                    [(row.name, row.pupils) for row in summary.regions],
                    title=_chart_title(summary),
                    description=_chart_description(),
                ),
            }
        )
    return render(request, "matching/impact_public.html", {"years": years})


def _chart_title(summary: Summary) -> str:
    return gettext("Leerlingen bereikt per regio, schooljaar %(start)s–%(end)s") % {
        "start": summary.period.start.year,
        "end": summary.period.end.year,
    }


def _chart_description() -> str:
    return gettext("Dezelfde aantallen staan in de kolom Leerlingen bereikt van de tabel.")
