"""Long lists page without counting the whole list (issue 17): exact up to the cap, a lower
bound beyond it, and "next" always right."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.pagination import CappedPaginator
from motcua.units.models import Unit, UnitLevel


class Small(CappedPaginator):
    cap = 3


@pytest.fixture
def units(db: None) -> list[Unit]:
    return [
        Unit.objects.create(code=f"000.00.{i:02d}.X01", name=f"Đơn vị {i}", level=UnitLevel.COMMUNE)
        for i in range(10)
    ]


def test_counts_stop_at_the_cap_and_grow_with_the_page_asked_for(units: list[Unit]) -> None:
    rows = Unit.objects.order_by("code")
    paginator = Small(rows, 2)
    assert paginator.count == 4 and not paginator.exact  # "more than 3"
    assert paginator.num_pages == 2
    page = paginator.get_page(4)  # further than counted: counts up to that page
    assert page.number == 4 and page.has_next()
    assert [u.code for u in page.object_list] == [u.code for u in units[6:8]]
    last = paginator.get_page(5)
    assert paginator.exact and paginator.count == 10
    assert last.number == 5 and not last.has_next()
    assert Small(rows.filter(code__endswith="00.X01"), 2).exact  # few rows: an exact count


def test_a_small_list_counts_exactly(units: list[Unit]) -> None:
    paginator = CappedPaginator(Unit.objects.order_by("code"), 4)
    assert paginator.exact and paginator.count == 10 and paginator.num_pages == 3


def test_a_first_page_that_holds_the_whole_list_is_not_counted(units: list[Unit]) -> None:
    rows = Unit.objects.order_by("code")
    with CaptureQueriesContext(connection) as ctx:
        page = CappedPaginator(rows, 20).get_page("1")
        assert page.paginator.count == 10 and page.paginator.exact
        assert [u.code for u in page.object_list] == [u.code for u in units]
        assert not page.has_next() and page.paginator.num_pages == 1
    assert len(ctx.captured_queries) == 1  # the page's rows, no COUNT
    with CaptureQueriesContext(connection) as ctx:
        page = CappedPaginator(rows, 4).get_page(1)
        assert [u.code for u in page.object_list] == [u.code for u in units[:4]]
        assert page.has_next() and page.paginator.count == 10
    assert len(ctx.captured_queries) == 2  # a longer list is counted, as far as the cap
    empty = CappedPaginator(rows.filter(code="none"), 20).get_page(None)
    assert empty.number == 1 and empty.paginator.count == 0 and not list(empty.object_list)
