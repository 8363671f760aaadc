"""The Vietnamese templates MotCua starts with. ``motcua migrate`` copies them into the
database, where administrators edit them (Quản trị → Thông báo → Mẫu thông báo); a key
whose row was deleted falls back to the text here.

Templates are Django templates over plain text values only (never objects), so a template
cannot print program data. The variables are listed in ``VARIABLES``.
"""

from __future__ import annotations

VARIABLES = {
    "applicant": "họ và tên người nộp hồ sơ",
    "code": "mã hồ sơ",
    "procedure": "tên thủ tục",
    "unit": "nơi tiếp nhận",
    "status": "trạng thái hiện tại",
    "due": "ngày hẹn trả kết quả, ví dụ 17:00 ngày 08/03/2027",
    "time_limit": "thời hạn giải quyết khi chưa có ngày hẹn",
    "items": "danh sách giấy tờ cần bổ sung (mỗi dòng một giấy tờ)",
    "supplement_deadline": "hạn nộp bổ sung",
    "amount": "số tiền phải nộp, ví dụ 75.000 đồng",
    "reason": "lý do",
    "extended_due": "ngày hẹn trả mới khi gia hạn",
    "method": "cách trả kết quả",
    "outcome": "kết quả giải quyết",
    "lookup_url": "địa chỉ tra cứu hồ sơ",
    "name": "họ và tên cán bộ nhận nhắc việc",
    "dossiers": "danh sách hồ sơ của thư nhắc việc (mỗi dòng một hồ sơ)",
    "count": "số hồ sơ của thư nhắc việc",
    "workspace_url": "địa chỉ trang làm việc của cán bộ",
}

TEMPLATE_LABELS = {
    "intake": "Đã nhận hồ sơ",
    "accept": "Hồ sơ được tiếp nhận",
    "refuse": "Từ chối tiếp nhận",
    "request-supplement": "Yêu cầu bổ sung hồ sơ",
    "request-payment": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "extend": "Xin lỗi và hẹn lại ngày trả",
    "stop": "Dừng giải quyết",
    "resolve": "Đã có kết quả",
    "return": "Đã trả kết quả",
    "withdraw": "Đã rút hồ sơ",
    "correct": "Đính chính kết quả",
    "reminder.officer": "Nhắc việc cán bộ: hồ sơ đến hạn",
    "reminder.leader": "Nhắc việc lãnh đạo: hồ sơ quá hạn",
}

_FOOTER = (
    "\n\nTra cứu hồ sơ: {{ lookup_url }}\n\n"
    "Thư này được gửi tự động từ hệ thống một cửa điện tử; vui lòng không trả lời."
)
_HEAD = (
    "Kính gửi {{ applicant }},\n\nHồ sơ {{ code }} — {{ procedure }}\nNơi tiếp nhận: {{ unit }}\n"
)

EMAIL: dict[str, tuple[str, str]] = {
    "intake": (
        "Hồ sơ {{ code }} đã được nhận",
        _HEAD + "Hồ sơ của ông/bà đã được nhận.{% if due %}\nNgày hẹn trả kết quả: {{ due }}"
        "{% elif time_limit %}\nThời hạn giải quyết: {{ time_limit }}{% endif %}" + _FOOTER,
    ),
    "accept": (
        "Hồ sơ {{ code }} đã được tiếp nhận",
        _HEAD + "Hồ sơ nộp trực tuyến của ông/bà đã được tiếp nhận để giải quyết."
        "{% if due %}\nNgày hẹn trả kết quả: {{ due }}{% endif %}" + _FOOTER,
    ),
    "refuse": (
        "Hồ sơ {{ code }} không được tiếp nhận",
        _HEAD + "Hồ sơ không được tiếp nhận giải quyết.\nLý do: {{ reason }}" + _FOOTER,
    ),
    "request-supplement": (
        "Hồ sơ {{ code }} cần bổ sung giấy tờ",
        _HEAD + "Để tiếp tục giải quyết, đề nghị ông/bà bổ sung, hoàn thiện các giấy tờ sau:\n"
        "{{ items }}{% if supplement_deadline %}\nHạn nộp bổ sung: {{ supplement_deadline }}"
        "{% endif %}{% if reason %}\nGhi chú: {{ reason }}{% endif %}" + _FOOTER,
    ),
    "request-payment": (
        "Hồ sơ {{ code }}: đề nghị nộp phí, lệ phí",
        _HEAD + "Đề nghị ông/bà thực hiện nghĩa vụ tài chính để tiếp tục giải quyết hồ sơ.\n"
        "Số tiền phải nộp: {{ amount }}" + _FOOTER,
    ),
    "extend": (
        "Hồ sơ {{ code }}: xin lỗi và hẹn lại ngày trả kết quả",
        _HEAD + "Cơ quan giải quyết thành thật xin lỗi ông/bà vì hồ sơ chưa giải quyết xong "
        "đúng hẹn.\nLý do: {{ reason }}\nNgày hẹn trả kết quả mới: {{ extended_due }}" + _FOOTER,
    ),
    "stop": (
        "Hồ sơ {{ code }}: dừng giải quyết",
        _HEAD
        + "Cơ quan giải quyết thông báo dừng giải quyết hồ sơ.\nLý do: {{ reason }}"
        + _FOOTER,
    ),
    "resolve": (
        "Hồ sơ {{ code }} đã có kết quả",
        _HEAD + "Hồ sơ đã được giải quyết xong: {{ outcome }}.{% if reason %}\n"
        "Lý do: {{ reason }}{% endif %}\nMời ông/bà nhận kết quả theo hình thức đã đăng ký."
        + _FOOTER,
    ),
    "return": (
        "Hồ sơ {{ code }} đã trả kết quả",
        _HEAD + "Kết quả giải quyết hồ sơ đã được trả ({{ method }})." + _FOOTER,
    ),
    "withdraw": (
        "Hồ sơ {{ code }} đã được rút",
        _HEAD + "Hồ sơ đã được rút theo đề nghị của người nộp." + _FOOTER,
    ),
    "correct": (
        "Hồ sơ {{ code }}: kết quả đã được đính chính",
        _HEAD + "Kết quả giải quyết hồ sơ đã được đính chính.{% if reason %}\nLý do: {{ reason }}"
        "{% endif %}\nKết quả đã đính chính thay cho kết quả trước; mời ông/bà dùng kết quả mới."
        + _FOOTER,
    ),
    "reminder.officer": (
        "Nhắc việc: {{ count }} hồ sơ đến hạn trong 1 ngày làm việc",
        "Kính gửi {{ name }},\n\nCác hồ sơ sau đang ở bước do ông/bà xử lý và đến hạn trả "
        "kết quả trong 1 ngày làm việc:\n{{ dossiers }}\n\nTrang làm việc: {{ workspace_url }}"
        "\n\nThư nhắc việc được gửi tự động mỗi ngày làm việc.",
    ),
    "reminder.leader": (
        "Nhắc việc: {{ count }} hồ sơ quá hạn",
        "Kính gửi {{ name }},\n\nCác hồ sơ sau thuộc đơn vị ông/bà phụ trách đã quá hạn trả "
        "kết quả mà chưa giải quyết xong:\n{{ dossiers }}\n\nTrang làm việc: {{ workspace_url }}"
        "\n\nThư nhắc việc được gửi tự động mỗi ngày làm việc.",
    ),
}

# SMS: short Vietnamese with diacritics; the gateway adapter sends Unicode (UTF-8).
SMS: dict[str, str] = {
    "intake": "Hồ sơ {{ code }} đã được nhận.{% if due %} Hẹn trả: {{ due }}.{% endif %}",
    "accept": "Hồ sơ {{ code }} đã được tiếp nhận.{% if due %} Hẹn trả: {{ due }}.{% endif %}",
    "refuse": "Hồ sơ {{ code }} không được tiếp nhận. Xem lý do: {{ lookup_url }}",
    "request-supplement": "Hồ sơ {{ code }} cần bổ sung giấy tờ. Chi tiết: {{ lookup_url }}",
    "request-payment": "Hồ sơ {{ code }}: đề nghị nộp {{ amount }}. Chi tiết: {{ lookup_url }}",
    "extend": "Xin lỗi ông/bà: hồ sơ {{ code }} được hẹn lại ngày trả {{ extended_due }}.",
    "stop": "Hồ sơ {{ code }} dừng giải quyết. Chi tiết: {{ lookup_url }}",
    "resolve": "Hồ sơ {{ code }} đã có kết quả. Chi tiết: {{ lookup_url }}",
    "return": "Hồ sơ {{ code }} đã trả kết quả.",
    "withdraw": "Hồ sơ {{ code }} đã được rút theo đề nghị.",
    "correct": "Kết quả hồ sơ {{ code }} đã được đính chính. Chi tiết: {{ lookup_url }}",
}
