"""Outbound sync through the outbox to the stand-in over HTTP: a dossier's whole life in
order with exact fields, session renewal, outages, refused records and their resend."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.models import AttachmentKind, Dossier
from motcua.dossiers.services import (
    dossier_forward,
    dossier_intake,
    dossier_request_supplement,
    dossier_resolve,
    dossier_return,
    dossier_supplement,
)
from motcua.dossiers.tests.files import pdf_bytes
from motcua.integrations.dvcqg.models import NationalSync, SyncState
from motcua.integrations.dvcqg.sync import national_resend
from motcua.integrations.dvcqg.tests.conftest import (
    APPLICANT,
    COMMUNE,
    DEPARTMENT,
    Province,
    drain,
    local,
)
from motcua.integrations.dvcqg.tests.standin import StandIn
from motcua.outbox.models import MessageStatus, OutboxMessage
from motcua.procedures.models import Procedure, RequiredDocument
from motcua.units.models import Unit

PDF = pdf_bytes("Tờ khai")


def _intake(province: Province, *, hour: int = 14, minute: int = 5, day: int = 1) -> Dossier:
    dossier, _ = dossier_intake(
        actor=province.users["desk"],
        procedure=Procedure.objects.get(code="1.001193"),
        unit=Unit.objects.get(code=COMMUNE),
        channel="counter",
        applicant=APPLICANT,
        summary="Đăng ký khai sinh cho con",
        documents=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
        at=local(2027, 3, day, hour, minute),
    )
    return dossier


def _life(province: Province, dossier: Dossier, *, day: int = 1) -> Dossier:
    users = province.users
    attachment_add(
        dossier=dossier,
        actor=users["desk"],
        upload=io.BytesIO(PDF),
        name="to-khai.pdf",
        kind=AttachmentKind.DOCUMENT,
        document_index=0,
    )
    dossier = dossier_forward(dossier=dossier, actor=users["desk"], at=local(2027, 3, day, 14, 10))
    dossier = dossier_forward(
        dossier=dossier, actor=users["specialist"], at=local(2027, 3, day, 14, 40)
    )
    attachment_add(
        dossier=dossier,
        actor=users["leader"],
        upload=io.BytesIO(PDF),
        name="giay-khai-sinh.pdf",
        kind=AttachmentKind.RESULT,
    )
    dossier = dossier_resolve(dossier=dossier, actor=users["leader"], at=local(2027, 3, day, 15, 5))
    return dossier_return(
        dossier=dossier, actor=users["desk"], method="counter", at=local(2027, 3, day, 16, 30)
    )


def test_a_dossiers_whole_life_arrives_in_order_with_exact_fields(
    province: Province, portal: StandIn
) -> None:
    dossier = _life(province, _intake(province))

    drain()

    held = portal.state()["dossiers"][dossier.code]
    assert portal.state()["rejected"] == []
    assert [(h["isUpdating"], h["record"]["TrangThaiHoSo"]) for h in held["history"]] == [
        (False, 2),
        (True, 4),
        (True, 9),
        (True, 10),
    ]
    assert [s["TrangThai"] for s in held["steps"]] == [2, 4, 4, 9, 10]
    assert [s["ThoiDiemXuLy"] for s in held["steps"]] == [
        "20270301140500",
        "20270301141000",
        "20270301144000",
        "20270301150500",
        "20270301163000",
    ]
    record = held["record"]
    assert {k: v for k, v in record.items() if k not in {"TaiLieuNop", "DanhSachGiayToKetQua"}} == {
        "MaHoSo": dossier.code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Đăng ký khai sinh",
        "MaDVC": "DVC.1.001193",
        "MaLinhVuc": "HT",
        "TenLinhVuc": "Hộ tịch",
        "KenhThucHien": 1,
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": "",
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "001203004567"}],
        "SoDienThoai": "0901234567",
        "Email": "an@example.vn",
        "DiaChi": "Số 1, xã Một",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con",
        "NgayNopHoSo": "20270301140500",
        "NgayTiepNhan": "20270301140500",
        "NgayHenTra": "20270301170000",  # same-day procedure before the 15:00 cutoff
        "TrangThaiHoSo": 10,
        "NgayTra": "20270301163000",
        "HinhThuc": 1,
        "NgayKetThucXuLy": "20270301150500",
        "NgayTuChoi": "",
        "NgayYeuCauBoSung": "",
        "DonViXuLy": COMMUNE,
        "HoSoCoThanhPhanSoHoa": 1,
        "TaiKhoanDuocXacThucVoiVNeID": 0,
        "DuocThanhToanTrucTuyen": 0,
        "DanhSachLePhi": [],
        "DanhSachHoSoBoSung": [],
    }
    (submitted,) = record["TaiLieuNop"]
    assert submitted["MaThanhPhanHoSo"] == "TP.HT.0101"
    assert submitted["DuocSoHoa"] == 1
    (result,) = record["DanhSachGiayToKetQua"]
    assert result["MaGiayToKetQua"] == "KQ.G07.000122"
    assert result["TenGiayTo"] == "Giấy khai sinh"
    # The officer, the role and the unit of each step.
    assert held["steps"][2]["NguoiXuLy"] == "Cán bộ specialist"
    assert held["steps"][2]["ChucDanh"] == "Chuyên viên"
    assert held["steps"][2]["PhongBanXuLy"] == "UBND xã Một"
    assert held["steps"][2]["NgayKetThucTheoQuyDinh"] == "20270301154000"  # + 1 working hour
    sync = NationalSync.objects.get(dossier=dossier)
    assert sync.state == SyncState.SYNCED
    assert sync.first_synced_at is not None
    assert sync.pending_since is None


def test_signed_links_download_the_file_and_expire(
    province: Province, portal: StandIn, api_client: Any, settings: Any
) -> None:
    _life(province, _intake(province))
    drain()
    (held,) = portal.state()["dossiers"].values()
    link = held["record"]["TaiLieuNop"][0]["DuongDanTaiTepTin"]
    path = link.removeprefix("http://testserver")

    response = api_client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    settings.MOTCUA_DVCQG_LINK_HOURS = 0
    assert api_client.get(path).status_code == 404
    assert api_client.get(path[:-3] + "xyz").status_code == 404


def test_supplement_is_reported_with_both_due_dates(province: Province, portal: StandIn) -> None:
    dossier = _intake(province, hour=9, minute=0)
    dossier = dossier_request_supplement(
        dossier=dossier, actor=province.users["desk"], items=["Giấy chứng sinh bản chính"],
        at=local(2027, 3, 1, 9, 30),
    )  # fmt: skip
    dossier_supplement(dossier=dossier, actor=province.users["desk"], at=local(2027, 3, 2, 8, 0))

    drain()

    held = portal.state()["dossiers"][dossier.code]
    assert [h["record"]["TrangThaiHoSo"] for h in held["history"]] == [2, 5, 2]
    assert held["history"][1]["record"]["NgayYeuCauBoSung"] == "20270301093000"
    (supplement,) = held["record"]["DanhSachHoSoBoSung"]
    assert supplement["NoiDungBoSung"] == "Giấy chứng sinh bản chính"
    assert supplement["NgayBoSung"] == "20270301093000"
    assert supplement["NgayTiepNhanBoSung"] == "20270302080000"
    assert supplement["NgayHenTraTruoc"] == "20270301170000"
    assert supplement["NgayHenTraMoi"] == "20270302170000"
    assert supplement["TrangThaiBoSung"] == 1


def test_an_expired_session_is_renewed(province: Province, portal: StandIn) -> None:
    first = _intake(province)
    drain()
    assert portal.state()["logins"] == 1

    portal.expire_sessions()
    second = _intake(province, minute=20)
    drain()

    state = portal.state()
    assert state["logins"] == 2
    assert {first.code, second.code} <= set(state["dossiers"])
    assert not OutboxMessage.objects.exclude(status=MessageStatus.DELIVERED).exists()


@pytest.mark.parametrize("mode", [{"outage": "refuse"}, {"outage": "drop"}, {"error_code": "99"}])
def test_an_outage_with_dozens_in_flight_loses_and_reorders_nothing(
    province: Province, portal: StandIn, mode: dict[str, Any]
) -> None:
    portal.outage = mode.get("outage")
    portal.error_code = mode.get("error_code")
    dossiers = [_intake(province, day=1 + i % 5, hour=8 + i % 6, minute=i) for i in range(30)]
    dossiers = [_life(province, d, day=1 + i % 5) for i, d in enumerate(dossiers)]
    drain(rounds=6, step=dt.timedelta(hours=1))  # hours of outage
    assert portal.state()["dossiers"] == {}
    assert NationalSync.objects.filter(state=SyncState.FAILING).count() == 30
    assert not OutboxMessage.objects.filter(status=MessageStatus.DEAD).exists()

    portal.outage = None
    portal.error_code = None
    drain()

    state = portal.state()
    assert len(state["dossiers"]) == 30
    for dossier in dossiers:
        held = state["dossiers"][dossier.code]
        assert [h["record"]["TrangThaiHoSo"] for h in held["history"]] == [2, 4, 9, 10]
        assert [s["TrangThai"] for s in held["steps"]] == [2, 4, 4, 9, 10]
    assert NationalSync.objects.filter(state=SyncState.SYNCED).count() == 30


def test_a_code_outside_the_province_is_never_sent(
    province: Province, portal: StandIn, settings: Any
) -> None:
    settings.MOTCUA_DVCQG_AGENCY = "000.00.00.H12"  # another province's gateway account
    portal.agency = "000.00.00.H12"
    dossier = _intake(province)

    drain()

    assert portal.state()["dossiers"] == {}
    sync = NationalSync.objects.get(dossier=dossier)
    assert sync.state == SyncState.INVALID
    assert "không thuộc tỉnh H12" in sync.last_error
    assert OutboxMessage.objects.filter(status=MessageStatus.DEAD).count() == 1


def test_a_missing_national_code_stops_the_dossier_until_fixed_and_resent(
    province: Province, portal: StandIn
) -> None:
    dossier, _ = dossier_intake(
        actor=province.users["dept_desk"],
        procedure=Procedure.objects.get(code="1.009972"),
        unit=Unit.objects.get(code=DEPARTMENT),
        channel="counter",
        applicant=APPLICANT,
        at=local(2027, 3, 1, 9, 0),
    )
    attachment_add(
        dossier=dossier, actor=province.users["dept_desk"], upload=io.BytesIO(PDF),
        name="don.pdf", kind=AttachmentKind.DOCUMENT, document_index=0,
    )  # fmt: skip
    dossier_forward(dossier=dossier, actor=province.users["dept_desk"], at=local(2027, 3, 1, 10))
    drain()

    sync = NationalSync.objects.get(dossier=dossier)
    assert sync.state == SyncState.INVALID
    assert "chưa có mã quốc gia" in sync.last_error
    # The intake went; the forward (with the file) is held, and so is the step behind it.
    held = portal.state()["dossiers"][dossier.code]
    assert [h["record"]["TrangThaiHoSo"] for h in held["history"]] == [2]
    assert held["history"][0]["record"]["DanhSachLePhi"][0]["MaPhiLePhi"] == "LP.XD.0001"
    assert len(held["steps"]) == 1

    RequiredDocument.objects.filter(procedure__code="1.009972").update(national_code="TP.XD.01")
    national_resend(dossier=dossier)
    drain()

    held = portal.state()["dossiers"][dossier.code]
    assert [h["record"]["TrangThaiHoSo"] for h in held["history"]] == [2, 4]
    assert held["record"]["TaiLieuNop"][0]["MaThanhPhanHoSo"] == "TP.XD.01"
    assert [s["TrangThai"] for s in held["steps"]] == [2, 4]
    assert NationalSync.objects.get(dossier=dossier).state == SyncState.SYNCED


def test_history_import_is_not_sent(province: Province, portal: StandIn) -> None:
    from motcua.dossiers.services import replaying

    with replaying():
        _intake(province)

    assert not OutboxMessage.objects.filter(channel="dvcqg").exists()


def test_without_a_portal_url_nothing_is_queued(province: Province) -> None:
    _intake(province)

    assert not OutboxMessage.objects.filter(channel="dvcqg").exists()
