"""The field mapping: 24-hour local dates, statuses never collapsed, codes of the province,
national codes required; and the client's handling of the portal's failures."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from motcua.dossiers.models import NATIONAL_STATUS, Status
from motcua.integrations.dvcqg.client import PortalClient, PortalConfig, PortalUnavailable
from motcua.integrations.dvcqg.mapping import (
    DOSSIER_FIELDS,
    STEP_FIELDS,
    Codes,
    RecordInvalid,
    code_in_province,
    dossier_record,
    from_national_date,
    national_date,
)
from motcua.integrations.dvcqg.tests.standin import DOSSIER_KEYS, STEP_KEYS, StandIn
from motcua.procedures.catalog import CatalogError, catalog_export, catalog_import

UTC = dt.UTC
CODES = Codes(
    procedure="1.001193",
    procedure_name="Đăng ký khai sinh",
    field_code="HT",
    field_name="Hộ tịch",
    agency="000.01.01.H99",
    result="KQ.G07.000122",
    result_name="Giấy khai sinh",
    documents={0: "TP.HT.0101"},
)
SNAPSHOT: dict[str, Any] = {
    "seq": 1,
    "action": "intake",
    "code": "000.01.01.H99-270301-0001",
    "procedure": "1.001193",
    "case_code": "",
    "unit": "000.01.01.H99",
    "channel": "counter",
    "origin": "motcua",
    "applicant": {
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "id_number": "001203004567",
        "phone": "",
        "email": "",
        "address": "",
        "national_account_id": "",
        "type_code": None,
        "identifiers": [],
        "vneid": False,
    },
    "summary": "",
    "documents": [{"index": 0, "name": "Tờ khai"}],
    "status": "received",
    "submitted_at": None,
    "received_at": "2027-03-01T07:05:00+00:00",
    "due_at": "2027-03-01T10:00:00+00:00",
    "extended_due_at": None,
    "resolved_at": None,
    "returned_at": None,
    "closed_at": None,
    "refused_at": None,
    "supplement_requested_at": None,
    "return_method": "",
    "outcome": "",
    "fee_amount": 0,
    "payment_state": "none",
    "payment_channel": 0,
    "supplements": [],
    "files": [],
}


def test_dates_are_local_24_hour_yyyymmddhhmmss() -> None:
    afternoon = dt.datetime(2027, 3, 1, 7, 5, 9, tzinfo=UTC)  # 14:05:09 in Hà Nội
    assert national_date(afternoon) == "20270301140509"
    assert national_date(dt.datetime(2027, 3, 1, 17, 0, tzinfo=UTC)) == "20270302000000"
    assert national_date(None) == ""
    assert from_national_date("20270301140509") == afternoon
    assert from_national_date("20270301250000") is None
    assert from_national_date("2027030114050") is None


@pytest.mark.parametrize("status", list(Status))
def test_every_status_keeps_its_own_code(status: Status) -> None:
    snapshot = copy.deepcopy(SNAPSHOT) | {"status": status.value}
    record = dossier_record(snapshot, codes=CODES, agency="000.00.00.H99")
    assert record["TrangThaiHoSo"] == NATIONAL_STATUS[status]
    assert len(set(NATIONAL_STATUS.values())) == 10


def test_the_tables_name_exactly_the_fields_the_portal_checks() -> None:
    assert [row.name for row in DOSSIER_FIELDS] == list(DOSSIER_KEYS)
    assert [row.name for row in STEP_FIELDS] == list(STEP_KEYS)


def test_a_code_must_belong_to_the_province() -> None:
    assert code_in_province("000.01.01.H99-270301-0001", "000.00.00.H99")
    assert not code_in_province("000.01.01.H12-270301-0001", "000.00.00.H99")
    assert not code_in_province("HS-2019-0001", "000.00.00.H99")
    with pytest.raises(RecordInvalid, match="không thuộc tỉnh H12"):
        dossier_record(copy.deepcopy(SNAPSHOT), codes=CODES, agency="000.00.00.H12")


def test_missing_national_codes_are_named() -> None:
    snapshot = copy.deepcopy(SNAPSHOT) | {
        "fee_amount": 50000,
        "files": [
            {"id": 1, "name": "a.pdf", "kind": "document", "document_index": 1},
            {"id": 2, "name": "kq.pdf", "kind": "result", "document_index": None},
        ],
    }
    codes = copy.deepcopy(CODES)
    codes.result = ""
    codes.agency = "H99"
    with pytest.raises(RecordInvalid) as caught:
        dossier_record(snapshot, codes=codes, agency="000.00.00.H99")
    text = str(caught.value)
    assert "DonViXuLy" in text
    assert "mã phí, lệ phí" in text
    assert "mã kết quả" in text
    assert "“a.pdf”" in text


def test_the_summary_is_cut_to_the_portals_limit() -> None:
    snapshot = copy.deepcopy(SNAPSHOT) | {"summary": "x" * 1500}
    record = dossier_record(snapshot, codes=CODES, agency="000.00.00.H99")
    assert len(record["TrichYeuHoSo"]) == 1000


def test_the_stand_in_refuses_a_12_hour_clock_and_a_collapsed_status() -> None:
    standin = StandIn()
    record = dossier_record(copy.deepcopy(SNAPSHOT), codes=CODES, agency="000.00.00.H99")
    assert standin.check_dossier(record) == {}
    assert "NgayTiepNhan" in standin.check_dossier(record | {"NgayTiepNhan": "2027030102 05PM"})
    assert "NgayKetThucXuLy" in standin.check_dossier(record | {"TrangThaiHoSo": 9})
    assert "Thừa" in standin.check_dossier(record | {"Thừa": 1})


# ---------------------------------------------------------------------------- the client


@pytest.fixture
def standin() -> Any:
    portal = StandIn().serve()
    yield portal
    portal.stop()


def _client(standin: StandIn, **changes: Any) -> PortalClient:
    config = PortalConfig(
        url=standin.url,
        username=standin.username,
        password=standin.password,
        agency=standin.agency,
        timeout=1.0,
    )
    return PortalClient(PortalConfig(**{**config.__dict__, **changes}))


def test_the_client_logs_in_once_and_renews_an_expired_session(standin: StandIn) -> None:
    client = _client(standin)
    client.call("TraCuuHoSo", [{"MaHoSo": "x"}])
    client.call("TraCuuHoSo", [{"MaHoSo": "x"}])
    assert client.logins == 1
    standin.expire_sessions()
    client.call("TraCuuHoSo", [{"MaHoSo": "x"}])
    assert client.logins == 2


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ({"outage": "refuse"}, "HTTP 503"),
        ({"outage": "drop"}, "Không kết nối được"),
        ({"slow": 1.5}, "hết thời gian chờ"),
        ({"error_code": "99"}, "error_code 99"),
    ],
)
def test_every_failure_of_the_portal_is_retryable(
    standin: StandIn, mode: dict[str, Any], message: str
) -> None:
    client = _client(standin)
    client.login()
    standin.outage = mode.get("outage")
    standin.slow = mode.get("slow", 0)
    standin.error_code = mode.get("error_code")
    with pytest.raises(PortalUnavailable, match=message):
        client.call("TraCuuHoSo", [{"MaHoSo": "x"}])


def test_wrong_credentials_are_reported(standin: StandIn) -> None:
    with pytest.raises(PortalUnavailable, match="Đăng nhập"):
        _client(standin, password="sai").call("TraCuuHoSo", [{"MaHoSo": "x"}])


# ---------------------------------------------------------------------------- catalogue


def test_national_codes_round_trip_through_the_catalogue(db: None) -> None:
    from motcua.integrations.dvcqg.tests.conftest import CATALOG

    catalog_import(copy.deepcopy(CATALOG))
    exported = catalog_export()
    birth = next(p for p in exported["procedures"] if p["code"] == "1.001193")
    assert birth["result_code"] == "KQ.G07.000122"
    assert birth["online_service_code"] == "DVC.1.001193"
    assert [d["national_code"] for d in birth["documents"]] == ["TP.HT.0101", "TP.HT.0102"]
    permit = next(p for p in exported["procedures"] if p["code"] == "1.009972")
    assert permit["fee"]["code"] == "LP.XD.0001"
    assert catalog_import(exported).changed is False


def test_a_bad_national_code_is_refused_with_its_path(db: None) -> None:
    from motcua.integrations.dvcqg.tests.conftest import CATALOG

    data = copy.deepcopy(CATALOG)
    data["procedures"][0]["result_code"] = "KQ G07"
    data["procedures"][0]["documents"][1]["national_code"] = ["x"]
    data["units"][0]["national_code"] = "bad code"
    with pytest.raises(CatalogError) as caught:
        catalog_import(data)
    assert sorted(caught.value.errors) == [
        "procedures[0].documents[1].national_code: \"['x']\" is not a valid national code",
        'procedures[0].result_code: "KQ G07" is not a valid national code',
        'units[0].national_code: "bad code" is not a valid national code',
    ]
