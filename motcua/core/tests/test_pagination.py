"""Long lists page without counting the whole list (issue 17): exact up to the cap, a lower
bound beyond it, and "next" always right."""

from __future__ import annotations

import pytest

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
