"""The online submission wizard: place and case, applicant (pre-filled), documents with the
checklist, review, submit; receipt with QR code; bad input and double submission."""

from __future__ import annotations

from typing import Any

import pytest
import zxingcpp  # type: ignore[import-untyped]
from django.core import mail
from django.core.files.storage import default_storage
from django.test import Client

from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import (
    COMMUNE,
    PHONE,
    Place,
    not_a_pdf,
    pdf,
)
from motcua.dossiers.models import Attachment, Dossier, IdempotencyKey
from motcua.portal import wizard
from motcua.procedures.models import Procedure

pytestmark = pytest.mark.django_db
BIRTH = "/thu-tuc/1.001193/nop-truc-tuyen/"


def _html(response: Any) -> str:
    return response.content.decode()


def _through_applicant(client: Client, base: str = BIRTH, **place: str) -> None:
    assert client.post(base, place or {"unit": COMMUNE}).status_code == 302
    response = client.post(
        base + "nguoi-nop/",
        {
            "name": "Nguyễn Văn An",
            "id_number": "001203004567",
            "phone": PHONE,
            "email": "an@example.vn",
            "address": "Số 1, xã Một",
            "summary": "Đăng ký khai sinh cho con",
        },
    )
    assert response.status_code == 302, _html(response)


def _wizard_to_review(client: Client) -> None:
    _through_applicant(client)
    response = client.post(
        BIRTH + "giay-to/",
        {"doc_0": pdf("to-khai.pdf"), "doc_1": pdf("chung-sinh.pdf"), "next": "1"},
    )
    assert response.status_code == 302, _html(response)
    assert response["Location"] == BIRTH + "xem-lai/"


def _wizard_id(client: Client) -> str:
    return str(client.session[wizard.SESSION_KEY]["1.001193"]["id"])


def test_procedure_page_offers_online_submission_only_when_online(
    place: Place, client: Client
) -> None:
    assert 'href="/thu-tuc/1.001193/nop-truc-tuyen/"' in _html(client.get("/thu-tuc/1.001193/"))
    assert "Nộp hồ sơ trực tuyến" in _html(client.get("/thu-tuc/1.009972/"))  # partial: offered
    Procedure.objects.filter(code="1.009972").update(online="none")

    assert "Nộp hồ sơ trực tuyến" not in _html(client.get("/thu-tuc/1.009972/"))


def test_wizard_needs_login(place: Place, client: Client) -> None:
    response = client.get(BIRTH)

    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


def test_wizard_is_404_for_a_procedure_not_offered_online(
    place: Place, citizen_client: Client
) -> None:
    Procedure.objects.filter(code="1.009972").update(online="none")

    assert citizen_client.get("/thu-tuc/1.009972/nop-truc-tuyen/").status_code == 404
    assert citizen_client.get("/thu-tuc/khong-co/nop-truc-tuyen/").status_code == 404


def test_full_submission_creates_one_submitted_dossier_with_its_files(
    place: Place, citizen_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    prefilled = citizen_client.get(BIRTH + "nguoi-nop/")
    assert prefilled.status_code == 302  # the place comes first
    assert citizen_client.post(BIRTH, {"unit": COMMUNE}).status_code == 302
    prefilled = _html(citizen_client.get(BIRTH + "nguoi-nop/"))
    assert 'value="Nguyễn Văn An"' in prefilled
    assert 'value="001203004567"' in prefilled
    assert 'value="0901234567"' in prefilled

    _wizard_to_review(citizen_client)
    review = citizen_client.get(BIRTH + "xem-lai/")
    assert "to-khai.pdf" in _html(review)
    wid = _wizard_id(citizen_client)

    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(BIRTH + "xem-lai/", {"confirm": "on", "wizard": wid})

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.code}/bien-nhan/"
    assert (dossier.status, dossier.channel, dossier.applicant_user) == (
        "submitted",
        "online",
        place.citizen,
    )
    assert dossier.summary == "Đăng ký khai sinh cho con"
    assert [d["received"] for d in dossier.documents] == [True, True, False]
    files = list(Attachment.objects.filter(dossier=dossier).order_by("document_index"))
    assert [(a.document_index, a.kind) for a in files] == [(0, "document"), (1, "document")]
    # The temporary area is emptied and the e-mail receipt went out.
    assert (
        not default_storage.exists(f"tmp/wizard/{wid}")
        or not default_storage.listdir(f"tmp/wizard/{wid}")[1]
    )
    assert any(dossier.code in m.subject for m in mail.outbox)


def test_receipt_shows_code_time_and_a_qr_code_of_the_lookup_url(
    place: Place, citizen_client: Client, settings: Any
) -> None:
    _wizard_to_review(citizen_client)
    response = citizen_client.post(
        BIRTH + "xem-lai/", {"confirm": "on", "wizard": _wizard_id(citizen_client)}, follow=True
    )

    html = _html(response)
    dossier = Dossier.objects.get()
    assert dossier.code in html
    assert "Đăng ký khai sinh" in html
    assert "Trong ngày" in html
    url = f"{settings.SITE_URL}/tra-cuu/?code={dossier.code}"
    assert url in html
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert _decode_svg(svg) == url


def _decode_svg(svg: str) -> str:
    """Render the SVG path modules onto a bitmap and decode it with zxing-cpp."""
    import re

    from PIL import Image, ImageDraw

    size = re.search(r'width="([\d.]+)mm"', svg)
    assert size
    path = re.search(r' d="([^"]+)"', svg)
    assert path
    scale = 4
    width = int(float(size.group(1)) * scale) + 8
    image = Image.new("L", (width, width), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in _rects(path.group(1)):
        draw.rectangle([x * scale, y * scale, (x + w) * scale - 1, (y + h) * scale - 1], fill=0)
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found"
    return str(results[0].text)


def _rects(d: str) -> list[tuple[float, float, float, float]]:
    """The squares of qrcode's SvgPathImage: ``M x y h w v h H x z`` per module run."""
    import re

    rects = []
    for m in re.finditer(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H([\d.]+)z", d):
        x, y, x2, y2, _ = (float(v) for v in m.groups())
        rects.append((x, y, x2 - x, y2 - y))
    if not rects:
        for m in re.finditer(r"M\s*([\d.]+)[ ,]([\d.]+)\s*h\s*([\d.]+)\s*v\s*([\d.]+)", d):
            x, y, w, h = (float(v) for v in m.groups())
            rects.append((x, y, w, h))
    assert rects, d[:200]
    return rects


def test_double_submit_and_refresh_make_one_dossier(place: Place, citizen_client: Client) -> None:
    _wizard_to_review(citizen_client)
    wid = _wizard_id(citizen_client)
    # Two clicks racing: both carry the same wizard state (copy the session's view of it).
    state = dict(citizen_client.session[wizard.SESSION_KEY]["1.001193"])

    first = citizen_client.post(BIRTH + "xem-lai/", {"confirm": "on", "wizard": wid})
    again = citizen_client.post(BIRTH + "xem-lai/", {"confirm": "on", "wizard": wid})
    replay, created = wizard.wizard_submit(
        user=place.citizen, procedure=place.procedure("1.001193"), state=state
    )

    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Dossier.objects.count() == 1
    assert not created and replay.code == Dossier.objects.get().code
    assert Attachment.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_place_step_requires_a_unit_and_the_case(place: Place, citizen_client: Client) -> None:
    base = "/thu-tuc/3.000001/nop-truc-tuyen/"
    response = citizen_client.post(base, {})
    html = _html(response)
    assert "Chọn nơi nộp hồ sơ." in html
    assert "Chọn trường hợp của bạn." in html

    bad = citizen_client.post(base, {"unit": "000.00.01.T01", "case": "khong-co"})
    assert "Chọn một nơi trong danh sách." in _html(bad)
    assert "Chọn một trường hợp trong danh sách." in _html(bad)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12ab", "Số điện thoại không hợp lệ"),
        ("id_number", "12345", "Số CCCD gồm 12 chữ số"),
        ("email", "an@", "Địa chỉ thư điện tử không hợp lệ."),
        ("name", "", "Vui lòng nhập thông tin này."),
        ("phone", "", "Vui lòng nhập thông tin này."),
    ],
)
def test_applicant_bad_input_is_shown_beside_the_field_with_input_kept(
    place: Place, citizen_client: Client, field: str, value: str, message: str
) -> None:
    citizen_client.post(BIRTH, {"unit": COMMUNE})
    data = {
        "name": "Nguyễn Văn An",
        "id_number": "001203004567",
        "phone": PHONE,
        "email": "an@example.vn",
        "address": "Thôn Ba",
        "summary": "Trích yếu giữ lại",
    }
    data[field] = value

    response = citizen_client.post(BIRTH + "nguoi-nop/", data)

    html = _html(response)
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert "Trích yếu giữ lại" in html
    assert 'value="Thôn Ba"' in html
    assert "applicant" not in citizen_client.session[wizard.SESSION_KEY]["1.001193"]


def test_documents_step_lists_what_is_missing_and_refuses_bad_files(
    place: Place, citizen_client: Client, settings: Any
) -> None:
    _through_applicant(citizen_client)
    page = _html(citizen_client.get(BIRTH + "giay-to/"))
    assert "Còn thiếu 2 giấy tờ bắt buộc" in page

    wrong = citizen_client.post(
        BIRTH + "giay-to/", {"doc_0": not_a_pdf(), "doc_1": pdf(), "next": "1"}
    )
    assert wrong.status_code == 400
    html = _html(wrong)
    assert 'id="doc_0-error"' in html
    assert "không đúng định dạng" in html
    assert "Còn thiếu 1 giấy tờ bắt buộc" in html  # the good file was kept
    assert "chung-sinh.pdf" not in html or "to-khai.pdf" in html

    settings.MOTCUA_MAX_UPLOAD_MB = 0
    too_big = citizen_client.post(BIRTH + "giay-to/", {"doc_0": pdf(), "next": "1"})
    assert "lớn hơn 0 MB" in _html(too_big)
    settings.MOTCUA_MAX_UPLOAD_MB = 20

    missing = citizen_client.post(BIRTH + "giay-to/", {"next": "1"})
    assert missing.status_code == 400
    assert "Giấy tờ bắt buộc: hãy chọn tệp." in _html(missing)

    skip = citizen_client.get(BIRTH + "xem-lai/")
    assert skip.status_code == 302
    assert skip["Location"] == BIRTH + "giay-to/"
    assert Dossier.objects.count() == 0


def test_a_file_can_be_replaced_or_removed(place: Place, citizen_client: Client) -> None:
    _through_applicant(citizen_client)
    citizen_client.post(BIRTH + "giay-to/", {"doc_2": pdf("khac.pdf")})
    state = citizen_client.session[wizard.SESSION_KEY]["1.001193"]
    path = state["files"]["2"][0]["path"]
    assert default_storage.exists(path)

    citizen_client.post(BIRTH + "giay-to/", {"remove_2": "0"})

    assert "2" not in citizen_client.session[wizard.SESSION_KEY]["1.001193"]["files"]
    assert not default_storage.exists(path)


def test_a_document_takes_several_files_each_tied_to_it(
    place: Place, citizen_client: Client
) -> None:
    _through_applicant(citizen_client)
    citizen_client.post(
        BIRTH + "giay-to/", {"doc_0": [pdf("to-khai-1.pdf"), pdf("to-khai-2.pdf")], "doc_1": pdf()}
    )
    state = citizen_client.session[wizard.SESSION_KEY]["1.001193"]
    assert [f["name"] for f in state["files"]["0"]] == ["to-khai-1.pdf", "to-khai-2.pdf"]
    page = _html(citizen_client.get(BIRTH + "giay-to/"))
    assert "Đã tải lên 2 tệp" in page and "Bản chính" in page
    citizen_client.post(BIRTH + "xem-lai/", {"confirm": "on", "wizard": state["id"]})
    dossier = Dossier.objects.get()
    tied = sorted(dossier.attachments.values_list("document_index", "name"))
    assert tied == [(0, "to-khai-1.pdf"), (0, "to-khai-2.pdf"), (1, "to-khai.pdf")]
    intake = dossier.events.get(action="intake")
    assert [(f["document"], f["name"]) for f in intake.data["files"]] == [
        (0, "to-khai-1.pdf"),
        (0, "to-khai-2.pdf"),
        (1, "to-khai.pdf"),
    ]


def test_review_without_the_pledge_comes_back(place: Place, citizen_client: Client) -> None:
    _wizard_to_review(citizen_client)

    response = citizen_client.post(BIRTH + "xem-lai/", {"wizard": _wizard_id(citizen_client)})

    assert response.status_code == 400
    assert "Đánh dấu ô cam đoan trước khi nộp." in _html(response)
    assert Dossier.objects.count() == 0


def test_a_failing_attachment_leaves_no_dossier(place: Place, citizen_client: Client) -> None:
    _wizard_to_review(citizen_client)
    session = citizen_client.session
    state = session[wizard.SESSION_KEY]["1.001193"]
    # The kept file was replaced on disk by something that is not a PDF.
    default_storage.delete(state["files"]["1"][0]["path"])
    default_storage.save(state["files"]["1"][0]["path"], not_a_pdf())

    response = citizen_client.post(BIRTH + "xem-lai/", {"confirm": "on", "wizard": state["id"]})

    assert response.status_code == 400
    assert "Chưa nộp được hồ sơ" in _html(response)
    assert Dossier.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


def test_changing_the_case_drops_uploads_made_for_the_old_one(
    place: Place, citizen_client: Client
) -> None:
    base = "/thu-tuc/3.000001/nop-truc-tuyen/"
    _through_applicant(citizen_client, base, unit=COMMUNE, case="lan-dau")
    citizen_client.post(base + "giay-to/", {"doc_0": pdf()})
    assert citizen_client.session[wizard.SESSION_KEY]["3.000001"]["files"]

    citizen_client.post(base, {"unit": COMMUNE, "case": "cap-lai"})

    assert not citizen_client.session[wizard.SESSION_KEY]["3.000001"]["files"]


def test_receipt_of_someone_else_is_404(place: Place) -> None:
    from motcua.accounts.tests.fixtures import submit

    dossier = submit(place)
    other = place.client_for(place.other_citizen)

    assert other.get(f"/ho-so-cua-toi/{dossier.code}/bien-nhan/").status_code == 404
