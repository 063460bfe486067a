"""The whole site plus the floor: a bare view that inserts one row, for comparison."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> HttpResponse:
    """One INSERT in autocommit, under the same middleware as the aanmeldformulier."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (payload) VALUES (%s)", [request.POST.get("payload", "")]
        )
    return HttpResponse(status=204)


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("techportal.urls")),
]
