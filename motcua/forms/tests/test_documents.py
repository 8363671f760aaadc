"""The seven forms of Circular 03/2025/TT-VPCP: correct Vietnamese text, the official
headings, the dossier's data; one page of each rendered to docs/forms for a person."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.selectors import dossier_list
from motcua.forms.documents import FormNotReached, form_render, lookup_url
from motcua.forms.register import register_pdf, register_xlsx
from motcua.forms.selectors import FORM_TITLES, Period, dossier_events, forms_reached

from .conftest import Province
from .helpers import FORM_IMAGES, pdf_text, render_first_page, walk_all_forms

NATIONAL = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture
def walked(province: Province):
    return walk_all_forms(province)


def test_each_dossier_reaches_exactly_its_forms(walked) -> None:
    full, refused, stopped = walked.full, walked.refused, walked.stopped
    assert forms_reached(full, dossier_events(dossier=full)) == ["01", "02", "04", "06"]
    assert forms_reached(refused, dossier_events(dossier=refused)) == ["03"]
    assert forms_reached(stopped, dossier_events(dossier=stopped)) == ["01", "05", "06"]
    with pytest.raises(FormNotReached):
        form_render(refused, "01", dossier_events(dossier=refused))


@pytest.mark.parametrize(
    ("which", "number", "expected"),
    [
        ("full", "01", ["Nội dung yêu cầu giải quyết", "Thủ tục liên thông thử", "Nguyễn Văn An"]),
        ("full", "02", ["Bản sao Giấy chứng nhận quyền sử dụng đất", "NGƯỜI HƯỚNG DẪN"]),
        ("refused", "03", ["Hồ sơ không thuộc thẩm quyền giải quyết của xã Một"]),
        ("full", "04", ["Cần xác minh thực địa với Sở Xây dựng", "xin lỗi", "17 giờ 00 phút"]),
        ("stopped", "05", ["Người nộp hồ sơ đề nghị dừng", "THỦ TRƯỞNG CƠ QUAN"]),
        ("full", "06", ["Sở Xây dựng", "Giao:", "Nhận:", "Đúng hạn", "Quá hạn"]),
    ],
)
def test_form_pdf_has_the_official_text(walked, number: str, which: str, expected) -> None:
    dossier = getattr(walked, which)
    content = form_render(dossier, number, dossier_events(dossier=dossier))
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    text = _norm(pdf_text(content))
    assert dossier.code in text
    for line in NATIONAL:
        assert line in text
    assert FORM_TITLES[number] in text
    assert FORM_TITLES[number].upper() in text
    assert "UBND XÃ MỘT" in text and "UBND TỈNH THỬ" in text
    assert "Thử, ngày 0" in text  # place and date line
    for fragment in expected:
        assert fragment in text
    rendered = render_first_page(content, FORM_IMAGES / f"form-{number}.png")
    if rendered is not None:
        assert rendered.stat().st_size > 10_000


def test_forms_stay_vietnamese_when_the_page_is_in_english(walked) -> None:
    dossier = walked.full
    with translation.override("en"):
        text = _norm(pdf_text(form_render(dossier, "06", dossier_events(dossier=dossier))))
    assert "Đúng hạn" in text and "Quá hạn" in text
    assert "On time" not in text and "Overdue" not in text


def test_receipt_has_the_appointment_and_a_qr_code_to_the_lookup(walked) -> None:
    full = walked.full
    content = form_render(full, "01", dossier_events(dossier=full))
    text = _norm(pdf_text(content))
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ" in text
    assert "Trần Thị Bình" in text  # the officer who received it signs
    assert lookup_url(full.code) in text.replace(" ", "")


def test_register_pdf_and_xlsx_list_the_unit_dossiers(province: Province, walked) -> None:
    period = Period(start=walked.full.received_at.date(), end=walked.full.received_at.date())
    import datetime as dt

    period = Period(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    dossiers = dossier_list(user=province.users["leader"]).filter(unit=province.commune)
    from motcua.forms.selectors import register_dossiers

    rows = register_dossiers(
        user=province.users["leader"], unit_code=province.commune.code, period=period
    )
    assert {d.code for d in rows} == {
        walked.full.code,
        walked.stopped.code,
    }  # refused: never received
    assert dossiers.count() == 3
    content = register_pdf(unit=province.commune, period=period, dossiers=rows)
    reader = PdfReader(io.BytesIO(content))
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)
    text = _norm(pdf_text(content))
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Sổ theo dõi hồ sơ" in text
    assert walked.full.code in text and walked.stopped.code in text
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    render_first_page(content, FORM_IMAGES / "form-07.png")
    workbook = load_workbook(
        io.BytesIO(register_xlsx(unit=province.commune, period=period, dossiers=rows))
    )
    sheet = workbook.active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "SỔ THEO DÕI HỒ SƠ" in values
    assert walked.full.code in values and walked.stopped.code in values
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values
