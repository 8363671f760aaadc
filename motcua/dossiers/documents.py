"""The required documents of a dossier (thành phần hồ sơ) at intake: what was handed in,
how many copies of which kind, and the files tied to each document (issue 13)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django.contrib.auth.models import User

from motcua.dossiers.errors import DossierInvalid
from motcua.dossiers.models import Attachment, AttachmentKind, Dossier
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.records import record_documents

KIND_LABELS = {
    "original": "bản chính",
    "copy": "bản sao",
    "certified_copy": "bản sao chứng thực",
    "original_or_copy": "bản chính hoặc bản sao",
}


def checklist_of(version: ProcedureVersion, case_code: str, received: Any) -> list[dict[str, Any]]:
    """The required documents of the case with what was handed in. An entry of
    ``received`` is a document's name or index, or ``{"index"|"name", "count"}`` with the
    number of copies handed over at the counter, which must reach the number the procedure
    asks for (CONTRACT.md §4 ``documents[].count``)."""
    items = record_documents(version.record, case_code)
    names = [item["name"] for item in items]
    marked: dict[int, int | None] = {}
    problems: dict[str, list[str]] = {}
    if received is not None:
        if not isinstance(received, list):
            raise DossierInvalid({"documents": ["Phải là danh sách giấy tờ đã nhận."]})
        for i, entry in enumerate(received):
            name = entry.get("index", entry.get("name")) if isinstance(entry, dict) else entry
            count = entry.get("count") if isinstance(entry, dict) else None
            if isinstance(name, int) and not isinstance(name, bool) and 0 <= name < len(items):
                index = name
            elif isinstance(name, str) and name in names:
                index = names.index(name)
            else:
                raise DossierInvalid(
                    {"documents": [f"Mục {i + 1}: “{name}” không có trong thành phần hồ sơ."]}
                )
            if count is not None and (
                isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 99
            ):
                problems[f"document-{index}"] = ["Số bản là số nguyên từ 0 đến 99."]
                continue
            if count == 0:
                continue
            wanted = int(items[index].get("count", 1) or 1)
            if count is not None and count < wanted:
                kind = KIND_LABELS.get(items[index].get("kind", "original"), "bản")
                problems[f"document-{index}"] = [
                    f"“{items[index]['name']}”: cần {wanted} {kind}, mới nhận {count}."
                ]
            marked[index] = count
    if problems:
        raise DossierInvalid({"documents": problems})
    return [
        {
            "index": i,
            "name": item["name"],
            "kind": item.get("kind", "original"),
            "count": item.get("count", 1),
            "required": item.get("required", True),
            "received": i in marked,
            **({"received_count": marked[i]} if marked.get(i) is not None else {}),
        }
        for i, item in enumerate(items)
    ]


def intake_files(
    dossier: Dossier,
    actor: User | None,
    files: Sequence[tuple[int | None, Any]],
    size: int,
    digitised: Collection[int | None] | None = None,
) -> list[dict[str, Any]]:
    """Store the files handed in with the dossier, each tied to its required document
    (``None``: not tied to one); the intake event names them. A refused file refuses the
    intake (the caller's transaction). A file given as an ``Attachment`` of the
    applicant's data store is reused, not uploaded again. ``digitised``: the documents
    whose files the desk marked as scans of the papers (None: the default of
    ``attachment_add``)."""
    from motcua.dossiers.attachments import attachment_add, attachment_reuse

    stored = []
    for index, upload in files:
        if index is not None and not 0 <= index < size:
            raise DossierInvalid({"files": [f"Tệp gắn với thành phần số {index + 1} không có."]})
        if isinstance(upload, Attachment):
            if actor is None:
                raise DossierInvalid({"files": ["Chỉ chủ hồ sơ được dùng lại tệp trong kho."]})
            attachment = attachment_reuse(
                dossier=dossier, actor=actor, source=upload, document_index=index
            )
        else:
            attachment = attachment_add(
                dossier=dossier,
                actor=actor,
                upload=upload,
                name=getattr(upload, "name", None),
                kind=AttachmentKind.DOCUMENT,
                document_index=index,
                digitised=None if digitised is None else index in digitised,
            )
        stored.append(
            {
                "id": attachment.pk,
                "document": index,
                "name": attachment.name,
                "sha256": attachment.sha256,
                **({"reused": True} if attachment.reused else {}),
                **({"digitised": True} if attachment.digitised else {}),
            }
        )
    return stored
