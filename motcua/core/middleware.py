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


BUSY_RETRY_SECONDS = 5


def database_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" (or PostgreSQL's lock timeout): the database was busy
    past its busy timeout, not a fault of the request."""
    from django.db import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return (
        "database is locked" in text
        or "database table is locked" in text
        or ("lock timeout" in text)
    )


class DatabaseBusyMiddleware:
    """A write that waited the whole busy timeout (30 s on SQLite) and still found the
    database locked answers 503 with ``Retry-After``, never a 500: the client may simply
    try again (issue 11)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_busy(exception):
            return None
        message = "Hệ thống đang bận; vui lòng thử lại sau vài giây."
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response
