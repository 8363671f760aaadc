"""Dossiers submitted on the national portal reach the desk's inbox (CONTRACT §8)."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.models import Attachment, Dossier, DossierEvent
from motcua.dossiers.tests.files import pdf_bytes
from motcua.integrations.dvcqg.models import NationalSync, Origin
from motcua.integrations.dvcqg.tests.conftest import COMMUNE, PASSWORD, Province, drain
from motcua.integrations.dvcqg.tests.standin import StandIn
from motcua.outbox.models import MessageStatus, OutboxMessage

PDF = pdf_bytes("Tờ khai")
CODE = f"{COMMUNE}-270301-9001"


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "MaHoSo": CODE,
        "MaTTHC": "1.001193",
        "DonViXuLy": COMMUNE,
        "KenhThucHien": 2,
        "ChuHoSo": "Trần Thị Bình",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": "DVCQG-778899",
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "079190001234"}],
        "SoDienThoai": "0912345678",
        "Email": "binh@example.vn",
        "DiaChi": "Số 2, xã Một",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con gái",
        "NgayNopHoSo": "20270301201500",
        "TaiKhoanDuocXacThucVoiVNeID": 1,
        "TaiLieuNop": [],
    }
    record.update(changes)
    return record


def _token(api_client: Any, username: str) -> None:
    response = api_client.post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201, response.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")


def test_a_dossier_submitted_on_the_portal_reaches_the_desks_inbox(
    province: Province, api_client: Any, portal: StandIn
) -> None:
    _token(api_client, "national")

    response = api_client.post("/api/v1/national/dossiers", _record(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == CODE
    assert body["status"] == "submitted"
    assert body["channel"] == "online"
    assert body["applicant"]["id_number"] == "079190001234"
    assert body["submitted_at"].startswith("2027-03-01T20:15:00+07:00")
    sync = NationalSync.objects.get(dossier__code=CODE)
    assert sync.origin == Origin.NATIONAL
    assert sync.national_account_id == "DVCQG-778899"
    assert sync.vneid_verified is True
    # The desk of the receiving unit sees it.
    api_client.credentials()
    _token(api_client, "desk")
    listed = api_client.get("/api/v1/dossiers", {"status": "submitted"}).json()
    assert [d["code"] for d in listed["results"]] == [CODE]


def test_the_same_mahoso_again_creates_nothing(
    province: Province, api_client: Any, portal: StandIn
) -> None:
    _token(api_client, "national")
    first = api_client.post("/api/v1/national/dossiers", _record(), format="json")
    again = api_client.post(
        "/api/v1/national/dossiers", _record(ChuHoSo="Người khác"), format="json"
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["applicant"]["name"] == "Trần Thị Bình"
    assert Dossier.objects.count() == 1
    assert DossierEvent.objects.count() == 1


def test_a_bad_record_gets_400_with_per_field_messages_and_changes_nothing(
    province: Province, api_client: Any, portal: StandIn
) -> None:
    _token(api_client, "national")
    bad = _record(
        MaHoSo="000.01.01.H12-270301-0001",  # another province
        MaTTHC="9.999999",
        NgayNopHoSo="20270301081560",  # not a time
        DinhDanhCHS=[{"LoaiDinhDanh": 1, "SoDinhDanh": "12345"}],
        KenhThucHien=1,
        ChuHoSo="",
    )

    response = api_client.post("/api/v1/national/dossiers", bad, format="json")

    assert response.status_code == 400
    body = response.json()
    assert "detail" in body
    assert set(body) >= {
        "MaHoSo",
        "MaTTHC",
        "NgayNopHoSo",
        "DinhDanhCHS",
        "KenhThucHien",
        "ChuHoSo",
    }
    assert body["MaHoSo"] == ["Mã hồ sơ không thuộc tỉnh này."]
    assert Dossier.objects.count() == 0
    assert not NationalSync.objects.exists()


@pytest.mark.parametrize("body", [[], "x", None, {"MaHoSo": ["list"]}])
def test_a_record_that_is_not_an_object_is_400(
    province: Province, api_client: Any, portal: StandIn, body: Any
) -> None:
    _token(api_client, "national")
    response = api_client.post("/api/v1/national/dossiers", body, format="json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_only_the_national_account_may_post(
    province: Province, api_client: Any, portal: StandIn
) -> None:
    assert api_client.post("/api/v1/national/dossiers", _record(), format="json").status_code in {
        401,
        403,
    }
    _token(api_client, "desk")
    assert api_client.post("/api/v1/national/dossiers", _record(), format="json").status_code == 403
    assert Dossier.objects.count() == 0


def test_submitted_files_are_fetched_checked_and_attached(
    province: Province, api_client: Any, portal: StandIn
) -> None:
    portal.files["to-khai.pdf"] = (PDF, "application/pdf")
    portal.files["virus.exe"] = (b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream")
    files = [
        {
            "TepDinhKemId": "1",
            "TenTepDinhKem": "to-khai.pdf",
            "MaThanhPhanHoSo": "TP.HT.0101",
            "DuongDanTaiTepTin": f"{portal.url}/files/to-khai.pdf",
            "DuocSoHoa": 0,
            "DuocTaiSuDung": 1,
            "DuocLayTuKhoDMQG": 1,
            "IsDeleted": 0,
        },
        {
            "TepDinhKemId": "2",
            "TenTepDinhKem": "chung-sinh.exe",
            "MaThanhPhanHoSo": "TP.HT.0102",
            "DuongDanTaiTepTin": f"{portal.url}/files/virus.exe",
            "DuocSoHoa": 0,
            "DuocTaiSuDung": 0,
            "DuocLayTuKhoDMQG": 0,
            "IsDeleted": 0,
        },
    ]
    _token(api_client, "national")

    response = api_client.post(
        "/api/v1/national/dossiers", _record(TaiLieuNop=files), format="json"
    )
    assert response.status_code == 201, response.content
    # The checklist marks what the portal received, before the files arrive.
    assert [d["received"] for d in response.json()["documents"]] == [True, True]
    drain()

    (stored,) = Attachment.objects.filter(dossier__code=CODE)
    assert stored.document_index == 0
    assert stored.content_type == "application/pdf"
    # The portal's flags are kept on the attachment (indicators 4.2–4.4 read them there).
    assert (stored.digitised, stored.reused, stored.from_national_store) == (False, True, True)
    sync = NationalSync.objects.get(dossier__code=CODE)
    states = {f["name"]: f["state"] for f in sync.inbound_files}
    assert states == {"to-khai.pdf": "stored", "chung-sinh.exe": "refused"}
    assert not OutboxMessage.objects.filter(
        channel="dvcqg-files", status=MessageStatus.PENDING
    ).exists()
    # Reported back as reused from the citizen's data store, as the portal said.
    held = portal.state()["dossiers"][CODE]
    assert held["history"][0]["isUpdating"] is False  # the portal did not hold it: sent new


def test_links_outside_the_portal_are_refused(
    province: Province, api_client: Any, portal: StandIn
) -> None:
    _token(api_client, "national")
    files = [
        {
            "TenTepDinhKem": "a.pdf",
            "MaThanhPhanHoSo": "TP.HT.0101",
            "DuongDanTaiTepTin": "http://169.254.169.254/latest/meta-data",
        }
    ]
    response = api_client.post(
        "/api/v1/national/dossiers", _record(TaiLieuNop=files), format="json"
    )
    assert response.status_code == 400
    assert "TaiLieuNop" in response.json()


def test_a_rating_from_the_portal_is_recorded_once(
    province: Province, api_client: Any, portal: StandIn
) -> None:
    from motcua.dossiers.services import (
        dossier_accept,
        dossier_forward,
        dossier_resolve,
        dossier_return,
    )
    from motcua.portal.models import Rating

    _token(api_client, "national")
    submitted = _record(NgayNopHoSo="20260105080000")  # before the actions taken now
    api_client.post("/api/v1/national/dossiers", submitted, format="json")
    dossier = Dossier.objects.get(code=CODE)
    users = province.users
    dossier = dossier_accept(dossier=dossier, actor=users["desk"])
    dossier = dossier_forward(dossier=dossier, actor=users["desk"])
    dossier = dossier_forward(dossier=dossier, actor=users["specialist"])
    dossier = dossier_resolve(dossier=dossier, actor=users["leader"])
    dossier_return(dossier=dossier, actor=users["desk"], method="online")

    rating = {"MaHoSo": CODE, "DiemDanhGia": 5, "NoiDung": "Nhanh"}
    first = api_client.post("/api/v1/national/ratings", rating, format="json")
    again = api_client.post("/api/v1/national/ratings", rating, format="json")
    bad = api_client.post(
        "/api/v1/national/ratings", {"MaHoSo": CODE, "DiemDanhGia": 9}, format="json"
    )

    assert (first.status_code, again.status_code, bad.status_code) == (201, 200, 400)
    assert "DiemDanhGia" in bad.json()
    assert Rating.objects.get(dossier=dossier).score == 5


def test_a_feedback_sent_on_the_portal_reaches_the_unit_once(
    province: Province, api_client: Any, portal: StandIn
) -> None:
    from motcua.feedback.models import Feedback

    _token(api_client, "national")
    api_client.post("/api/v1/national/dossiers", _record(), format="json")
    feedback = {
        "MaPAKN": "PAKN-2027-000123",
        "LoaiPAKN": 2,
        "NoiDung": "Cán bộ tiếp nhận hẹn trả kết quả nhưng không gọi lại.",
        "HoTen": "Trần Thị Bình",
        "SoDienThoai": "0912345678",
        "MaHoSo": CODE,
        "NgayGui": "20261201091000",
    }
    first = api_client.post("/api/v1/national/feedback", feedback, format="json")
    again = api_client.post("/api/v1/national/feedback", feedback, format="json")

    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json() == again.json()
    stored = Feedback.objects.get(national_code="PAKN-2027-000123")
    assert first.json()["code"] == stored.code
    # The unit that handles the dossier handles the feedback; its deadlines run from the
    # moment the citizen sent it on the portal.
    assert stored.unit.code == COMMUNE
    assert stored.dossier is not None and stored.dossier.code == CODE
    assert stored.category == "conduct"
    assert stored.received_at.isoformat() == "2026-12-01T02:10:00+00:00"
    # Anyone (the portal included) follows it by its MotCua code.
    api_client.credentials()
    public = api_client.get(f"/api/v1/feedback/{stored.code}")
    assert public.status_code == 200
    assert Feedback.objects.count() == 1


def test_a_bad_feedback_from_the_portal_is_refused_per_national_field(
    province: Province, api_client: Any
) -> None:
    from motcua.feedback.models import Feedback

    _token(api_client, "national")
    bad = api_client.post(
        "/api/v1/national/feedback",
        {"MaPAKN": "PAKN-1", "LoaiPAKN": 7, "NoiDung": "Ngắn", "NgayGui": "20270302251000"},
        format="json",
    )
    assert bad.status_code == 400
    assert {"LoaiPAKN", "NgayGui"} <= set(bad.json())
    unnamed = api_client.post(
        "/api/v1/national/feedback",
        {"MaPAKN": "PAKN-2", "NoiDung": "Đề nghị niêm yết lệ phí rõ ràng.", "MaHoSo": "X-1"},
        format="json",
    )
    assert unnamed.status_code == 400
    assert {"HoTen", "MaHoSo", "SoDienThoai"} <= set(unnamed.json())
    # Only the national portal's account may call it.
    api_client.credentials()
    _token(api_client, "desk")
    assert api_client.post("/api/v1/national/feedback", {}, format="json").status_code == 403
    assert Feedback.objects.count() == 0
