"""Report tables as Excel (openpyxl) and PDF (reportlab, a Vietnamese-capable TrueType
font), each headed by the unit, the period and the generation time."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext

from motcua.core.numbers import vn_number
from motcua.forms.fonts import RENDER_LOCK
from motcua.reports.query import ReportQuery
from motcua.reports.tables import Table

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def heading_lines(q: ReportQuery, table: Table) -> list[str]:
    lines = [
        table.title,
        gettext("Đơn vị: %(name)s (%(code)s)") % {"name": q.unit.name, "code": q.unit.code},
        gettext("Kỳ báo cáo: từ ngày %(start)s đến ngày %(end)s")
        % {"start": f"{q.date_from:%d/%m/%Y}", "end": f"{q.date_to:%d/%m/%Y}"},
    ]
    if q.field is not None:
        lines.append(gettext("Lĩnh vực: %(name)s") % {"name": q.field.name})
    now = timezone.localtime()
    lines.append(
        gettext("Lập lúc: %(time)s ngày %(date)s")
        % {"time": f"{now:%H:%M}", "date": f"{now:%d/%m/%Y}"}
    )
    return lines


def to_xlsx(q: ReportQuery, table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = table.name[:31]
    for line in heading_lines(q, table):
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(table.headers)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        ws.append(list(row))
    if table.total is not None:
        ws.append(list(table.total))
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws.freeze_panes = ws.cell(row=len(heading_lines(q, table)) + 3, column=3)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def pdf_font() -> str:
    """Register a TrueType font with Vietnamese glyphs: the forms' font package when it is
    installed, else a system font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in _font_paths():
        try:
            pdfmetrics.registerFont(TTFont("MotCuaReports", str(path)))
            return "MotCuaReports"
        except Exception:  # noqa: S112 - a broken font file: try the next one
            continue
    return "Helvetica"


def _font_paths() -> list[Path]:
    paths: list[Path] = []
    try:
        import fontpkg_noto_serif

        root = Path(fontpkg_noto_serif.__file__).parent
        paths += sorted(p for p in root.rglob("*.ttf") if "Regular" in p.name)
    except ImportError:
        pass
    return paths + [Path(p) for p in FONT_CANDIDATES if Path(p).exists()]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return vn_number(value, 1 if isinstance(value, float) else None)
    return str(value)


def to_pdf(q: ReportQuery, table: Table, *, prepared_by: str = "") -> bytes:
    """The table as an official report: the unit's and the national heading, the title and
    period, the table, then the signature blocks of who prepared it and the head of unit."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        LongTable,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    font = pdf_font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
        topMargin=10 * mm, bottomMargin=10 * mm, title=table.title, author="MotCua",
    )  # fmt: skip
    title = ParagraphStyle("t", fontName=font, fontSize=13, leading=16)
    normal = ParagraphStyle("n", fontName=font, fontSize=9, leading=11)
    cell = ParagraphStyle("c", fontName=font, fontSize=6.5, leading=8)
    from motcua.forms.pdf import Styles, heading, place_of_unit, signature_blocks

    styles = Styles()
    unit = q.unit
    parent = unit.parent if unit.parent_id else None
    lines = heading_lines(q, table)
    story: list = [
        heading(
            styles,
            parent_name=parent.name if parent is not None else "",
            unit_name=unit.name,
            number="",
            place=place_of_unit(unit),
            date=timezone.localdate(),
            width=doc.width,
        ),
        Spacer(1, 4 * mm),
    ]
    story += [Paragraph(lines[0], title)] + [Paragraph(x, normal) for x in lines[1:]]
    story.append(Spacer(1, 4 * mm))
    data = [[Paragraph(str(h), cell) for h in table.headers]]
    for row in [*table.rows, *([table.total] if table.total else [])]:
        data.append([Paragraph(_cell_text(v), cell) for v in row])
    t = LongTable(data, repeatRows=1)
    t.setStyle(
        TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ])
    )  # fmt: skip
    story.append(t)
    story.append(Spacer(1, 6 * mm))
    story.append(
        KeepTogether(
            signature_blocks(
                styles,
                [
                    ("NGƯỜI LẬP BIỂU", "Ký và ghi rõ họ tên", prepared_by),
                    ("THỦ TRƯỞNG ĐƠN VỊ", "Ký, ghi rõ họ tên và đóng dấu", ""),
                ],
                doc.width,
            )
        )
    )
    with RENDER_LOCK:  # reportlab's font subsetting is per process, not per thread
        doc.build(story)
    return out.getvalue()
