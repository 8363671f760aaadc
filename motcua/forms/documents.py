"""The forms of Circular 03/2025/TT-VPCP, built from a dossier and its history.

01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả, 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ,
03 Phiếu từ chối tiếp nhận giải quyết hồ sơ, 04 Văn bản xin lỗi và đề nghị gia hạn,
05 Thông báo dừng giải quyết hồ sơ, 06 Phiếu kiểm soát quá trình giải quyết hồ sơ.
Form 07, the register, is in ``motcua.forms.register``. Each builder returns PDF bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from motcua.calendars.selectors import working_calendar
from motcua.core.people import person_name, person_phone
from motcua.dossiers.lifecycle import ACTION_LABELS, Action
from motcua.dossiers.models import Dossier, DossierEvent, FeeMethod, Status, Timeliness
from motcua.forms.pdf import (
    Document,
    Styles,
    esc,
    grid,
    heading,
    signature_blocks,
    title,
    vn_date,
    vn_datetime,
    vn_money,
)
from motcua.forms.selectors import FORM_TITLES, form_event
from motcua.procedures.records import record_case_name, record_processing_days
from motcua.units.models import Unit

_PREFIXES = re.compile(
    r"^(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+(tỉnh|thành phố|xã|phường|đặc khu)\s+",
    re.IGNORECASE,
)
ACTION_VALUES = {a.value for a in Action}
DOCUMENT_KINDS = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "certified_copy": "Bản sao chứng thực",
    "original_or_copy": "Bản chính hoặc bản sao",
}


class FormNotReached(LookupError):
    """The dossier never reached the action that produces this form."""


def lookup_url(code: str) -> str:
    return f"{settings.SITE_URL}/tra-cuu/?code={code}"


def place_of(unit: Unit) -> str:
    """The place in the date line: the province's name without its title ("Mẫu")."""
    root_id = next((part for part in unit.path.split("/") if part), None)
    root = Unit.objects.filter(pk=root_id).first() if root_id else None
    name = (root or unit).name
    return _PREFIXES.sub("", name).strip() or name


# A line left for handwriting where the system does not know the value (never "…").
BLANK = "&nbsp;" * 40


def person(event: DossierEvent | None) -> str:
    """The officer who took the action, by full name (staff profile); "" when unknown,
    so that the form leaves the line for the signature's handwritten name."""
    if event is None or event.actor is None:
        return ""
    return person_name(event.actor)


def person_contact_phone(event: DossierEvent | None, unit: Unit) -> str:
    """The officer's own phone, else the unit's hotline or phone, else ""."""
    phone = person_phone(event.actor) if event is not None and event.actor else ""
    return phone or unit.hotline or unit.phone


def processing_days(dossier: Dossier) -> Decimal:
    return record_processing_days(dossier.procedure_version.record, dossier.case_code)


def case_name(dossier: Dossier) -> str:
    return record_case_name(dossier.procedure_version.record, dossier.case_code)


def days_text(days: Decimal) -> str:
    if days == 0:
        return "trong ngày làm việc"
    text = format(days.normalize(), "f").replace(".", ",")
    return f"{text} ngày làm việc"


def qr_flowable(url: str, size: float = 28 * mm) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


@dataclass
class Ctx:
    dossier: Dossier
    events: list[DossierEvent]
    styles: Styles
    doc: Document
    parent_name: str
    unit_name: str
    place: str

    @property
    def d(self) -> Dossier:
        return self.dossier

    def p(self, html: str) -> Paragraph:
        return Paragraph(html, self.styles.body)

    def line(self, label: str, value: object) -> Paragraph:
        return self.p(f"{esc(label)}: <b>{esc(value)}</b>")

    def head(self, number: str, date: dt.datetime | None) -> Flowable:
        return heading(
            self.styles,
            parent_name=self.parent_name,
            unit_name=self.unit_name,
            number=number,
            place=self.place,
            date=date,
            width=self.doc.width,
        )

    def request_text(self) -> str:
        text = self.d.procedure.name
        extra = case_name(self.d)
        if extra:
            text += f" — {extra}"
        if self.d.summary:
            text += f" ({self.d.summary})"
        return text

    def honorific(self) -> str:
        return "Ông/Bà" if self.d.applicant_kind == "citizen" else "Quý cơ quan, tổ chức"

    def contact(self) -> str:
        parts = []
        if self.d.applicant_phone:
            parts.append(f"Số điện thoại: {self.d.applicant_phone}")
        if self.d.applicant_email:
            parts.append(f"Thư điện tử: {self.d.applicant_email}")
        return "; ".join(parts) or f"Số điện thoại: {BLANK}"


def _ctx(dossier: Dossier, events: list[DossierEvent], *, landscape_page: bool = False) -> Ctx:
    unit = dossier.unit
    parent = unit.parent
    return Ctx(
        dossier=dossier,
        events=events,
        styles=Styles(),
        doc=Document(
            title=f"{FORM_TITLES['01']} — {dossier.code}",
            author=unit.name,
            landscape_page=landscape_page,
        ),
        parent_name=parent.name if parent is not None else "",
        unit_name=unit.name,
        place=place_of(unit),
    )


def _serial(dossier: Dossier) -> str:
    return dossier.code.rsplit("-", 1)[-1]


def _desk_name(ctx: Ctx) -> str:
    return f"Bộ phận Một cửa — {ctx.unit_name}"


# ---------------------------------------------------------------------------- 01


def form_01(ctx: Ctx, event: DossierEvent) -> list[Flowable]:
    d, s, w = ctx.d, ctx.styles, ctx.doc.width
    flow: list[Flowable] = [ctx.head(f"Số: {_serial(d)}/TNHS", event.at)]
    flow += title(
        s,
        FORM_TITLES["01"],
        f"Mã hồ sơ: {esc(d.code)}",
    )
    flow.append(Paragraph("(Liên: Lưu / Giao người nộp hồ sơ)", s.note))
    flow.append(Spacer(1, 3 * mm))
    flow.append(ctx.p(f"{esc(_desk_name(ctx))}"))
    flow.append(ctx.line("Tiếp nhận hồ sơ của", d.applicant_name))
    if d.applicant_id_number:
        flow.append(ctx.p(f"Số giấy tờ tùy thân: {esc(d.applicant_id_number)}"))
    flow.append(ctx.p(f"Địa chỉ: {esc(d.applicant_address) or BLANK}"))
    flow.append(ctx.p(esc(ctx.contact())))
    flow.append(ctx.line("Nội dung yêu cầu giải quyết", ctx.request_text()))
    flow.append(ctx.p("1. Thành phần hồ sơ nộp gồm:"))
    received = [item for item in d.documents if item.get("received")]
    rows: list[list[object]] = [
        [
            Paragraph("TT", s.cell_head),
            Paragraph("Tên loại giấy tờ", s.cell_head),
            Paragraph("Hình thức (bản chính, bản sao…)", s.cell_head),
            Paragraph("Số lượng", s.cell_head),
        ]
    ]
    for i, item in enumerate(received, 1):
        rows.append(
            [
                Paragraph(str(i), s.cell),
                Paragraph(esc(item["name"]), s.cell),
                Paragraph(
                    esc(DOCUMENT_KINDS.get(item.get("kind", ""), item.get("kind", ""))), s.cell
                ),
                Paragraph(str(item.get("count", 1)), s.cell),
            ]
        )
    if not received:
        rows.append([Paragraph("", s.cell), Paragraph("(Không có giấy tờ)", s.cell), "", ""])
    flow.append(grid(rows, [12 * mm, w - 12 * mm - 45 * mm - 20 * mm, 45 * mm, 20 * mm]))
    flow.append(Spacer(1, 2 * mm))
    # Items 2 to 7, the register line and the signatures stay on one page: a signature
    # block never stands alone at the top of page 2.
    body = flow
    flow = []
    flow.append(ctx.p("2. Số lượng hồ sơ: 01 (bộ)"))
    flow.append(
        ctx.p(f"3. Thời gian giải quyết hồ sơ theo quy định là: {days_text(processing_days(d))}")
    )
    flow.append(ctx.p(f"4. Thời gian nhận hồ sơ: {vn_datetime(event.at)}"))
    # The appointment given at reception (a later supplement restarts the clock: form 02).
    promised = event.data.get("due_at")
    due_at = dt.datetime.fromisoformat(promised) if promised else d.due_at
    flow.append(ctx.p(f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{vn_datetime(due_at)}</b>"))
    flow.append(ctx.p(f"6. Đăng ký nhận kết quả tại: {esc(_desk_name(ctx))}"))
    flow += _fee_paragraphs(ctx)
    url = ctx.d.code and lookup_url(d.code)
    lookup = Table(
        [
            [
                [
                    ctx.p(
                        f"Vào Sổ theo dõi hồ sơ, Quyển số: {timezone.localtime(event.at):%Y}, "
                        f"Số thứ tự: {_serial(d)}"
                    ),
                    Paragraph(
                        f"Tra cứu tình trạng hồ sơ bằng mã hồ sơ hoặc quét mã QR:<br/>{esc(url)}",
                        s.small,
                    ),
                ],
                qr_flowable(url),
            ]
        ],
        colWidths=[w - 32 * mm, 32 * mm],
    )
    lookup.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    flow.append(lookup)
    flow.append(Spacer(1, 3 * mm))
    flow.append(
        signature_blocks(
            s,
            [
                ("NGƯỜI NỘP HỒ SƠ", "Ký và ghi rõ họ tên", d.applicant_name),
                ("NGƯỜI TIẾP NHẬN HỒ SƠ", "Ký và ghi rõ họ tên", person(event)),
            ],
            w,
        )
    )
    return [*body, KeepTogether(flow)]


def _fee_paragraphs(ctx: Ctx) -> list[Flowable]:
    """Item 7, the fees: each fee line (name, code, amount, and once collected how, when
    and the receipt number), then the total; the dossier's amount when it has no lines."""
    d = ctx.d
    lines = list(d.fees.all())
    if not lines:
        return [ctx.p(f"7. Phí, lệ phí: {vn_money(d.fee_amount)}")] if d.fee_amount else []
    total = sum(line.amount for line in lines)
    out = [ctx.p(f"7. Phí, lệ phí: {vn_money(total)}, gồm:")]
    for line in lines:
        text = esc(line.name) + (f" (mã {esc(line.code)})" if line.code else "")
        text += f": {vn_money(line.amount)}"
        if line.paid_at:
            text += (
                f"; đã nộp ngày {timezone.localtime(line.paid_at):%d/%m/%Y}"
                f" ({esc(FeeMethod(line.method).label if line.method else '')})"
            )
        if line.receipt_number:
            text += f", biên lai số {esc(line.receipt_number)}"
        out.append(ctx.p(f"&nbsp;&nbsp;&nbsp;– {text}"))
    return out


# ---------------------------------------------------------------------------- 02


def form_02(ctx: Ctx, event: DossierEvent) -> list[Flowable]:
    d, s, w = ctx.d, ctx.styles, ctx.doc.width
    flow: list[Flowable] = [ctx.head(f"Số: {_serial(d)}-{event.seq}/PBS", event.at)]
    flow += title(s, FORM_TITLES["02"], f"Mã hồ sơ: {esc(d.code)}")
    if event.data.get("repeated"):
        # A second or later request on the same dossier is a leader's (CONTRACT.md §2).
        flow.append(
            ctx.p(
                f"<b>Yêu cầu bổ sung lần thứ {int(event.data.get('request_number') or 2)}</b> "
                f"(do lãnh đạo {esc(person(event) or '')} yêu cầu)."
            )
        )
    flow.append(
        ctx.p(f"{esc(_desk_name(ctx))} tiếp nhận hồ sơ của: <b>{esc(d.applicant_name)}</b>")
    )
    flow.append(ctx.line("Nội dung yêu cầu giải quyết", ctx.request_text()))
    flow.append(
        ctx.p(
            f"Ngày {vn_date(event.at).removeprefix('ngày ')}, yêu cầu {ctx.honorific()} bổ sung, "
            "hoàn thiện hồ sơ gồm những nội dung sau:"
        )
    )
    for i, item in enumerate(event.data.get("items") or [], 1):
        flow.append(ctx.p(f"{i}. {esc(item)}"))
    if event.note:
        flow.append(ctx.p(f"Lý do: {esc(event.note)}"))
    due = event.data.get("supplement_due_at")
    if due:
        moment = dt.datetime.fromisoformat(due)
        flow.append(
            ctx.p(
                f"Hạn bổ sung: trước {timezone.localtime(moment):%H giờ %M} "
                f"{vn_date(moment)}."
                + (
                    " Quá hạn mà chưa bổ sung, hồ sơ sẽ bị từ chối tiếp nhận giải quyết."
                    if d.procedure_version.record.get("refuse_on_supplement_expiry")
                    else ""
                )
            )
        )
    phone = person_contact_phone(event, ctx.d.unit)
    who = esc(person(event)) or BLANK
    flow.append(
        ctx.p(
            f"Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, {ctx.honorific()} liên hệ với "
            f"{who}, số điện thoại {esc(phone) or BLANK} để được hướng dẫn. "
            "Thời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ hợp lệ."
        )
    )
    flow.append(Spacer(1, 4 * mm))
    flow.append(
        KeepTogether(
            signature_blocks(
                s, [None, ("NGƯỜI HƯỚNG DẪN", "Ký và ghi rõ họ tên", person(event))], w
            )
        )
    )
    return flow


# ---------------------------------------------------------------------------- 03


def form_03(ctx: Ctx, event: DossierEvent) -> list[Flowable]:
    d, s, w = ctx.d, ctx.styles, ctx.doc.width
    flow: list[Flowable] = [ctx.head(f"Số: {_serial(d)}/PTC", event.at)]
    flow += title(s, FORM_TITLES["03"], f"Mã hồ sơ: {esc(d.code)}")
    flow.append(
        ctx.p(f"{esc(_desk_name(ctx))} tiếp nhận hồ sơ của: <b>{esc(d.applicant_name)}</b>")
    )
    flow.append(ctx.p(f"Địa chỉ: {esc(d.applicant_address) or BLANK}"))
    flow.append(ctx.p(esc(ctx.contact())))
    flow.append(ctx.line("Nội dung yêu cầu giải quyết", ctx.request_text()))
    flow.append(
        ctx.p(
            "Qua nghiên cứu, đối chiếu với các quy định hiện hành, "
            f"{esc(ctx.unit_name)} không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"
        )
    )
    flow.append(ctx.p(f"<b>{esc(event.data.get('reason') or event.note)}</b>"))
    flow.append(ctx.p(f"Xin thông báo để {ctx.honorific()} được biết và thực hiện."))
    flow.append(Spacer(1, 4 * mm))
    flow.append(
        KeepTogether(
            signature_blocks(
                s, [None, ("NGƯỜI TIẾP NHẬN HỒ SƠ", "Ký và ghi rõ họ tên", person(event))], w
            )
        )
    )
    return flow


# ---------------------------------------------------------------------------- 04 and 05


def _recipients(ctx: Ctx) -> list[Flowable]:
    s = ctx.styles
    return [
        Paragraph("<b><i>Nơi nhận:</i></b>", s.small),
        Paragraph(f"- {esc(ctx.d.applicant_name)};", s.small),
        Paragraph("- Bộ phận Một cửa;", s.small),
        Paragraph("- Lưu: VT.", s.small),
    ]


def form_04(ctx: Ctx, event: DossierEvent) -> list[Flowable]:
    d, s, w = ctx.d, ctx.styles, ctx.doc.width
    extended = event.data.get("extended_due_at")
    extended_at = dt.datetime.fromisoformat(extended) if extended else d.extended_due_at
    flow: list[Flowable] = [ctx.head(f"Số: {_serial(d)}-{event.seq}/XLGH", event.at)]
    flow += title(s, FORM_TITLES["04"], f"Mã hồ sơ: {esc(d.code)}")
    flow.append(Paragraph(f"Kính gửi: <b>{esc(d.applicant_name)}</b>", s.center))
    flow.append(Spacer(1, 2 * mm))
    flow.append(
        ctx.p(
            f"Ngày {vn_date(d.received_at).removeprefix('ngày ')}, {esc(ctx.unit_name)} tiếp nhận "
            f"giải quyết hồ sơ của {ctx.honorific()}:"
        )
    )
    flow.append(ctx.line("Nội dung yêu cầu giải quyết", ctx.request_text()))
    flow.append(ctx.line("Mã hồ sơ", d.code))
    flow.append(ctx.p(f"Thời hạn trả kết quả giải quyết hồ sơ: {vn_datetime(d.due_at)}."))
    flow.append(
        ctx.p(
            f"Tuy nhiên đến nay, {esc(ctx.unit_name)} chưa trả kết quả giải quyết hồ sơ của "
            f"{ctx.honorific()}."
        )
    )
    flow.append(ctx.p(f"Lý do: {esc(event.data.get('reason') or event.note)}"))
    flow.append(
        ctx.p(
            f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của {ctx.honorific()}. "
            f"{esc(ctx.unit_name)} xin lỗi {ctx.honorific()} và đề nghị gia hạn thời hạn giải "
            f"quyết, hẹn trả kết quả vào <b>{vn_datetime(extended_at)}</b>."
        )
    )
    flow.append(ctx.p(f"Rất mong nhận được sự thông cảm của {ctx.honorific()}."))
    flow.append(Spacer(1, 4 * mm))
    flow.append(
        KeepTogether(
            signature_blocks(
                s,
                [None, ("THỦ TRƯỞNG CƠ QUAN", "Ký, ghi rõ họ tên và đóng dấu", person(event))],
                w,
                extra_left=_recipients(ctx),
            )
        )
    )
    return flow


def form_05(ctx: Ctx, event: DossierEvent) -> list[Flowable]:
    d, s, w = ctx.d, ctx.styles, ctx.doc.width
    flow: list[Flowable] = [ctx.head(f"Số: {_serial(d)}/TBD", event.at)]
    flow += title(s, FORM_TITLES["05"], f"Mã hồ sơ: {esc(d.code)}")
    flow.append(Paragraph(f"Kính gửi: <b>{esc(d.applicant_name)}</b>", s.center))
    flow.append(Spacer(1, 2 * mm))
    flow.append(
        ctx.p(
            f"Ngày {vn_date(d.received_at).removeprefix('ngày ')}, {esc(ctx.unit_name)} tiếp nhận "
            f"hồ sơ của {ctx.honorific()}:"
        )
    )
    flow.append(ctx.line("Nội dung yêu cầu giải quyết", ctx.request_text()))
    flow.append(ctx.line("Mã hồ sơ", d.code))
    flow.append(
        ctx.p(
            f"{esc(ctx.unit_name)} thông báo dừng giải quyết hồ sơ nêu trên kể từ "
            f"{vn_datetime(event.at)}."
        )
    )
    flow.append(ctx.p(f"Lý do: <b>{esc(event.data.get('reason') or event.note)}</b>"))
    flow.append(
        ctx.p(
            f"Hồ sơ và giấy tờ đã nộp được trả lại tại {esc(_desk_name(ctx))}. "
            f"Xin thông báo để {ctx.honorific()} được biết."
        )
    )
    flow.append(Spacer(1, 4 * mm))
    flow.append(
        KeepTogether(
            signature_blocks(
                s,
                [None, ("THỦ TRƯỞNG CƠ QUAN", "Ký, ghi rõ họ tên và đóng dấu", person(event))],
                w,
                extra_left=_recipients(ctx),
            )
        )
    )
    return flow


# ---------------------------------------------------------------------------- 06


def _step_names(dossier: Dossier) -> list[dict[str, Any]]:
    return list(dossier.procedure_version.record.get("steps") or []) or [
        {"name": "Xử lý hồ sơ", "role": "specialist", "hours": 8}
    ]


def _holder_text(event: DossierEvent, units: dict[str, str], dossier: Dossier) -> str:
    data = event.data or {}
    if event.to_status in {Status.RECEIVED, Status.SUBMITTED} and data.get("step", 0) is None:
        return "Bộ phận Một cửa"
    step_name = data.get("step_name") or ""
    unit = units.get(data.get("step_unit") or "", dossier.unit.name)
    assignee = data.get("assignee")
    text = f"{step_name} — {unit}" if step_name else unit
    if not assignee:
        return text
    # The officer by name (the history keeps the username, the form names the person).
    from django.contrib.auth import get_user_model

    user = (
        get_user_model().objects.filter(username=assignee).select_related("staff_profile").first()
    )
    name = person_name(user) if user is not None else ""
    return f"{text} ({name})" if name else text


def form_06(ctx: Ctx, event: DossierEvent) -> list[Flowable]:
    d, s, w = ctx.d, ctx.styles, ctx.doc.width
    steps = _step_names(d)
    unit_codes = {e.data.get("step_unit") for e in ctx.events if e.data.get("step_unit")}
    units = dict(Unit.objects.filter(code__in=unit_codes).values_list("code", "name"))
    main_units = sorted({units.get(c, c) for c in unit_codes} | {ctx.unit_name})
    flow: list[Flowable] = [ctx.head("", event.at)]
    flow += title(s, FORM_TITLES["06"], f"Mã hồ sơ: {esc(d.code)}")
    flow.append(Paragraph("(Kèm theo hồ sơ trong suốt quá trình giải quyết)", s.note))
    flow.append(Spacer(1, 2 * mm))
    flow.append(ctx.line("Chủ hồ sơ", d.applicant_name))
    flow.append(ctx.line("Nội dung yêu cầu giải quyết", ctx.request_text()))
    flow.append(ctx.p(f"Cơ quan chủ trì giải quyết hồ sơ: {esc(ctx.unit_name)}"))
    others = [u for u in main_units if u != ctx.unit_name]
    flow.append(ctx.p(f"Cơ quan phối hợp giải quyết hồ sơ: {esc(', '.join(others) or 'Không')}"))
    flow.append(
        ctx.p(
            f"Nhận hồ sơ: {vn_datetime(d.received_at)}; hẹn trả kết quả: "
            f"{vn_datetime(d.extended_due_at or d.due_at)}"
        )
    )
    head = [
        Paragraph("TÊN CƠ QUAN, BỘ PHẬN", s.cell_head),
        Paragraph("THỜI GIAN GIAO, NHẬN HỒ SƠ", s.cell_head),
        Paragraph("KẾT QUẢ GIẢI QUYẾT HỒ SƠ (trước hạn / đúng hạn / quá hạn)", s.cell_head),
        Paragraph("GHI CHÚ", s.cell_head),
    ]
    rows: list[list[object]] = [head]
    calendar = working_calendar()
    holder = "Bộ phận Một cửa"
    held_since: dt.datetime | None = None
    held_hours: float | None = None
    number = 0
    for e in ctx.events:
        if e.at < (d.received_at or e.at) or e.action in {"intake", "accept"}:
            if e.action in {"intake", "accept"} and e.to_status == Status.RECEIVED:
                held_since = e.at
            continue
        number += 1
        # The form is a legal document: its wording stays Vietnamese whatever the UI language.
        with translation.override("vi"):
            label = (
                str(ACTION_LABELS.get(Action(e.action), e.action))
                if e.action in ACTION_VALUES
                else e.action
            )
        giver = f"{holder}: {person(e)}" if person(e) else holder
        verdict = ""
        if e.action in {"forward", "send-back", "resolve"} and held_since and held_hours:
            spent = calendar.working_seconds_between(held_since, e.at)
            budget = int(held_hours * 3600)
            verdict = (
                "Trước hạn" if spent < budget else "Đúng hạn" if spent == budget else "Quá hạn"
            )
        if e.action == "resolve":
            verdict = str(Timeliness(d.timeliness).label) if d.timeliness else verdict
        if e.action in {"forward", "send-back", "assign"} and e.data.get("step") is not None:
            receiver = _holder_text(e, units, d)
            index = e.data.get("step")
            held_hours = float(steps[index].get("hours") or 0) if index < len(steps) else None
            holder = receiver
            held_since = e.at
            cell = f"{number}. Giao: {esc(giver)}<br/>Nhận: {esc(receiver)}"
        elif e.action == "send-back":
            holder, held_since, held_hours = "Bộ phận Một cửa", e.at, None
            cell = f"{number}. Giao: {esc(giver)}<br/>Nhận: Bộ phận Một cửa"
        elif e.action == "resolve":
            cell = f"{number}. Giao: {esc(giver)}<br/>Nhận: Bộ phận Một cửa (trả kết quả)"
            holder, held_since, held_hours = "Bộ phận Một cửa", e.at, None
        else:
            cell = f"{number}. {esc(label)}: {esc(giver)}"
        if e.to_status != e.from_status:
            status_label = Status(e.to_status).label if e.to_status in Status.values else ""
        else:
            status_label = ""
        notes = [esc(label)]
        for key in ("reason", "note"):
            value = e.data.get(key) if key == "reason" else e.note
            if value:
                notes.append(esc(value))
        if e.data.get("items"):
            notes.append(esc("; ".join(e.data["items"])))
        if status_label:
            notes.append(f"→ {esc(status_label)}")
        rows.append(
            [
                Paragraph(cell, s.cell),
                Paragraph(vn_datetime(e.at), s.cell),
                Paragraph(esc(verdict), s.cell),
                Paragraph("<br/>".join(notes), s.cell),
            ]
        )
    if len(rows) == 1:
        rows.append(
            [
                Paragraph("Bộ phận Một cửa", s.cell),
                Paragraph(vn_datetime(d.received_at), s.cell),
                Paragraph("", s.cell),
                Paragraph("Đã tiếp nhận, chưa chuyển xử lý", s.cell),
            ]
        )
    flow.append(grid(rows, [w * 0.36, w * 0.22, w * 0.17, w * 0.25]))
    return flow


BUILDERS = {
    "01": form_01,
    "02": form_02,
    "03": form_03,
    "04": form_04,
    "05": form_05,
    "06": form_06,
}


def form_render(
    dossier: Dossier, number: str, events: list[DossierEvent], seq: int | None = None
) -> bytes:
    """The PDF of one form of this dossier; ``FormNotReached`` when it has none. The forms are
    legal documents in Vietnamese whatever the language of the page that asks for them."""
    event = form_event(dossier, number, events, seq)
    builder = BUILDERS.get(number)
    if event is None or builder is None:
        raise FormNotReached(number)
    with translation.override("vi"):
        ctx = _ctx(dossier, events)
        ctx.doc.template.title = f"{FORM_TITLES[number]} — {dossier.code}"
        ctx.doc.footer = (
            f"Mẫu số {number} — {FORM_TITLES[number]} (Thông tư 03/2025/TT-VPCP) · {dossier.code}"
        )
        return ctx.doc.build(builder(ctx, event))


def eform_annex(dossier: Dossier) -> bytes:
    """The declaration typed in the e-form (tờ khai điện tử), printed as an annex of the
    dossier: every field with its label, group by group; ``FormNotReached`` without one."""
    from motcua.procedures.eforms import eform_display

    schema = dossier.procedure_version.record.get("eform")
    shown = eform_display(schema, dossier.eform_data)
    if not shown:
        raise FormNotReached("eform")
    with translation.override("vi"):
        ctx = _ctx(dossier, [])
        heading_text = str((schema or {}).get("title") or "Tờ khai điện tử")
        ctx.doc.template.title = f"{heading_text} — {dossier.code}"
        ctx.doc.footer = f"Phụ lục: tờ khai điện tử · {dossier.code}"
        s, w = ctx.styles, ctx.doc.width
        flow: list[Flowable] = [ctx.head("", dossier.submitted_at or dossier.received_at)]
        flow += title(s, heading_text.upper(), f"Mã hồ sơ: {esc(dossier.code)}")
        flow.append(ctx.line("Thủ tục", dossier.procedure.name))
        flow.append(ctx.line("Chủ hồ sơ", dossier.applicant_name))
        for group, rows in shown:
            if group:
                flow.append(Spacer(1, 2 * mm))
                flow.append(ctx.p(f"<b>{esc(group)}</b>"))
            table: list[list[object]] = [[ctx.p("<b>Mục</b>"), ctx.p("<b>Nội dung đã khai</b>")]]
            table += [[ctx.p(esc(label)), ctx.p(esc(value))] for label, value in rows]
            flow.append(grid(table, [w * 0.42, w * 0.58]))
        return ctx.doc.build(flow)


def form_filename(dossier: Dossier, number: str) -> str:
    return f"mau-{number}-{dossier.code}.pdf"


__all__ = [
    "BUILDERS",
    "FormNotReached",
    "eform_annex",
    "form_filename",
    "form_render",
    "lookup_url",
    "vn_date",
]
