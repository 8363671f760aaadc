from decimal import Decimal

from motcua.core.numbers import vn_money, vn_number, vn_percent


def test_thousands_are_grouped_with_dots():
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(999) == "999"
    assert vn_number(-75000) == "-75.000"


def test_decimals_use_a_comma():
    assert vn_number(Decimal("1234.5")) == "1.234,5"
    assert vn_number(Decimal("2.00")) == "2"
    assert vn_number(83.43, 1) == "83,4"


def test_money_and_percent():
    assert vn_money(75000) == "75.000 đồng"
    assert vn_money(Decimal("1500000.00")) == "1.500.000 đồng"
    assert vn_money(None) == ""
    assert vn_percent(83.43) == "83,4 %"
    assert vn_percent(None) == "—"
