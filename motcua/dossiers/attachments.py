"""Files of a dossier: stored through Django's storage API with SHA-256, size and the type
detected from the content (not the name)."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import tempfile
import unicodedata
from collections.abc import Callable
from typing import IO, Any

import filetype
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import File
from django.db import transaction
from django.db.models import Count, Sum

from motcua.dossiers.errors import ActionForbidden, DossierError, DossierInvalid
from motcua.dossiers.filecheck import FileRefused, file_check
from motcua.dossiers.lifecycle import Actor
from motcua.dossiers.models import Attachment, AttachmentKind, Channel, Dossier, Status
from motcua.dossiers.services import actor_kinds

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
MAX_DOSSIER_BYTES_FACTOR = 10  # by default a dossier holds ten times the per-file limit
# A verified download is held in memory up to this size, beyond it in a temporary file.
VERIFY_MEMORY_BYTES = 4 * 1024 * 1024

logger = logging.getLogger(__name__)


class AttachmentTooLarge(DossierError):
    status_code = 413


class AttachmentTypeNotAllowed(DossierError):
    status_code = 415


class AttachmentUnreadable(DossierError):
    """The stored file is missing or no longer matches its SHA-256: it is not served (409)."""

    status_code = 409


class StorageUnavailable(AttachmentUnreadable):
    """The storage (the data dir or the S3 bucket) did not answer (503)."""

    status_code = 503


class SignaturePending(AttachmentUnreadable):
    """A form or result PDF a worker is signing this moment: not served unsigned (503 with
    ``Retry-After``; the signed copy replaces the filed one within seconds)."""

    status_code = 503
    retry_after = 3


# Checks other apps register (``AppConfig.ready``) to refuse serving a file for now: the
# signing app keeps a form or result from going out before it is signed.
OpenCheck = Callable[[Attachment], None]
_open_checks: list[OpenCheck] = []


def register_open_check(check: OpenCheck) -> None:
    """Call ``check(attachment)`` before every download; it raises an ``AttachmentUnreadable``
    (e.g. ``SignaturePending``) to refuse it."""
    if check not in _open_checks:
        _open_checks.append(check)


def max_file_bytes() -> int:
    return int(settings.MOTCUA_MAX_UPLOAD_MB) * 1024 * 1024


def max_dossier_bytes() -> int:
    """``MOTCUA_MAX_DOSSIER_UPLOAD_MB`` when set, else ten times the per-file limit."""
    mb = getattr(settings, "MOTCUA_MAX_DOSSIER_UPLOAD_MB", None)
    if mb:
        return int(mb) * 1024 * 1024
    return max_file_bytes() * MAX_DOSSIER_BYTES_FACTOR


def sanitise_name(name: str, extension: str) -> str:
    """A safe file name: no path, no control or shell characters, the right extension."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\- ]+", "", stem, flags=re.UNICODE).strip(" ._-")
    stem = re.sub(r"\s+", "_", stem)[:100] or "tep"
    return f"{stem}.{extension}"


def detect_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return str(kind.mime)


def attachment_add(
    *,
    dossier: Dossier,
    actor: User | None,
    upload: IO[bytes] | Any,
    name: str | None,
    kind: str = AttachmentKind.DOCUMENT,
    document_index: int | None = None,
    correction: bool = False,
    digitised: bool | None = None,
    from_national_store: bool = False,
    reused: bool = False,
) -> Attachment:
    """Check who may attach, the size and the type; store the file; record it.
    ``correction``: the corrected result of a returned dossier, called by
    ``services.dossier_correct`` once it checked the leader. ``digitised``: the file is a
    scan of a paper handed in (the desk marks it at the counter); unsaid, a document an
    officer attaches to a counter or postal dossier is one. A result gets the national
    result code of its procedure (MaGiayToKetQua)."""
    if kind not in AttachmentKind.values:
        raise DossierInvalid(
            {"kind": [f"Loại tệp phải là một trong: {', '.join(AttachmentKind.values)}."]}
        )
    # A closed dossier takes no new files, except the official form the system issues for
    # the act that closed it (form 03 at refusal, form 05 at a stop).
    corrected_result = correction and kind == AttachmentKind.RESULT
    if (
        dossier.is_final
        and not (actor is None and kind == AttachmentKind.FORM)
        and not corrected_result
    ):
        raise DossierInvalid({"file": ["Hồ sơ đã kết thúc, không thể thêm tệp."]})
    kinds = actor_kinds(dossier, actor)
    staff = kinds & {Actor.DESK, Actor.SPECIALIST, Actor.LEADER, Actor.HOLDER, Actor.UNIT_ADMIN}
    if digitised is None:
        digitised = bool(
            staff
            and actor is not None
            and dossier.channel != Channel.ONLINE
            and kind in {AttachmentKind.DOCUMENT, AttachmentKind.SUPPLEMENT}
        )
    if actor is not None and not staff:
        applicant_may = Actor.APPLICANT in kinds and dossier.status in {
            Status.SUBMITTED,
            Status.SUPPLEMENT_REQUESTED,
        }
        if not applicant_may:
            raise ActionForbidden("Bạn không được thêm tệp vào hồ sơ này lúc này.")
    limit = max_file_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise AttachmentTooLarge(f"Tệp lớn hơn {settings.MOTCUA_MAX_UPLOAD_MB} MB.")

    digest = hashlib.sha256()
    upload.seek(0)
    head = upload.read(8192)
    total = len(head)
    digest.update(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        total += len(chunk)
        if total > limit:
            raise AttachmentTooLarge(f"Tệp lớn hơn {settings.MOTCUA_MAX_UPLOAD_MB} MB.")
        digest.update(chunk)
    if total == 0:
        raise DossierInvalid({"file": ["Tệp rỗng."]})
    mime = detect_type(head)
    if mime is None:
        raise AttachmentTypeNotAllowed(
            "Chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX (kiểm tra theo nội dung tệp)."
        )
    try:
        file_check(upload, mime)
    except FileRefused as exc:
        raise AttachmentTypeNotAllowed(exc.reason) from None
    if kind == AttachmentKind.RESULT and mime != PDF:
        upload, total, hexdigest = _result_as_pdf(upload, mime)
        mime = PDF
    else:
        hexdigest = digest.hexdigest()
    _check_room(dossier, total)  # early answer; checked again under the lock below

    upload.seek(0)
    attachment = Attachment(
        dossier=dossier,
        kind=kind,
        document_index=document_index,
        name=sanitise_name(name or "", ALLOWED_TYPES[mime]),
        size=total,
        sha256=hexdigest,
        content_type=mime,
        uploaded_by=actor,
        digitised=digitised,
        reused=reused,
        from_national_store=from_national_store,
        result_code=dossier.procedure.result_code if kind == AttachmentKind.RESULT else "",
    )
    # The file is written first: if the process dies before the row commits, what is left
    # is an unreferenced file, never a row pointing at nothing.
    attachment.file.save(attachment.name, File(upload), save=False)
    try:
        with transaction.atomic():
            # One upload at a time per dossier: the row lock (PostgreSQL) or the write lock
            # taken at BEGIN IMMEDIATE (SQLite) makes the size and count check and the new row
            # one step, so concurrent uploads cannot each pass the check and together exceed.
            Dossier.objects.select_for_update().filter(pk=dossier.pk).exists()
            _check_room(dossier, total)
            attachment.save()
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


PDF = "application/pdf"
IMAGES = {"image/jpeg", "image/png"}
# A4 portrait (turned when the scan is landscape), the scan fitted inside a 10 mm margin.
A4_POINTS = (595.28, 841.89)
MARGIN_POINTS = 28.35


def _result_as_pdf(upload: IO[bytes] | Any, mime: str) -> tuple[io.BytesIO, int, str]:
    """An electronic result has the value of the paper one only when digitally signed
    (Decree 45/2020/NĐ-CP art. 25), and MotCua signs PDFs (PAdES): a scanned result (JPEG
    or PNG) is filed as a one-page A4 PDF of that image, its pixels untouched (img2pdf embeds
    JPEG as is and PNG losslessly); a Word or Excel result is refused, to be saved as PDF.
    Returns the PDF, its size and its SHA-256."""
    if mime not in IMAGES:
        raise AttachmentTypeNotAllowed(
            "Kết quả điện tử phải là tệp PDF (hoặc ảnh quét JPEG, PNG) để được ký số; "
            "hãy lưu tệp Word hoặc Excel thành PDF rồi tải lên."
        )
    import img2pdf

    upload.seek(0)
    image = upload.read()
    layout = img2pdf.get_layout_fun(
        A4_POINTS, border=(MARGIN_POINTS, MARGIN_POINTS), fit=img2pdf.FitMode.into,
        auto_orient=True,
    )  # fmt: skip
    try:
        pdf = img2pdf.convert(image, layout_fun=layout)  # transparency kept as a soft mask
    except (img2pdf.ImageOpenError, ValueError, OSError):
        raise AttachmentTypeNotAllowed("Không đọc được ảnh kết quả để chuyển sang PDF.") from None
    if len(pdf) > max_file_bytes():
        raise AttachmentTooLarge(f"Tệp lớn hơn {settings.MOTCUA_MAX_UPLOAD_MB} MB.")
    return io.BytesIO(pdf), len(pdf), hashlib.sha256(pdf).hexdigest()


def max_dossier_files() -> int:
    return int(getattr(settings, "MOTCUA_MAX_DOSSIER_FILES", 50))


def _check_room(dossier: Dossier, size: int) -> None:
    """The dossier's files together stay under the size cap and the file-count cap."""
    totals = Attachment.objects.filter(dossier=dossier).aggregate(total=Sum("size"), n=Count("id"))
    if (totals["total"] or 0) + size > max_dossier_bytes():
        raise AttachmentTooLarge("Tổng dung lượng tệp của hồ sơ vượt giới hạn.")
    if (totals["n"] or 0) + 1 > max_dossier_files():
        raise AttachmentTooLarge(f"Hồ sơ đã có tối đa {max_dossier_files()} tệp.")


def attachment_reuse(
    *,
    dossier: Dossier,
    actor: User,
    source: Attachment,
    document_index: int | None = None,
) -> Attachment:
    """The applicant reuses a file of their data store (a result of a resolved dossier, a
    document they submitted before) in a new dossier instead of uploading it again: the new
    attachment refers to the same stored file and SHA-256 (nothing is copied) and is marked
    ``reused`` (indicator 4.3, DuocTaiSuDung). Only the owner's own files can be reused."""
    from motcua.dossiers.store import store_files

    if not store_files(user=actor).filter(pk=source.pk).exists():
        raise DossierInvalid({"files": ["Tệp này không có trong kho dữ liệu của bạn."]})
    kinds = actor_kinds(dossier, actor)
    if Actor.APPLICANT not in kinds or dossier.status not in {
        Status.SUBMITTED,
        Status.SUPPLEMENT_REQUESTED,
    }:
        raise ActionForbidden("Bạn không được thêm tệp vào hồ sơ này lúc này.")
    _check_room(dossier, source.size)
    with transaction.atomic():
        Dossier.objects.select_for_update().filter(pk=dossier.pk).exists()
        _check_room(dossier, source.size)
        attachment = Attachment(
            dossier=dossier,
            kind=AttachmentKind.DOCUMENT,
            document_index=document_index,
            name=source.name,
            size=source.size,
            sha256=source.sha256,
            content_type=source.content_type,
            uploaded_by=actor,
            reused=True,
            reused_from=source,
            digitised=source.digitised,
            from_national_store=source.from_national_store,
        )
        attachment.file.name = source.file.name
        attachment.save()
    return attachment


def attachment_open(attachment: Attachment) -> IO[bytes]:
    """The attachment's content, checked against its recorded size and SHA-256 before any of
    it is served: read once from the storage (data dir or bucket) into a spooled copy (memory
    up to ``VERIFY_MEMORY_BYTES``, a temporary file beyond; files are bounded by the upload
    limit), hashed on the way, and returned rewound. A file missing or changed behind
    MotCua's back raises ``AttachmentUnreadable`` with a message for the user, a file not yet
    signed ``SignaturePending``; the caller closes the returned file (``FileResponse``
    does)."""
    for check in _open_checks:
        check(attachment)
    digest = hashlib.sha256()
    copy = tempfile.SpooledTemporaryFile(max_size=VERIFY_MEMORY_BYTES)  # noqa: SIM115
    try:
        with attachment.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
                copy.write(chunk)
    except FileNotFoundError:
        copy.close()
        logger.error("attachment %s: the stored file is missing", attachment.pk)
        raise AttachmentUnreadable(
            "Không tìm thấy tệp trong kho lưu trữ; hệ thống không thể trả tệp này. "
            "Vui lòng báo quản trị viên."
        ) from None
    except Exception as exc:
        copy.close()
        if _missing_in_bucket(exc):
            logger.error("attachment %s: the stored file is missing", attachment.pk)
            raise AttachmentUnreadable(
                "Không tìm thấy tệp trong kho lưu trữ; hệ thống không thể trả tệp này. "
                "Vui lòng báo quản trị viên."
            ) from None
        if isinstance(exc, OSError) or _storage_error(exc):
            logger.error("attachment %s: the storage did not answer (%s)", attachment.pk, exc)
            raise StorageUnavailable(
                "Kho lưu trữ tệp tạm thời không trả lời. Vui lòng thử lại sau."
            ) from None
        raise
    if digest.hexdigest() != attachment.sha256 or copy.tell() != attachment.size:
        copy.close()
        logger.error(
            "attachment %s of dossier %s: the stored content does not match its SHA-256",
            attachment.pk,
            attachment.dossier_id,
        )
        raise AttachmentUnreadable(
            "Tệp lưu trữ đã bị thay đổi so với lúc nộp (mã kiểm tra SHA-256 không khớp), "
            "nên hệ thống không trả tệp này. Vui lòng báo quản trị viên."
        )
    copy.seek(0)
    return copy


def _storage_error(exc: Exception) -> bool:
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return False
    return isinstance(exc, BotoCoreError | ClientError)


def _missing_in_bucket(exc: Exception) -> bool:
    try:
        from botocore.exceptions import ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return False
    if not isinstance(exc, ClientError):
        return False
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}
