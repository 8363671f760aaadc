"""MotCua's record → the national portal's fields (reference/national-portal.md), as tables.

Each row of ``DOSSIER_FIELDS`` and ``STEP_FIELDS`` reads: the national field, where its value
comes from, and the check it must pass before it leaves MotCua. A province whose gateway
names a field differently, or wants another code for a return method, edits a row here; the
transport (``client``) does not change. Nothing here touches the network or writes.

The known failure modes of provincial systems are ruled out here:
- codes outside the province prefix: ``MaHoSo`` must belong to the province of
  ``MOTCUA_DVCQG_AGENCY``, or the dossier is not sent (and shows why);
- collapsed statuses: ``TrangThaiHoSo`` is the dossier's own status, 1–10, never "9" for
  "anything finished";
- 12-hour clocks: every date is ``yyyyMMddHHmmss``, local time, ``%H`` (00–23).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.urls import reverse

from motcua.dossiers.models import NATIONAL_STATUS, Status
from motcua.integrations.dvcqg.snapshot import parse

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss, 24-hour clock
DATE_RE = re.compile(r"^\d{14}$")
AGENCY_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")  # e.g. 000.00.00.H99
PROCEDURE_RE = re.compile(r"^\d\.\d{6}(\.[0-9A-Za-z.]+)?$")  # e.g. 1.001193
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,63}$")
LINK_SALT = "motcua.dvcqg.file"

CHANNEL_CODES = {"counter": 1, "online": 2, "postal": 3}  # KenhThucHien
APPLICANT_TYPES = {"citizen": 1, "organisation": 2}  # LoaiDoiTuong (3, 4 kept from inbound)
RETURN_METHODS = {"counter": 1, "online": 2, "post": 3}  # HinhThuc, as the channel codes
FEE_KINDS = {"fee": 1, "charge": 2}  # LoaiPhiLePhi: 1 lệ phí, 2 phí
MAX_SUMMARY = 1000
MAX_OFFICER = 50


class RecordInvalid(Exception):
    """The record cannot be sent as it stands (a missing national code, a code outside the
    province): an administrator fixes the catalogue and resends."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def national_date(value: str | dt.datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh; "" when there is no date."""
    moment = parse(value) if isinstance(value, str) or value is None else value
    if moment is None:
        return ""
    return moment.astimezone(LOCAL).strftime(DATE_FORMAT)


def from_national_date(value: Any) -> dt.datetime | None:
    """The inverse; ``None`` for anything that is not a real local date and time."""
    if not isinstance(value, str) or not DATE_RE.match(value):
        return None
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=LOCAL)
    except ValueError:
        return None


def province_id(agency: str) -> str:
    """The province's identifier: the last group of its agency code (``H99``)."""
    return agency.rsplit(".", 1)[-1] if agency else ""


def code_in_province(code: str, agency: str) -> bool:
    """A dossier code ``{unit code}-{yyMMdd}-{NNNN}`` whose unit code is of the province."""
    unit_part = code.split("-", 1)[0]
    pid = province_id(agency)
    return bool(pid) and AGENCY_RE.match(unit_part) is not None and unit_part.endswith("." + pid)


def file_link(attachment_id: int, *, base_url: str | None = None) -> str:
    """A download link the portal can follow without an account, valid for
    ``MOTCUA_DVCQG_LINK_HOURS`` (a signed, time-stamped token; ``api.NationalFileView``)."""
    token = signing.TimestampSigner(salt=LINK_SALT).sign(str(attachment_id))
    path = reverse("api:national-file", kwargs={"token": token})
    return (base_url or settings.SITE_URL).rstrip("/") + path


def file_from_token(token: str) -> int | None:
    """The attachment id of a valid, unexpired link token, else ``None``."""
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(
            token, max_age=dt.timedelta(hours=settings.MOTCUA_DVCQG_LINK_HOURS)
        )
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


# ---------------------------------------------------------------------------- codes


@dataclass
class Codes:
    """The national codes of a dossier's catalogue entries, read at delivery."""

    procedure: str = ""
    procedure_name: str = ""
    online_service: str = ""
    field_code: str = ""
    field_name: str = ""
    agency: str = ""
    unit_name: str = ""
    result: str = ""
    result_name: str = ""
    fee: str = ""
    charge: str = ""
    charge_amount: int = 0
    documents: dict[int, str] = field(default_factory=dict)  # checklist index → code


def catalogue_codes(snapshot: dict[str, Any]) -> Codes:
    """The codes of the dossier's procedure, unit and documents from the current catalogue
    (documents matched by name, so a reordered catalogue still finds them)."""
    from motcua.procedures.models import Procedure, RequiredDocument
    from motcua.units.models import Unit

    codes = Codes()
    procedure = Procedure.objects.select_related("field").filter(code=snapshot["procedure"]).first()
    unit = Unit.objects.filter(code=snapshot["unit"]).first()
    if unit is not None:
        codes.agency = unit.national_code or unit.code
        codes.unit_name = unit.name
    if procedure is None:
        return codes
    codes.procedure = procedure.national_code or procedure.code
    codes.procedure_name = procedure.name
    codes.online_service = procedure.online_service_code
    codes.field_code = procedure.field.code
    codes.field_name = procedure.field.name
    codes.result = procedure.result_code
    codes.result_name = procedure.result
    codes.fee = procedure.fee_code
    codes.charge = procedure.charge_code
    codes.charge_amount = procedure.charge_amount or 0
    case_code = snapshot.get("case_code") or ""
    by_name: dict[str, str] = {}
    for doc in RequiredDocument.objects.filter(procedure=procedure).select_related("case"):
        if doc.case_id is None or (doc.case is not None and doc.case.code == case_code):
            by_name.setdefault(doc.name, doc.national_code)
    for item in snapshot.get("documents") or []:
        if isinstance(item.get("index"), int):
            codes.documents[item["index"]] = by_name.get(item.get("name") or "", "")
    if case_code:
        case = procedure.cases.filter(code=case_code).first()
        if case is not None and case.fee_code:
            codes.fee = case.fee_code
    return codes


# ---------------------------------------------------------------------------- the tables

Getter = Callable[[dict[str, Any], Codes], Any]


@dataclass(frozen=True)
class Row:
    name: str  # the national field
    source: str  # where it comes from, in words
    get: Getter
    check: str = ""  # "date", "date?", "agency", "procedure", "text", "code", "int:a-b", ""


def _applicant_type(r: dict[str, Any], c: Codes) -> int:
    given = r["applicant"].get("type_code")
    return int(given) if given else APPLICANT_TYPES.get(r["applicant"]["kind"], 1)


def _identifiers(r: dict[str, Any], c: Codes) -> list[dict[str, Any]]:
    given = r["applicant"].get("identifiers") or []
    if given:
        return [{"LoaiDinhDanh": i["type"], "SoDinhDanh": i["number"]} for i in given]
    number = r["applicant"].get("id_number") or ""
    if r["applicant"]["kind"] == "citizen" and number.isdigit() and len(number) in {9, 12}:
        return [{"LoaiDinhDanh": 1 if len(number) == 12 else 2, "SoDinhDanh": number}]
    return []


def _summary(r: dict[str, Any], c: Codes) -> str:
    text = (r.get("summary") or c.procedure_name or "").strip()
    # The portal takes 1,000 characters; MotCua keeps the full text.
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"


def _end_of_processing(r: dict[str, Any], c: Codes) -> str:
    if r.get("resolved_at"):
        return national_date(r["resolved_at"])
    if r["status"] in {Status.REFUSED, Status.STOPPED, Status.WITHDRAWN}:
        return national_date(r.get("closed_at"))
    return ""


def _files(r: dict[str, Any], c: Codes) -> list[dict[str, Any]]:
    out = []
    for f in r.get("files") or []:
        if f["kind"] == "result":
            continue
        index = f.get("document_index")
        out.append(
            {
                "TepDinhKemId": str(f["id"]),
                "TenTepDinhKem": f["name"],
                "MaThanhPhanHoSo": c.documents.get(index, "") if isinstance(index, int) else "",
                "DuongDanTaiTepTin": file_link(f["id"]),
                "DuocSoHoa": int(bool(f.get("digitised"))),
                "DuocTaiSuDung": int(bool(f.get("reused"))),
                "DuocLayTuKhoDMQG": int(bool(f.get("from_store"))),
                "IsDeleted": 0,
            }
        )
    return out


ONLINE_METHODS = {"national", "gateway"}  # FeeMethod values collected online


def _fees(r: dict[str, Any], c: Codes) -> list[dict[str, Any]]:
    method = 2 if r.get("payment_channel") else 1  # HinhThucThu: 1 tại quầy, 2 trực tuyến
    if r.get("fees"):
        # The dossier's own fee lines (issue 15): name, code, amount and how each was paid.
        return [
            {
                "TenPhiLePhi": line["name"],
                "MaPhiLePhi": line["code"] or (c.charge if line["kind"] == "charge" else c.fee),
                "HinhThucThu": 2 if line.get("method") in ONLINE_METHODS else method,
                "Gia": int(line["amount"]),
                "LoaiPhiLePhi": FEE_KINDS.get(line["kind"], 1),
            }
            for line in r["fees"]
        ]
    out = []
    if r.get("fee_amount"):
        out.append(
            {
                "TenPhiLePhi": "Lệ phí",
                "MaPhiLePhi": c.fee,
                "HinhThucThu": method,
                "Gia": int(r["fee_amount"]),
                "LoaiPhiLePhi": FEE_KINDS["fee"],
            }
        )
    if c.charge_amount:
        out.append(
            {
                "TenPhiLePhi": "Phí",
                "MaPhiLePhi": c.charge,
                "HinhThucThu": method,
                "Gia": int(c.charge_amount),
                "LoaiPhiLePhi": FEE_KINDS["charge"],
            }
        )
    return out


def _supplements(r: dict[str, Any], c: Codes) -> list[dict[str, Any]]:
    return [
        {
            "HoSoBoSungId": f"{r['code']}-BS{s['id']}",
            "NguoiYeuCauBoSung": (s.get("by") or "")[:MAX_OFFICER],
            "NoiDungBoSung": "; ".join(s.get("items") or []),
            "NgayBoSung": national_date(s.get("requested_at")),
            "NgayTiepNhanBoSung": national_date(s.get("supplied_at")),
            "TrangThaiBoSung": 1 if s.get("supplied_at") else 0,  # 1 đã bổ sung, 0 chờ
            "NgayHenTraTruoc": national_date(s.get("due_before")),
            "NgayHenTraMoi": national_date(s.get("due_after")),
        }
        for s in r.get("supplements") or []
    ]


def _results(r: dict[str, Any], c: Codes) -> list[dict[str, Any]]:
    return [
        {
            "TenGiayTo": c.result_name or f["name"],
            # The code the result was issued with, else the procedure's current one.
            "MaGiayToKetQua": f.get("result_code") or c.result,
            "DuongDanTepTinKetQua": file_link(f["id"]),
        }
        for f in r.get("files") or []
        if f["kind"] == "result"
    ]


DOSSIER_FIELDS: list[Row] = [
    Row("MaHoSo", "dossier code", lambda r, c: r["code"], "dossier_code"),
    Row("MaTTHC", "procedure.national_code (else its code)", lambda r, c: c.procedure, "procedure"),
    Row("TenTTHC", "procedure.name", lambda r, c: c.procedure_name, "text"),
    Row("MaDVC", "procedure.online_service_code", lambda r, c: c.online_service),
    Row("MaLinhVuc", "field.code", lambda r, c: c.field_code, "text"),
    Row("TenLinhVuc", "field.name", lambda r, c: c.field_name, "text"),
    Row("KenhThucHien", "channel: counter 1, online 2, postal 3",
        lambda r, c: CHANNEL_CODES[r["channel"]], "int:1-3"),
    Row("ChuHoSo", "applicant.name", lambda r, c: r["applicant"]["name"], "text"),
    Row("LoaiDoiTuong", "applicant.kind: citizen 1, organisation 2 (inbound: as received)",
        _applicant_type, "int:1-4"),
    Row("MaDoiTuong", "national account id (online, from DVCQG)",
        lambda r, c: r["applicant"].get("national_account_id") or ""),
    Row("DinhDanhCHS", "applicant.id_number: 12 digits type 1, 9 digits type 2", _identifiers),
    Row("SoDienThoai", "applicant.phone", lambda r, c: r["applicant"]["phone"]),
    Row("Email", "applicant.email", lambda r, c: r["applicant"]["email"]),
    Row("DiaChi", "applicant.address", lambda r, c: r["applicant"]["address"]),
    Row("TrichYeuHoSo", "summary (≤ 1,000 characters)", _summary),
    Row("NgayNopHoSo", "submitted_at (else received_at)",
        lambda r, c: national_date(r.get("submitted_at") or r.get("received_at")), "date"),
    Row("NgayTiepNhan", "received_at", lambda r, c: national_date(r.get("received_at")), "date?"),
    Row("NgayHenTra", "due_at (an extension does not move it)",
        lambda r, c: national_date(r.get("due_at")), "date?"),
    Row("TrangThaiHoSo", "status, DESIGN.md table, never collapsed",
        lambda r, c: NATIONAL_STATUS[Status(r["status"])], "int:1-10"),
    Row("NgayTra", "returned_at", lambda r, c: national_date(r.get("returned_at")), "date?"),
    Row("HinhThuc", "return method: counter 1, online 2, post 3",
        lambda r, c: RETURN_METHODS.get(r.get("return_method") or "", 0)),
    Row("NgayKetThucXuLy", "resolved_at; refused, stopped, withdrawn: closed_at",
        _end_of_processing, "date?"),
    Row("NgayTuChoi", "time of the refusal", lambda r, c: national_date(r.get("refused_at")),
        "date?"),
    Row("NgayYeuCauBoSung", "time of the last supplement request",
        lambda r, c: national_date(r.get("supplement_requested_at")), "date?"),
    Row("DonViXuLy", "receiving unit: national_code (else its code)", lambda r, c: c.agency,
        "agency"),
    Row("HoSoCoThanhPhanSoHoa", "1 when a submitted file is digitised",
        lambda r, c: int(any(f.get("digitised") for f in r.get("files") or [])), "int:0-1"),
    Row("TaiKhoanDuocXacThucVoiVNeID", "1 when the applicant's account is VNeID-verified",
        lambda r, c: int(bool(r["applicant"].get("vneid"))), "int:0-1"),
    Row("DuocThanhToanTrucTuyen", "0 not online, 1 national platform, 2 province gateway",
        lambda r, c: int(r.get("payment_channel") or 0), "int:0-2"),
    Row("TaiLieuNop", "document and supplement files, signed links", _files),
    Row("DanhSachLePhi", "the dossier's fee lines (else its amount and the catalogue's charge)",
        _fees),
    Row("DanhSachHoSoBoSung", "supplement requests and answers", _supplements),
    Row("DanhSachGiayToKetQua", "result files with the procedure's result code", _results),
]  # fmt: skip

STEP_FIELDS: list[Row] = [
    Row("MaHoSo", "dossier code", lambda s, c: s["code"], "dossier_code"),
    Row("NguoiXuLy", "the officer (≤ 50 characters)", lambda s, c: s["actor"][:MAX_OFFICER],
        "text"),
    Row("ChucDanh", "the officer's role at the unit", lambda s, c: s.get("title") or ""),
    Row("ThoiDiemXuLy", "time of the event", lambda s, c: national_date(s["at"]), "date"),
    Row("PhongBanXuLy", "the unit holding the step", lambda s, c: s.get("unit") or ""),
    Row("NoiDungXuLy", "action, step and note", lambda s, c: step_text(s), "text"),
    Row("TrangThai", "status after the event, 1–10",
        lambda s, c: NATIONAL_STATUS[Status(s["status"])], "int:1-10"),
    Row("NgayBatDau", "start of the step", lambda s, c: national_date(s["at"]), "date"),
    Row("NgayKetThucTheoQuyDinh", "due of the step (its working hours), else the dossier's",
        lambda s, c: national_date(s.get("step_due")), "date?"),
]  # fmt: skip


def step_text(step: dict[str, Any]) -> str:
    from motcua.dossiers.lifecycle import ACTION_LABELS, Action

    try:
        label = str(ACTION_LABELS[Action(step["action"])])
    except (KeyError, ValueError):
        label = step["action"]
    parts = [label]
    if step.get("step_name"):
        parts.append(step["step_name"])
    if step.get("note"):
        parts.append(step["note"])
    return " — ".join(parts)[:2000]


# ---------------------------------------------------------------------------- build and check


def _check(row: Row, value: Any, agency: str, errors: list[str]) -> None:
    check = row.check
    if not check:
        return
    if check == "date":
        if not isinstance(value, str) or not DATE_RE.match(value):
            errors.append(f"{row.name}: thiếu ngày giờ ({row.source})")
    elif check == "date?":
        if value and (not isinstance(value, str) or not DATE_RE.match(value)):
            errors.append(f"{row.name}: ngày giờ sai định dạng")
    elif check == "text":
        if not isinstance(value, str) or not value.strip():
            errors.append(f"{row.name}: còn trống ({row.source})")
    elif check == "agency":
        if not isinstance(value, str) or not AGENCY_RE.match(value):
            errors.append(f"{row.name}: mã cơ quan “{value}” không đúng dạng 000.00.00.H99")
    elif check == "procedure":
        if not isinstance(value, str) or not PROCEDURE_RE.match(value):
            errors.append(f"{row.name}: mã thủ tục quốc gia “{value}” không đúng dạng 1.001193")
    elif check == "dossier_code":
        if not isinstance(value, str) or not code_in_province(value, agency):
            errors.append(
                f"{row.name}: mã hồ sơ “{value}” không thuộc tỉnh {province_id(agency) or '?'}"
                " (MOTCUA_DVCQG_AGENCY)"
            )
    elif check.startswith("int:"):
        low, high = (int(x) for x in check[4:].split("-"))
        if not isinstance(value, int) or not low <= value <= high:
            errors.append(f"{row.name}: giá trị {value!r} ngoài {low}–{high}")


def _nested_checks(record: dict[str, Any], errors: list[str]) -> None:
    for fee in record["DanhSachLePhi"]:
        if not fee["MaPhiLePhi"] or not CODE_RE.match(fee["MaPhiLePhi"]):
            errors.append(f"DanhSachLePhi: {fee['TenPhiLePhi']} chưa có mã phí, lệ phí quốc gia")
    for result in record["DanhSachGiayToKetQua"]:
        if not result["MaGiayToKetQua"] or not CODE_RE.match(result["MaGiayToKetQua"]):
            errors.append("DanhSachGiayToKetQua: thủ tục chưa có mã kết quả quốc gia")
            break


def dossier_record(
    snapshot: dict[str, Any], *, codes: Codes | None = None, agency: str | None = None
) -> dict[str, Any]:
    """The ``DongBoHoSoMC`` record of a snapshot; ``RecordInvalid`` lists what is missing."""
    codes = codes if codes is not None else catalogue_codes(snapshot)
    agency = agency if agency is not None else settings.MOTCUA_DVCQG_AGENCY
    record: dict[str, Any] = {}
    errors: list[str] = []
    for row in DOSSIER_FIELDS:
        value = row.get(snapshot, codes)
        _check(row, value, agency, errors)
        record[row.name] = value
    _nested_checks(record, errors)
    submitted = [x for x in snapshot.get("files") or [] if x["kind"] != "result"]
    for f, raw in zip(record["TaiLieuNop"], submitted, strict=True):
        # A file tied to a checklist item must carry its national document code.
        if isinstance(raw.get("document_index"), int) and not f["MaThanhPhanHoSo"]:
            errors.append(
                f"TaiLieuNop: “{f['TenTepDinhKem']}” — thành phần hồ sơ chưa có mã quốc gia"
            )
    if errors:
        raise RecordInvalid(errors)
    return record


def step_record(step: dict[str, Any], *, agency: str | None = None) -> dict[str, Any]:
    """The ``CapNhatTienDoHoSoMC`` record of one processing step."""
    agency = agency if agency is not None else settings.MOTCUA_DVCQG_AGENCY
    record: dict[str, Any] = {}
    errors: list[str] = []
    for row in STEP_FIELDS:
        value = row.get(step, Codes())
        _check(row, value, agency, errors)
        record[row.name] = value
    if errors:
        raise RecordInvalid(errors)
    return record


# Fields compared by reconciliation: what the portal must hold as MotCua does.
RECONCILED_FIELDS = (
    "MaTTHC",
    "KenhThucHien",
    "ChuHoSo",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "TrangThaiHoSo",
    "NgayTra",
    "NgayKetThucXuLy",
    "NgayTuChoi",
    "DonViXuLy",
)


def differences(ours: dict[str, Any], theirs: dict[str, Any] | None) -> list[str]:
    """The reconciled fields where the portal's copy differs from ours."""
    if theirs is None:
        return ["MaHoSo"]
    return [name for name in RECONCILED_FIELDS if ours.get(name) != theirs.get(name)]
