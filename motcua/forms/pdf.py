"""Layout of an administrative document (Decree 30/2020/NĐ-CP on the presentation of
administrative documents, as the forms of Circular 03/2025/TT-VPCP use it): A4, the unit
heading at the left and the national heading at the right, the number and the place and
date under them, the title centred in capitals, the body, the signature blocks."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from motcua.core import numbers
from motcua.forms.fonts import RENDER_LOCK, register_fonts

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


def esc(value: object) -> str:
    return escape(str(value if value is not None else ""))


class Styles:
    def __init__(self, size: float = 13) -> None:
        font = register_fonts()
        lead = size * 1.3
        self.body = ParagraphStyle(
            "body",
            fontName=font,
            fontSize=size,
            leading=lead,
            alignment=TA_JUSTIFY,
            spaceAfter=3,
        )
        self.left = ParagraphStyle("left", parent=self.body, alignment=TA_LEFT)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.head = ParagraphStyle(
            "head", parent=self.center, fontSize=12, leading=15, spaceAfter=0
        )
        self.head_bold = ParagraphStyle("head_bold", parent=self.head, fontName=f"{font}-Bold")
        self.motto = ParagraphStyle("motto", parent=self.head_bold, fontSize=13, leading=16)
        self.date = ParagraphStyle(
            "date", parent=self.head, fontName=f"{font}-Italic", fontSize=13, leading=16
        )
        self.title = ParagraphStyle(
            "title",
            parent=self.center,
            fontName=f"{font}-Bold",
            fontSize=14,
            leading=18,
            spaceBefore=10,
            spaceAfter=2,
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=self.center, fontName=f"{font}-Bold", spaceAfter=8
        )
        self.note = ParagraphStyle(
            "note", parent=self.center, fontName=f"{font}-Italic", fontSize=11, leading=14
        )
        self.sign = ParagraphStyle(
            "sign",
            parent=self.center,
            fontName=f"{font}-Bold",
            fontSize=13,
            leading=16,
            spaceAfter=0,
        )
        self.cell = ParagraphStyle(
            "cell", parent=self.left, fontSize=11, leading=13.5, spaceAfter=0
        )
        self.cell_head = ParagraphStyle(
            "cell_head", parent=self.cell, fontName=f"{font}-Bold", alignment=TA_CENTER
        )
        self.small = ParagraphStyle(
            "small", parent=self.left, fontSize=10.5, leading=13, spaceAfter=0
        )


def vn_date(value: dt.date | dt.datetime | None) -> str:
    """``ngày 05 tháng 02 năm 2026`` (Decree 30/2020: zero before days under 10 and
    months 1 and 2)."""
    if value is None:
        return "ngày … tháng … năm …"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def vn_datetime(value: dt.datetime | None) -> str:
    """``08 giờ 30 phút, ngày 02 tháng 3 năm 2026``."""
    if value is None:
        return "… giờ … phút, ngày … tháng … năm …"
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút, {vn_date(local)}"


def vn_money(amount: int) -> str:
    """``75.000 đồng`` (``motcua.core.numbers``, one format for pages, forms and exports)."""
    return numbers.vn_money(amount)


def heading(
    styles: Styles,
    *,
    parent_name: str,
    unit_name: str,
    number: str,
    place: str,
    date: dt.date | dt.datetime | None,
    width: float,
) -> Table:
    """The two headings, the number and the place and date line, as one borderless table."""
    left: list[Flowable] = []
    if parent_name:
        left.append(Paragraph(esc(parent_name.upper()), styles.head))
    left.append(Paragraph(esc(unit_name.upper()), styles.head_bold))
    left.append(
        HRFlowable(width="35%", thickness=0.7, color=colors.black, spaceBefore=2, hAlign="CENTER")
    )
    right: list[Flowable] = [
        Paragraph(NATIONAL_NAME, styles.head_bold),
        Paragraph(f"<u>{NATIONAL_MOTTO}</u>", styles.motto),
    ]
    number_cell = Paragraph(esc(number), styles.head) if number else Paragraph("", styles.head)
    date_cell = Paragraph(f"{esc(place)}, {vn_date(date)}", styles.date)
    left_width = width * 0.42
    table = Table(
        [[left, right], [number_cell, date_cell]],
        colWidths=[left_width, width - left_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 6),
            ]
        )
    )
    return table


def title(styles: Styles, text: str, *subtitles: str) -> list[Flowable]:
    flow: list[Flowable] = [Spacer(1, 6 * mm), Paragraph(esc(text.upper()), styles.title)]
    flow += [Paragraph(s, styles.subtitle) for s in subtitles]
    flow.append(Spacer(1, 3 * mm))
    return flow


def signature_blocks(
    styles: Styles,
    blocks: Sequence[tuple[str, str, str] | None],
    width: float,
    *,
    extra_left: list[Flowable] | None = None,
) -> Table:
    """Signature blocks side by side: (role in capitals, hint in italics, name); ``None``
    leaves a column empty (a single block sits at the right, as the rules want)."""
    cells: list[list[Flowable]] = []
    for block in blocks:
        if block is None:
            cells.append(extra_left or [])
            continue
        role, hint, name = block
        cells.append(
            [
                Paragraph(esc(role), styles.sign),
                Paragraph(f"({esc(hint)})", styles.note),
                Spacer(1, 22 * mm),
                Paragraph(f"<b>{esc(name)}</b>" if name else "", styles.center),
            ]
        )
    table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    table.keepWithNext = False
    return table


def grid(rows: list[list[object]], widths: Sequence[float], *, header_rows: int = 1) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.93, 0.93, 0.93)),
            ]
        )
    )
    return table


class Document:
    """An A4 document: portrait with the margins of Decree 30/2020 (left 30 mm, right
    15 mm, top and bottom 20 mm), or landscape for the register."""

    def __init__(self, *, title: str, author: str, landscape_page: bool = False) -> None:
        self.buffer = io.BytesIO()
        self.footer = ""
        size = landscape(A4) if landscape_page else A4
        margins = (
            (15 * mm, 15 * mm, 15 * mm, 15 * mm)
            if landscape_page
            else (30 * mm, 15 * mm, 20 * mm, 20 * mm)
        )
        self.template = SimpleDocTemplate(
            self.buffer,
            pagesize=size,
            leftMargin=margins[0],
            rightMargin=margins[1],
            topMargin=margins[2],
            bottomMargin=margins[3],
            title=title,
            author=author,
            subject=title,
            creator="MotCua",
            lang="vi",
        )
        self.width = size[0] - margins[0] - margins[1]

    def build(self, story: list[Flowable]) -> bytes:
        def number_pages(canvas: Canvas, doc: object) -> None:
            canvas.saveState()
            page = canvas.getPageNumber()
            canvas.setFont(register_fonts(), 7.5)
            width = self.template.pagesize[0]
            if self.footer:
                canvas.drawString(self.template.leftMargin, 9 * mm, self.footer)
            canvas.drawRightString(width - self.template.rightMargin, 9 * mm, f"Trang {page}")
            canvas.restoreState()

        with RENDER_LOCK:
            self.template.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
        return self.buffer.getvalue()


def place_of_unit(unit: Any) -> str:
    """The place of the date line: the province's name without its title ("Mẫu")."""
    from motcua.forms.documents import place_of

    return place_of(unit)
