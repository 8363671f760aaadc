from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from motcua.core.validation import is_ascii_int


class Pagination(pagination.PageNumberPagination):
    """``{count, next, previous, results}``; ``page_size`` 1–200 (default 20). A page size
    that is not such a number is bad input (400), not silently the default."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not is_ascii_int(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"page_size phải là số nguyên từ 1 đến {self.max_page_size}."]}
            )
        return int(raw)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        # DRF reads an empty or malformed ``page`` as page 1 or a 404; the schema says an
        # integer from 1, so anything else is bad input.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (is_ascii_int(raw) and int(raw) >= 1):
            raise ValidationError({"page": ["page phải là số nguyên từ 1."]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
