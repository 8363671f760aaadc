import pytest
from django.db import connection

from motcua.core.collation import vi_order, vi_sorted
from motcua.procedures.models import Field

NAMES = ["Đất đai", "Trẻ em", "Tài nguyên nước", "Dân tộc", "An toàn thực phẩm", "Ăn uống"]
EXPECTED = ["An toàn thực phẩm", "Ăn uống", "Dân tộc", "Đất đai", "Tài nguyên nước", "Trẻ em"]


def test_python_lists_sort_in_vietnamese_order():
    assert vi_sorted(NAMES) == EXPECTED
    assert sorted(NAMES) != EXPECTED  # plain code-point order is wrong


@pytest.mark.django_db
def test_the_database_sorts_in_vietnamese_order():
    for i, name in enumerate(NAMES):
        Field.objects.create(code=f"F{i}", name=name)
    names = list(Field.objects.order_by(vi_order("name")).values_list("name", flat=True))
    assert names == EXPECTED, connection.vendor
    backwards = Field.objects.order_by(vi_order("name", descending=True))
    assert list(backwards.values_list("name", flat=True)) == EXPECTED[::-1]
