"""`/healthz`, for load balancers and monitors: no sign-in, no cookies, no personal data; 200 when this
process can reach its database, 503 when it cannot."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            ok = cursor.fetchone() == (1,)
    except DatabaseError:
        ok = False
    return JsonResponse({"status": "ok" if ok else "database unreachable"}, status=200 if ok else 503)
