"""Pages of long lists without an exact count of the whole list.

Counting every dossier a province leader may see costs as much as reading them all; no one
pages through a hundred thousand rows. A list counts at most ``COUNT_CAP`` rows (or as far as
the page asked for, plus one), and says "hơn 1.000" beyond that: the cost follows the page,
not the table."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from motcua.core.validation import is_ascii_int

COUNT_CAP = 1000


def capped_count(rows: Any, limit: int = COUNT_CAP + 1) -> int:
    """How many ``rows``, counting no further than ``limit`` (one SQL count over a LIMIT)."""
    if isinstance(rows, QuerySet):
        return int(rows.order_by().values("pk")[:limit].count())
    return min(len(rows), limit)


class CappedPaginator(Paginator):
    """A Django paginator whose ``count`` stops at ``COUNT_CAP`` + 1 (``exact`` False then);
    asking for a page further on counts up to that page, so "next" is always right."""

    cap = COUNT_CAP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit = self.cap + 1

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self._limit)

    @property
    def exact(self) -> bool:
        return self.count < self._limit

    def page(self, number: Any) -> Any:
        """The first page is read with one row more than it shows: when that is all there is
        (a search, a short list), the rows are the count and no count query is run."""
        if self.validate_number(number) != 1 or "count" in self.__dict__ or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) > self.per_page:
            return Page(rows[: self.per_page], 1, self)  # the count as before
        self.__dict__["count"] = len(rows)
        return Page(rows, 1, self)

    def validate_number(self, number: Any) -> int:
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)
        if wanted == 1 and self.allow_empty_first_page:
            return 1  # always there, and counting it is left to ``page``
        if wanted >= self.num_pages and not self.exact:  # the last counted page may be cut
            self._limit = max(self._limit, wanted * self.per_page + 1)
            for name in ("count", "num_pages"):
                self.__dict__.pop(name, None)
        return super().validate_number(number)


class Pagination(pagination.PageNumberPagination):
    """``{count, next, previous, results}``; ``page_size`` 1–200 (default 20). ``count`` is
    exact up to 1,000 rows (or up to the page asked for); beyond, it is a lower bound
    (CappedPaginator), and "next" is always right. A page size that is not such a number is bad
    input (400), not silently the default."""

    django_paginator_class = CappedPaginator
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

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            "Exact up to 1,000 rows (or up to the page asked for); beyond, a lower bound "
            "(1,001 means more than 1,000)."
        )
        return described

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
