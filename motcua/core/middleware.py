"""Request hygiene before any view runs."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse

_ENCODED_NUL = re.compile(r"%00", re.IGNORECASE)


class RejectNulMiddleware:
    """NUL characters are never meaningful and PostgreSQL refuses them in text, so no query
    may ever see one: a path holding one names nothing (404); in a query string they are
    dropped, so a search for "dang\\x00ky" is a search for "dangky", never a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Không tìm thấy."}, status=404)
            return HttpResponseNotFound("Không tìm thấy.")
        query = request.META.get("QUERY_STRING", "")
        if "%" in query or "\x00" in query:
            request.META["QUERY_STRING"] = _ENCODED_NUL.sub("", query).replace("\x00", "")
        return self.get_response(request)
