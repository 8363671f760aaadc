"""Hồ sơ của tôi: list, dossier page with timeline, supplement, payment, withdrawal,
result download and rating — each with its bad inputs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import (
    PDF,
    Place,
    not_a_pdf,
    pdf,
    submit,
    to_payment,
    to_returned,
    to_supplement,
)
from motcua.dossiers.models import Attachment, Dossier
from motcua.dossiers.services import dossier_accept
from motcua.integrations.models import Payment
from motcua.portal.models import Rating

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    return response.content.decode()


def test_list_shows_only_my_dossiers_with_status_and_due(
    place: Place, citizen_client: Client
) -> None:
    mine = submit(place)
    dossier_accept(dossier=mine, actor=place.users["desk"])
    theirs = submit(place, user=place.other_citizen)

    html = _html(citizen_client.get("/ho-so-cua-toi/"))

    assert mine.code in html
    assert theirs.code not in html
    assert "Được tiếp nhận" in html
    assert "17:00" in html  # the same-day due time


def test_list_query_count_is_fixed(
    place: Place, citizen_client: Client, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        submit(place)
    with django_assert_max_num_queries(8):
        citizen_client.get("/ho-so-cua-toi/")


def test_dossier_page_shows_the_timeline_and_someone_elses_is_404(
    place: Place, citizen_client: Client
) -> None:
    dossier = to_supplement(place, submit(place))

    html = _html(citizen_client.get(f"/ho-so-cua-toi/{dossier.code}/"))

    assert "Tiến trình xử lý" in html
    assert "Yêu cầu bổ sung" in html
    assert "Bản sao sổ hộ khẩu" in html
    assert f'href="/ho-so-cua-toi/{dossier.code}/bo-sung/"' in html
    assert (
        place.client_for(place.other_citizen).get(f"/ho-so-cua-toi/{dossier.code}/").status_code
        == 404
    )
    assert citizen_client.get("/ho-so-cua-toi/KHONG-CO/").status_code == 404


def test_supplement_uploads_every_item_and_restarts_the_clock(
    place: Place, citizen_client: Client
) -> None:
    dossier = to_supplement(place, submit(place))
    url = f"/ho-so-cua-toi/{dossier.code}/bo-sung/"
    page = _html(citizen_client.get(url))
    assert "Bản sao sổ hộ khẩu" in page and "Ảnh 4x6" in page

    response = citizen_client.post(
        url,
        {
            "item_0": pdf("so-ho-khau.pdf"),
            "item_1": pdf("anh.pdf"),
            "note": "Đã bổ sung",
            "version": dossier.version,
        },
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "received"
    assert dossier.due_at is not None
    supplements = Attachment.objects.filter(dossier=dossier, kind="supplement")
    assert supplements.count() == 2
    last = dossier.events.order_by("-seq").first()
    assert last is not None and last.action == "supplement"
    assert sorted(last.data["attachments"]) == sorted(a.pk for a in supplements)


def test_supplement_bad_inputs_save_nothing(
    place: Place, citizen_client: Client, settings: Any
) -> None:
    dossier = to_supplement(place, submit(place))
    url = f"/ho-so-cua-toi/{dossier.code}/bo-sung/"

    missing = citizen_client.post(
        url, {"item_0": pdf(), "note": "ghi chú giữ lại", "version": dossier.version}
    )
    assert missing.status_code == 400
    assert "Chọn tệp cho giấy tờ này." in _html(missing)
    assert "ghi chú giữ lại" in _html(missing)

    wrong = citizen_client.post(
        url, {"item_0": pdf(), "item_1": not_a_pdf(), "version": dossier.version}
    )
    assert "không đúng định dạng" in _html(wrong)
    assert 'aria-invalid="true"' in _html(wrong)

    settings.MOTCUA_MAX_UPLOAD_MB = 0
    big = citizen_client.post(url, {"item_0": pdf(), "item_1": pdf(), "version": dossier.version})
    assert "lớn hơn 0 MB" in _html(big)
    settings.MOTCUA_MAX_UPLOAD_MB = 20

    stale = citizen_client.post(
        url, {"item_0": pdf(), "item_1": pdf(), "version": dossier.version - 1}
    )
    assert stale.status_code == 400
    assert "người khác cập nhật" in _html(stale)

    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"
    assert not Attachment.objects.filter(dossier=dossier, kind="supplement").exists()


def test_supplement_page_when_nothing_is_asked_goes_back(
    place: Place, citizen_client: Client
) -> None:
    dossier = submit(place)

    response = citizen_client.get(f"/ho-so-cua-toi/{dossier.code}/bo-sung/")

    assert response.status_code == 302


def test_payment_through_the_sandbox_confirms_the_payment(
    place: Place, citizen_client: Client
) -> None:
    dossier = to_payment(place, submit(place), amount=50000)
    page = citizen_client.get(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    assert "THANH TOÁN THỬ NGHIỆM" in _html(page)
    assert "50.000 đồng" in _html(page)  # money as Vietnamese write it (core.numbers)

    start = citizen_client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    assert start.status_code == 302
    gateway = citizen_client.get(start["Location"])
    assert "THANH TOÁN THỬ NGHIỆM" in _html(gateway)

    back = citizen_client.post(start["Location"], {"pay": "1"})
    done = citizen_client.get(back["Location"], follow=True)

    assert "Thanh toán thành công" in _html(done)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.payment_state) == ("processing", "paid")
    event = dossier.events.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor) == ("confirm-payment", place.citizen)
    assert event.data["reference"].startswith("sandbox:MC")
    assert Payment.objects.get().status == "paid"


def test_payment_cancel_and_tampered_return(place: Place, citizen_client: Client) -> None:
    dossier = to_payment(place, submit(place))
    start = citizen_client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    back = citizen_client.post(start["Location"], {"cancel": "1"})
    tampered = back["Location"].replace("status=cancelled", "status=paid")

    refused = citizen_client.get(tampered)
    assert refused.status_code == 400
    assert "Chữ ký của cổng thanh toán không hợp lệ." in _html(refused)

    cancelled = citizen_client.get(back["Location"], follow=True)
    assert "hủy thanh toán" in _html(cancelled)
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_payment"


def test_payment_is_refused_when_nothing_is_due(place: Place, citizen_client: Client) -> None:
    dossier = submit(place)

    assert citizen_client.get(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/").status_code == 302
    response = citizen_client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    assert response.status_code == 409
    assert "không có khoản phí" in _html(response)


def test_withdraw_asks_for_confirmation_then_withdraws(
    place: Place, citizen_client: Client
) -> None:
    dossier = submit(place)
    url = f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/"

    confirm = citizen_client.get(url)
    assert "Rút hồ sơ?" in _html(confirm)
    dossier.refresh_from_db()
    assert dossier.status == "submitted"

    stale = citizen_client.post(url, {"version": dossier.version + 5})
    assert stale.status_code == 409

    done = citizen_client.post(url, {"version": dossier.version, "note": "Nộp nhầm"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn"
    assert citizen_client.get(url).status_code == 302  # final: nothing to confirm


def test_result_download_only_after_online_return(place: Place, citizen_client: Client) -> None:
    dossier = submit(place)
    returned = to_returned(place, dossier, method="online")
    result = Attachment.objects.get(dossier=returned, kind="result")

    html = _html(citizen_client.get(f"/ho-so-cua-toi/{dossier.code}/"))
    assert "Kết quả giải quyết" in html
    response = citizen_client.get(f"/ho-so-cua-toi/{dossier.code}/tep/{result.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]

    other = submit(place)
    at_counter = to_returned(place, other, method="counter")
    counter_result = Attachment.objects.get(dossier=at_counter, kind="result")
    assert (
        citizen_client.get(f"/ho-so-cua-toi/{other.code}/tep/{counter_result.pk}/").status_code
        == 404
    )
    assert (
        place.client_for(place.other_citizen)
        .get(f"/ho-so-cua-toi/{dossier.code}/tep/{result.pk}/")
        .status_code
        == 404
    )


def test_rating_once_after_return(place: Place, citizen_client: Client) -> None:
    dossier = submit(place)
    early = citizen_client.post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"score": "5"}, follow=True
    )
    assert "Chỉ đánh giá được sau khi hồ sơ đã trả kết quả." in _html(early)

    to_returned(place, dossier)
    page = _html(citizen_client.get(f"/ho-so-cua-toi/{dossier.code}/"))
    assert "Đánh giá mức độ hài lòng" in page

    bad = citizen_client.post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"score": "9", "comment": "giữ lại"}
    )
    assert bad.status_code == 400
    assert "Chọn mức hài lòng từ 1 đến 5." in _html(bad)
    assert "giữ lại" in _html(bad)

    citizen_client.post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"score": "4", "comment": "Nhanh"}
    )
    twice = citizen_client.post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"score": "1"}, follow=True
    )

    assert "đã được đánh giá" in _html(twice)
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.score, rating.comment, rating.user) == (4, "Nhanh", place.citizen)


def test_all_citizen_pages_need_login(place: Place, client: Client) -> None:
    dossier: Dossier = submit(place)
    for url in (
        "/ho-so-cua-toi/",
        f"/ho-so-cua-toi/{dossier.code}/",
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_a_result_changed_on_disk_is_refused_with_a_message(
    place: Place, citizen_client: Client
) -> None:
    dossier = submit(place)
    returned = to_returned(place, dossier, method="online")
    result = Attachment.objects.get(dossier=returned, kind="result")
    url = f"/ho-so-cua-toi/{dossier.code}/tep/{result.pk}/"
    assert citizen_client.get(url).status_code == 200
    with result.file.open("wb") as handle:  # changed behind MotCua's back
        handle.write(PDF.replace(b"%%EOF", b"% changed\n%%EOF"))

    response = citizen_client.get(url, follow=True)
    assert response.redirect_chain == [(f"/ho-so-cua-toi/{dossier.code}/", 302)]
    html = _html(response)
    assert "SHA-256 không khớp" in html
    assert b"changed" not in response.content
