"""Form 07 of Circular 03/2025/TT-VPCP: Sổ theo dõi hồ sơ, the register of the dossiers a
unit received in a period, as a landscape A4 PDF and as an Excel workbook."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from motcua.core.numbers import vn_money
from motcua.dossiers.models import Dossier, FeeMethod, Status
from motcua.forms.documents import place_of
from motcua.forms.pdf import Document, Styles, esc, grid, heading, title
from motcua.forms.selectors import FORM_TITLES, Period
from motcua.units.models import Unit

COLUMNS = [
    ("TT", 8),
    ("Mã hồ sơ", 30),
    ("Tên thủ tục hành chính", 40),
    ("Số lượng hồ sơ (bộ)", 11),
    ("Tên cá nhân, tổ chức", 26),
    ("Địa chỉ, số điện thoại", 30),
    ("Cơ quan chủ trì giải quyết", 24),
    ("Nhận hồ sơ", 17),
    ("Hẹn trả kết quả", 17),
    ("Chuyển hồ sơ đến cơ quan giải quyết", 17),
    ("Nhận kết quả từ cơ quan giải quyết", 17),
    ("Trả kết quả cho cá nhân, tổ chức", 17),
    ("Ghi chú", 24),
]
PDF_WIDTHS = [8, 38, 32, 10, 22, 24, 22, 18, 18, 18, 18, 18, 17]  # mm, 263 in all


def _when(value: object) -> str:
    if value is None:
        return ""
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"  # type: ignore[arg-type]


@dataclass(frozen=True)
class RegisterRow:
    values: list[str]


def register_rows(dossiers: Iterable[Dossier]) -> list[list[str]]:
    """The register's rows, in Vietnamese whatever the language of the request."""
    with translation.override("vi"):
        return _register_rows(dossiers)


def _register_rows(dossiers: Iterable[Dossier]) -> list[list[str]]:
    rows = []
    for i, d in enumerate(dossiers, 1):
        events = list(d.events.all())  # prefetched
        forwarded = next((e.at for e in events if e.action == "forward"), None)
        resolved = d.resolved_at
        notes = [str(Status(d.status).label)]
        if d.extended_due_at:
            notes.append(f"Gia hạn đến {_when(d.extended_due_at)}")
        if d.timeliness:
            notes.append(
                {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[d.timeliness]
            )
        fee = _fee_note(d)
        if fee:
            notes.append(fee)
        contact = ", ".join(x for x in (d.applicant_address, d.applicant_phone) if x)
        rows.append(
            [
                str(i),
                d.code,
                d.procedure.name,
                "01",
                d.applicant_name,
                contact,
                (d.step_unit or d.unit).name,
                _when(d.received_at),
                _when(d.extended_due_at or d.due_at),
                _when(forwarded),
                _when(resolved),
                _when(d.returned_at),
                "; ".join(notes),
            ]
        )
    return rows


def _fee_note(d: Dossier) -> str:
    """The fees in the notes column: amount, and once paid how and the receipt numbers."""
    lines = list(d.fees.all())  # prefetched
    if not lines:
        return f"Phí, lệ phí: {vn_money(d.fee_amount)}" if d.fee_amount else ""
    text = f"Phí, lệ phí: {vn_money(sum(line.amount for line in lines))}"
    paid = [line for line in lines if line.paid_at]
    if paid:
        methods = sorted({str(FeeMethod(line.method).label) for line in paid if line.method})
        text += " (đã nộp" + (f": {', '.join(methods)}" if methods else "")
        receipts = sorted({line.receipt_number for line in paid if line.receipt_number})
        if receipts:
            text += f"; biên lai số {', '.join(receipts)}"
        text += ")"
    return text


def _period_text(period: Period) -> str:
    return f"Từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"


def register_pdf(*, unit: Unit, period: Period, dossiers: Iterable[Dossier]) -> bytes:
    styles = Styles()
    doc = Document(
        title=f"{FORM_TITLES['07']} — {unit.name}", author=unit.name, landscape_page=True
    )
    doc.footer = f"Mẫu số 07 — {FORM_TITLES['07']} (Thông tư 03/2025/TT-VPCP) · {unit.name}"
    flow: list[Flowable] = [
        heading(
            styles,
            parent_name=unit.parent.name if unit.parent else "",
            unit_name=unit.name,
            number="",
            place=place_of(unit),
            date=timezone.localdate(),
            width=doc.width,
        )
    ]
    flow += title(styles, FORM_TITLES["07"], esc(_period_text(period)))
    rows: list[list[object]] = [[Paragraph(esc(h), styles.cell_head) for h, _ in COLUMNS]]
    small = styles.small.clone("tiny", fontSize=7.5, leading=9.5)
    head = styles.cell_head.clone("tinyhead", fontSize=8, leading=10)
    rows = [[Paragraph(esc(h), head) for h, _ in COLUMNS]]
    body = register_rows(dossiers)
    for row in body:
        cells = [esc(v) for v in row]
        for i in range(7, 12):  # date above time: the columns stay narrow
            cells[i] = cells[i].replace(" ", "<br/>")
        rows.append([Paragraph(v, small) for v in cells])
    if not body:
        rows.append(
            [Paragraph("", small)]
            + [Paragraph("(Không có hồ sơ)", small)]
            + [Paragraph("", small) for _ in COLUMNS[2:]]
        )
    flow.append(grid(rows, [w * mm * doc.width / (263 * mm) for w in PDF_WIDTHS]))
    flow.append(Spacer(1, 4 * mm))
    flow.append(Paragraph(f"Tổng số hồ sơ: {len(body)}", styles.left))
    return doc.build(flow)


def register_xlsx(*, unit: Unit, period: Period, dossiers: Iterable[Dossier]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "So theo doi ho so"
    last = get_column_letter(len(COLUMNS))
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=11)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells("A1:E1")
    ws["A1"] = unit.parent.name.upper() if unit.parent else ""
    ws.merge_cells("A2:E2")
    ws["A2"] = unit.name.upper()
    ws.merge_cells(f"H1:{last}1")
    ws["H1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws.merge_cells(f"H2:{last}2")
    ws["H2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells(f"A4:{last}4")
    ws["A4"] = FORM_TITLES["07"].upper()
    ws.merge_cells(f"A5:{last}5")
    ws["A5"] = _period_text(period)
    for ref in ("A1", "A2", "H1", "H2", "A4", "A5"):
        ws[ref].alignment = center
        ws[ref].font = bold if ref != "A1" else normal
    ws["H2"].font = Font(name="Times New Roman", bold=True, underline="single", size=12)
    ws["A4"].font = Font(name="Times New Roman", bold=True, size=14)
    ws["A5"].font = Font(name="Times New Roman", italic=True, size=12)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_row = 7
    for col, (name, width) in enumerate(COLUMNS, 1):
        cell = ws.cell(row=header_row, column=col, value=name)
        cell.font = bold
        cell.alignment = center
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width * 0.75
    rows = register_rows(dossiers)
    for r, row in enumerate(rows, header_row + 1):
        for col, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.font = normal
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
    ws.cell(
        row=header_row + len(rows) + 2, column=1, value=f"Tổng số hồ sơ: {len(rows)}"
    ).font = bold
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
