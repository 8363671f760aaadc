"""Help for citizens, one page per task (Vietnamese)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from motcua.dossiers.models import FINAL_STATUSES, NATIONAL_STATUS, Status

TOPICS = {
    "nop-ho-so": _("Cách nộp hồ sơ trực tuyến"),
    "theo-doi": _("Cách theo dõi, tra cứu hồ sơ"),
    "bo-sung": _("Cách bổ sung hồ sơ khi được yêu cầu"),
    "thanh-toan": _("Cách thanh toán phí, lệ phí trực tuyến"),
    "trang-thai": _("Ý nghĩa các trạng thái hồ sơ"),
    "tai-khoan": _("Tài khoản: đăng ký, đăng nhập, quên mật khẩu"),
}

STATUS_MEANING = {
    Status.SUBMITTED: _("Bạn đã nộp trực tuyến; cán bộ một cửa đang kiểm tra để tiếp nhận."),
    Status.RECEIVED: _("Hồ sơ hợp lệ đã được tiếp nhận; thời hạn giải quyết bắt đầu tính."),
    Status.REFUSED: _("Hồ sơ không được tiếp nhận; lý do ghi trong phiếu từ chối."),
    Status.PROCESSING: _("Cơ quan chuyên môn đang thẩm định, xử lý."),
    Status.SUPPLEMENT_REQUESTED: _(
        "Cần bổ sung, hoàn thiện giấy tờ; thời hạn tạm dừng cho đến khi bạn bổ sung."
    ),
    Status.AWAITING_PAYMENT: _("Cần nộp phí, lệ phí hoặc nghĩa vụ tài chính; thời hạn tạm dừng."),
    Status.WITHDRAWN: _("Bạn đã rút hồ sơ."),
    Status.STOPPED: _("Cơ quan dừng giải quyết; lý do ghi trong thông báo."),
    Status.RESOLVED: _("Đã có kết quả; chờ trả kết quả cho bạn."),
    Status.RETURNED: _("Đã trả kết quả. Mời bạn đánh giá mức độ hài lòng."),
}


@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help/index.html", {"topics": TOPICS})


@require_GET
def help_topic(request: HttpRequest, topic: str) -> HttpResponse:
    if topic not in TOPICS:
        raise Http404
    statuses = [
        (s, s.label, NATIONAL_STATUS[s], s in FINAL_STATUSES, STATUS_MEANING[s]) for s in Status
    ]
    return render(
        request,
        f"portal/help/{topic}.html",
        {"topic": topic, "title": TOPICS[topic], "topics": TOPICS, "statuses": statuses},
    )
