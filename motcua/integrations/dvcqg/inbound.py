"""Dossiers submitted on the national portal (CONTRACT §8, inbound): one ``DongBoHoSoMC``-
shaped record becomes a ``submitted`` online dossier in the desk's inbox, keeping ``MaHoSo``
as its code; the same ``MaHoSo`` again creates nothing. The submitted files are fetched from
their links afterwards, by the ``dvcqg-files`` outbox channel, and checked by type and size
like any upload. Ratings the portal collects are recorded the same way.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.dossiers.attachments import (
    AttachmentTooLarge,
    AttachmentTypeNotAllowed,
    attachment_add,
    max_file_bytes,
)
from motcua.dossiers.errors import DossierError, DossierInvalid
from motcua.dossiers.models import ApplicantKind, AttachmentKind, Channel, Dossier
from motcua.dossiers.services import dossier_intake
from motcua.integrations.dvcqg.mapping import AGENCY_RE, code_in_province, from_national_date
from motcua.integrations.dvcqg.models import NationalSync
from motcua.integrations.dvcqg.sync import inbound_context
from motcua.procedures.models import Procedure, RequiredDocument
from motcua.units.models import Unit

if TYPE_CHECKING:
    from motcua.outbox.models import OutboxMessage

log = logging.getLogger(__name__)
FILES_CHANNEL = "dvcqg-files"
_CODE = re.compile(r"^[0-9A-Za-z.\-_]{1,48}$")
# National applicant types (LoaiDoiTuong) to MotCua's two kinds.
APPLICANT_KINDS = {
    1: ApplicantKind.CITIZEN,
    2: ApplicantKind.ORGANISATION,
    3: ApplicantKind.ORGANISATION,
    4: ApplicantKind.ORGANISATION,
}
# MotCua's applicant fields → the national names the errors are reported under.
APPLICANT_FIELDS = {
    "name": "ChuHoSo",
    "id_number": "DinhDanhCHS",
    "phone": "SoDienThoai",
    "email": "Email",
    "address": "DiaChi",
    "kind": "LoaiDoiTuong",
}


class InboundInvalid(DossierInvalid):
    """400 with one message list per national field."""


def _text(record: dict[str, Any], key: str, errors: dict[str, list[str]], *, required: bool,
          max_length: int) -> str:  # fmt: skip
    value = record.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = ["Phải là chuỗi ký tự."]
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = ["Trường này là bắt buộc."]
    elif len(value) > max_length:
        errors[key] = [f"Tối đa {max_length} ký tự."]
    return value


def _flag(record: dict[str, Any], key: str, errors: dict[str, list[str]]) -> bool:
    value = record.get(key, 0)
    if value in (None, ""):
        return False
    if isinstance(value, bool) or value not in (0, 1):
        errors[key] = ["Phải là 0 hoặc 1."]
        return False
    return bool(value)


def _link_allowed(url: str) -> bool:
    """Inbound links are fetched by the server: only from the portal's hosts."""
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return False
    hosts = set(settings.MOTCUA_DVCQG_FILE_HOSTS)
    if settings.MOTCUA_DVCQG_URL:
        hosts.add(urlparse(settings.MOTCUA_DVCQG_URL).hostname or "")
    return parsed.hostname in hosts


def parse_record(record: Any) -> dict[str, Any]:
    """Check an inbound record; ``InboundInvalid`` with every field's problem."""
    if not isinstance(record, dict):
        raise InboundInvalid({"detail": ["Hồ sơ phải là một đối tượng JSON."]})
    errors: dict[str, list[str]] = {}
    code = _text(record, "MaHoSo", errors, required=True, max_length=48)
    agency = settings.MOTCUA_DVCQG_AGENCY
    if code and "MaHoSo" not in errors:
        if not _CODE.match(code):
            errors["MaHoSo"] = ["Mã hồ sơ chỉ gồm chữ, số, dấu chấm, gạch ngang."]
        elif agency and not code_in_province(code, agency):
            errors["MaHoSo"] = ["Mã hồ sơ không thuộc tỉnh này."]
    procedure_code = _text(record, "MaTTHC", errors, required=True, max_length=64)
    procedure = None
    if procedure_code:
        procedure = (
            Procedure.objects.filter(national_code=procedure_code).first()
            or Procedure.objects.filter(code=procedure_code).first()
        )
        if procedure is None:
            errors["MaTTHC"] = [f"Không có thủ tục mã {procedure_code} trong danh mục."]
    unit_code = _text(record, "DonViXuLy", errors, required=True, max_length=32)
    unit = None
    if unit_code:
        unit = (
            Unit.objects.filter(national_code=unit_code).first()
            or Unit.objects.filter(code=unit_code).first()
        )
        if unit is None:
            errors["DonViXuLy"] = [f"Không có đơn vị mã {unit_code}."]
        elif not AGENCY_RE.match(unit_code):
            errors["DonViXuLy"] = ["Mã cơ quan phải dạng 000.00.00.H99."]
    channel = record.get("KenhThucHien", 2)
    if channel != 2:
        errors["KenhThucHien"] = ["Hồ sơ nộp trên Cổng DVCQG là trực tuyến (KenhThucHien = 2)."]
    applicant_type = record.get("LoaiDoiTuong", 1)
    if isinstance(applicant_type, bool) or applicant_type not in APPLICANT_KINDS:
        errors["LoaiDoiTuong"] = ["Phải là 1, 2, 3 hoặc 4."]
        applicant_type = 1
    submitted_at = from_national_date(record.get("NgayNopHoSo"))
    if submitted_at is None:
        errors["NgayNopHoSo"] = ["Ngày nộp phải dạng yyyyMMddHHmmss (giờ 00–23)."]
    identifiers: list[dict[str, Any]] = []
    raw_ids = record.get("DinhDanhCHS") or []
    if not isinstance(raw_ids, list):
        errors["DinhDanhCHS"] = ["Phải là danh sách {LoaiDinhDanh, SoDinhDanh}."]
        raw_ids = []
    for i, item in enumerate(raw_ids):
        kind = item.get("LoaiDinhDanh") if isinstance(item, dict) else None
        number = item.get("SoDinhDanh") if isinstance(item, dict) else None
        length = {1: 12, 2: 9}.get(kind) if isinstance(kind, int) else None
        if length is None or not isinstance(number, str):
            errors.setdefault("DinhDanhCHS", []).append(
                f"Mục {i + 1}: LoaiDinhDanh 1 (CCCD 12 số) hoặc 2 (CMND 9 số), SoDinhDanh chuỗi."
            )
        elif not (number.isdigit() and len(number) == length):
            errors.setdefault("DinhDanhCHS", []).append(
                f"Mục {i + 1}: số định danh phải gồm {length} chữ số."
            )
        else:
            identifiers.append({"type": kind, "number": number})
    files: list[dict[str, Any]] = []
    raw_files = record.get("TaiLieuNop") or []
    if not isinstance(raw_files, list):
        errors["TaiLieuNop"] = ["Phải là danh sách tệp."]
        raw_files = []
    for i, item in enumerate(raw_files):
        url = item.get("DuongDanTaiTepTin") if isinstance(item, dict) else None
        if not isinstance(url, str) or not _link_allowed(url):
            errors.setdefault("TaiLieuNop", []).append(
                f"Mục {i + 1}: DuongDanTaiTepTin phải là đường dẫn của Cổng DVCQG."
            )
            continue
        if item.get("IsDeleted") in (1, True):
            continue
        files.append(
            {
                "url": url,
                "name": str(item.get("TenTepDinhKem") or "tep")[:200],
                "code": str(item.get("MaThanhPhanHoSo") or ""),
                "digitised": bool(item.get("DuocSoHoa")),
                "reused": bool(item.get("DuocTaiSuDung")),
                "from_store": bool(item.get("DuocLayTuKhoDMQG")),
            }
        )
    values = {
        "code": code,
        "procedure": procedure,
        "unit": unit,
        "applicant": {
            "kind": APPLICANT_KINDS.get(applicant_type, ApplicantKind.CITIZEN),
            "name": _text(record, "ChuHoSo", errors, required=True, max_length=255),
            "id_number": identifiers[0]["number"] if identifiers else "",
            "phone": _text(record, "SoDienThoai", errors, required=False, max_length=20),
            "email": _text(record, "Email", errors, required=False, max_length=254),
            "address": _text(record, "DiaChi", errors, required=False, max_length=500),
        },
        "summary": _text(record, "TrichYeuHoSo", errors, required=False, max_length=1000),
        "submitted_at": submitted_at,
        "applicant_type": applicant_type,
        "identifiers": identifiers,
        "account": _text(record, "MaDoiTuong", errors, required=False, max_length=64),
        "vneid": _flag(record, "TaiKhoanDuocXacThucVoiVNeID", errors),
        "files": files,
    }
    if errors:
        raise InboundInvalid(errors)
    return values


def _translate(exc: DossierInvalid) -> InboundInvalid:
    """The intake's errors under the national field names."""
    errors: dict[str, list[str]] = {}
    for key, messages in exc.errors.items():
        if key == "applicant" and isinstance(messages, dict):
            for sub, sub_messages in messages.items():
                errors[APPLICANT_FIELDS.get(str(sub), str(sub))] = list(sub_messages)
        else:
            name = {"procedure": "MaTTHC", "unit": "DonViXuLy", "code": "MaHoSo"}.get(key, key)
            errors[name] = list(messages) if isinstance(messages, list) else [str(messages)]
    return InboundInvalid(errors)


def national_dossier_receive(*, record: Any) -> tuple[Dossier, bool]:
    """Take in one dossier submitted on the national portal. Returns (dossier, created);
    the same ``MaHoSo`` again returns the first dossier and changes nothing."""
    code = record.get("MaHoSo") if isinstance(record, dict) else None
    if isinstance(code, str):
        existing = Dossier.objects.filter(code=code.strip()).first()
        if existing is not None:
            return existing, False
    values = parse_record(record)
    procedure, unit = values["procedure"], values["unit"]
    version = procedure.versions.order_by("-number").first()
    checklist = list((version.record.get("documents") if version else None) or [])
    codes = {
        d.national_code: d.name
        for d in RequiredDocument.objects.filter(procedure=procedure, case__isnull=True)
        if d.national_code
    }
    names = [item["name"] for item in checklist]
    received = sorted({codes[f["code"]] for f in values["files"] if codes.get(f["code"]) in names})
    for f in values["files"]:
        name = codes.get(f["code"])
        f["document_index"] = names.index(name) if name in names else None
    sync_values = {
        "national_account_id": values["account"],
        "applicant_type": values["applicant_type"],
        "identifiers": values["identifiers"],
        "vneid_verified": values["vneid"],
        "inbound_files": [{**f, "state": "pending"} for f in values["files"]],
    }
    try:
        with transaction.atomic(), inbound_context(sync_values):
            dossier, created = dossier_intake(
                actor=None,
                procedure=procedure,
                unit=unit,
                channel=Channel.ONLINE,
                applicant=values["applicant"],
                summary=values["summary"],
                documents=received,
                at=values["submitted_at"],
                code=values["code"],
            )
            # Without the sync (no MOTCUA_DVCQG_URL) the hook wrote nothing: keep what the
            # portal told us all the same.
            NationalSync.objects.get_or_create(
                dossier=dossier, defaults={"origin": "national", **sync_values}
            )
            if values["files"]:
                from motcua.outbox.services import outbox_enqueue

                outbox_enqueue(
                    channel=FILES_CHANNEL,
                    payload={"dossier": dossier.code},
                    dossier=dossier,
                    key=f"dvcqg-files:{dossier.code}",
                )
    except DossierInvalid as exc:
        existing = Dossier.objects.filter(code=values["code"]).first()
        if existing is not None:  # a concurrent duplicate won the race
            return existing, False
        raise _translate(exc) from exc
    except IntegrityError:
        existing = Dossier.objects.filter(code=values["code"]).first()
        if existing is None:
            raise
        return existing, False
    return dossier, created


# ---------------------------------------------------------------------------- files


def _download(url: str) -> tuple[bytes, str]:
    limit = max_file_bytes()
    with httpx.stream("GET", url, timeout=settings.MOTCUA_DVCQG_TIMEOUT) as response:
        if response.status_code >= 400:
            raise httpx.HTTPStatusError(
                f"HTTP {response.status_code}", request=response.request, response=response
            )
        buffer = io.BytesIO()
        for chunk in response.iter_bytes():
            buffer.write(chunk)
            if buffer.tell() > limit:
                raise AttachmentTooLarge(f"Tệp lớn hơn {settings.MOTCUA_MAX_UPLOAD_MB} MB.")
        return buffer.getvalue(), response.headers.get("Content-Type", "")


def fetch_files(message: OutboxMessage) -> None:
    """The ``dvcqg-files`` channel: fetch each file of an inbound dossier once; a file that
    fails the type or size check is recorded as refused (the desk sees why)."""
    from motcua.outbox.channels import RetryableError

    sync = (
        NationalSync.objects.select_related("dossier")
        .filter(dossier__code=message.payload.get("dossier"))
        .first()
    )
    if sync is None:
        return
    files = list(sync.inbound_files)
    failures = []
    for entry in files:
        if entry.get("state") in {"stored", "refused"}:
            continue
        try:
            content, _type = _download(entry["url"])
            attachment = attachment_add(
                dossier=sync.dossier,
                actor=None,
                upload=io.BytesIO(content),
                name=entry["name"],
                kind=AttachmentKind.DOCUMENT,
                document_index=entry.get("document_index"),
                digitised=bool(entry.get("digitised")),
                reused=bool(entry.get("reused")),
                from_national_store=bool(entry.get("from_store")),
            )
        except (AttachmentTooLarge, AttachmentTypeNotAllowed, DossierError) as exc:
            entry["state"], entry["error"] = "refused", str(exc)
        except httpx.HTTPError as exc:
            entry["error"] = f"Không tải được: {exc}"
            failures.append(entry["name"])
        else:
            entry["state"], entry["attachment"] = "stored", attachment.pk
            entry.pop("error", None)
        NationalSync.objects.filter(pk=sync.pk).update(inbound_files=files)
    if failures:
        raise RetryableError("Chưa tải được: " + ", ".join(failures))


def register() -> None:
    try:
        from motcua.outbox.channels import register_channel
    except ImportError:  # pragma: no cover - only before the outbox app exists
        return
    register_channel(FILES_CHANNEL, fetch_files)


# ---------------------------------------------------------------------------- feedback

FEEDBACK_CATEGORIES = {1: "regulation", 2: "conduct", 3: "other"}  # LoaiPAKN
_FEEDBACK_FIELDS = {  # feedback_submit's names -> the national ones
    "category": "LoaiPAKN",
    "content": "NoiDung",
    "name": "HoTen",
    "phone": "SoDienThoai",
    "email": "Email",
    "dossier_code": "MaHoSo",
    "unit": "MaCoQuan",
}


def national_feedback_receive(*, record: Any) -> tuple[Any, bool]:
    """A feedback (phản ánh, kiến nghị) a citizen sent on the national portal: received like
    one from MotCua's own portal, with the portal's id kept in ``national_code``. The same
    ``MaPAKN`` again returns the first feedback (``created`` False)."""
    from motcua.feedback.models import Feedback
    from motcua.feedback.services import FeedbackInvalid, feedback_submit

    if not isinstance(record, dict):
        raise InboundInvalid({"record": ["Phải là một đối tượng JSON."]})
    errors: dict[str, list[str]] = {}
    national_code = _text(record, "MaPAKN", errors, required=True, max_length=64)
    if national_code and not _CODE.match(national_code):
        errors["MaPAKN"] = ["Chỉ gồm chữ, số và . - _ (tối đa 48 ký tự)."]
    category = record.get("LoaiPAKN", 3)
    if isinstance(category, bool) or category not in FEEDBACK_CATEGORIES:
        errors["LoaiPAKN"] = ["Phải là 1 (quy định hành chính), 2 (hành vi cán bộ) hoặc 3 (khác)."]
    sent_at = timezone.now()
    if record.get("NgayGui") not in (None, ""):
        parsed = from_national_date(record.get("NgayGui"))
        if parsed is None or parsed > sent_at + dt.timedelta(minutes=10):
            errors["NgayGui"] = [
                "Ngày gửi phải dạng yyyyMMddHHmmss (giờ 00–23), không ở tương lai."
            ]
        else:
            sent_at = parsed
    texts = {
        key: record.get(key, "")
        for key in ("NoiDung", "HoTen", "SoDienThoai", "Email", "MaHoSo", "MaCoQuan")
    }
    for key, value in texts.items():
        if value is not None and not isinstance(value, str):
            errors[key] = ["Phải là chuỗi ký tự."]
    if errors:
        raise InboundInvalid(errors)
    existing = Feedback.objects.filter(national_code=national_code).first()
    if existing is not None:
        return existing, False
    try:
        feedback = feedback_submit(
            category=FEEDBACK_CATEGORIES[category],
            content=texts["NoiDung"],
            name=texts["HoTen"],
            phone=texts["SoDienThoai"] or "",
            email=texts["Email"] or "",
            dossier_code=texts["MaHoSo"] or "",
            unit_code=texts["MaCoQuan"] or "",
            at=sent_at,
            national_code=national_code,
        )
    except FeedbackInvalid as exc:
        raise InboundInvalid(
            {_FEEDBACK_FIELDS.get(k, k): list(v) for k, v in exc.errors.items()}
        ) from exc
    except IntegrityError:  # the same MaPAKN, sent twice at once: the other call won
        existing = Feedback.objects.filter(national_code=national_code).first()
        if existing is None:
            raise
        return existing, False
    return feedback, True
