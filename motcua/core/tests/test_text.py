"""Folding of Vietnamese text for search."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import fold, search_terms


def test_fold_strips_diacritics_case_and_d() -> None:
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert fold("Giải quyết tranh chấp ĐẤT ĐAI") == "giai quyet tranh chap dat dai"
    assert fold("Ửng hộ, ỹ; ợ!") == "ung ho y o"


def test_fold_keeps_procedure_codes() -> None:
    assert fold("Mã 1.001193") == "ma 1.001193"


def test_search_terms_are_unique_and_bounded() -> None:
    assert search_terms("đăng ký đăng ký") == ["dang", "ky"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(50)))) == 8
    assert search_terms("x" * 5000) == ["x" * 200]


@given(st.text())
def test_fold_gives_plain_ascii_and_is_idempotent(text: str) -> None:
    folded = fold(text)

    assert folded.isascii()
    assert folded == folded.strip()
    assert fold(folded) == folded
