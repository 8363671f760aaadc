"""Numbers and money as Vietnamese write them: ``75.000 đồng``, ``83,4 %``, ``1,5 ngày``.

Thousands are grouped with a dot and the decimal separator is a comma (TCVN, and the
practice of every official form). One module so that pages, forms, exports and e-mails
agree.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def _as_decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def vn_number(value: object, decimals: int | None = None) -> str:
    """``1234567`` → ``1.234.567``; ``1234.5`` → ``1.234,5``; ``decimals`` fixes the digits
    after the comma (``None``: as many as the value needs, at most two)."""
    number = _as_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if decimals is None:
        quantized = number.quantize(Decimal("0.01")).normalize()
        text = format(quantized, "f")
    else:
        text = f"{number:.{decimals}f}"
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    if fraction and (decimals is not None or fraction.strip("0")):
        result += "," + fraction
    return ("-" if negative and result.strip("0.,") else "") + result


def vn_money(value: object) -> str:
    """``75000`` → ``75.000 đồng``; nothing → ``""``."""
    number = _as_decimal(value)
    if number is None:
        return ""
    return f"{vn_number(number.quantize(Decimal(1)))} đồng"


def vn_percent(value: object, decimals: int = 1) -> str:
    """``83.43`` → ``83,4 %`` (the value is already a percentage); nothing → ``—``."""
    number = _as_decimal(value)
    if number is None:
        return "—"
    return f"{vn_number(number, decimals)} %"
