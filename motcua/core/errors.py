"""API error responses: always JSON with ``detail``; never a 500 for bad input."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """A rule of the domain refused the request: ``status_code``, a message and extras."""

    status_code = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def payload(self) -> dict[str, Any]:
        return {"detail": self.message, **self.extra}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is a JSON object with ``detail`` and, for bad fields, one entry per field."""
    if isinstance(exc, DomainError):
        answer = Response(exc.payload(), status=exc.status_code)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            answer["Retry-After"] = str(retry_after)
        return answer
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Không tìm thấy."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, list):
        response.data = {"detail": " ".join(str(item) for item in data)}
    elif isinstance(data, dict) and "detail" not in data:
        fields = dict(data)
        first = next(iter(fields.items()))
        message = first[1][0] if isinstance(first[1], list) and first[1] else first[1]
        response.data = {"detail": f"{first[0]}: {message}", **fields}
    return response
