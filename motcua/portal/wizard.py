"""The online submission wizard: its state in the session, the files in a temporary upload
area until submission, and the all-or-nothing submission itself.

State (``request.session["citizen_wizard"][procedure code]``)::

    {"id": uuid, "unit": code, "case": code, "applicant": {...}, "summary": str,
     "eform": {...}, "files": {"<document index>": [{"path", "name", "size"}, ...]}}

A required document may take several files (the pages of a scan, front and back of a
card); each is tied to its document in the dossier. A file chosen from the citizen's data
store instead of uploaded is kept as ``{"store": attachment id, "name", "size"}``: nothing
is copied, the dossier's attachment refers to the stored file (marked reused).

Files wait under ``tmp/wizard/<id>/`` in the default storage (shared by every app server).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.errors import DossierInvalid
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.services import dossier_intake
from motcua.dossiers.store import store_file_get
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.procedures.records import record_documents, record_fee, record_processing_days
from motcua.units.models import Unit

SESSION_KEY = "citizen_wizard"
DONE_KEY = "citizen_wizard_done"
TMP_PREFIX = "tmp/wizard"


@dataclass(frozen=True)
class DocumentItem:
    index: int
    name: str
    kind: str
    count: int
    required: bool


def published_version(procedure: Procedure) -> ProcedureVersion | None:
    return procedure.versions.order_by("-number").first()


def checklist(version: ProcedureVersion, case_code: str) -> list[DocumentItem]:
    """The documents of the case then those of the procedure, numbered as dossier intake
    numbers them (``Dossier.documents[i].index``)."""
    items = record_documents(version.record, case_code)
    return [
        DocumentItem(
            index=i,
            name=item["name"],
            kind=item.get("kind", "original"),
            count=int(item.get("count", 1) or 1),
            required=bool(item.get("required", True)),
        )
        for i, item in enumerate(items)
    ]


def processing_days(version: ProcedureVersion, case_code: str) -> Decimal:
    return record_processing_days(version.record, case_code)


def fee_of(version: ProcedureVersion, case_code: str) -> int:
    return record_fee(version.record, case_code)


def state_get(session: SessionBase, procedure_code: str) -> dict[str, Any]:
    states = session.get(SESSION_KEY) or {}
    state = states.get(procedure_code)
    if state is None:
        state = {"id": uuid.uuid4().hex, "files": {}}
        states[procedure_code] = state
        session[SESSION_KEY] = states
    return dict(state)


def state_save(session: SessionBase, procedure_code: str, state: dict[str, Any]) -> None:
    states = session.get(SESSION_KEY) or {}
    states[procedure_code] = state
    session[SESSION_KEY] = states


def state_clear(session: SessionBase, procedure_code: str) -> None:
    states = session.get(SESSION_KEY) or {}
    states.pop(procedure_code, None)
    session[SESSION_KEY] = states


MAX_FILES_PER_DOCUMENT = 10


def files_of(state: dict[str, Any], index: int) -> list[dict[str, Any]]:
    """The files kept for document ``index`` (a session of an older version held one)."""
    kept = state.get("files", {}).get(str(index)) or []
    return [kept] if isinstance(kept, dict) else list(kept)


def file_keep(state: dict[str, Any], index: int, upload: UploadedFile) -> bool:
    """Add an (already checked) upload to document ``index`` in the temporary area;
    False when the document already has as many files as it may."""
    kept = files_of(state, index)
    if len(kept) >= MAX_FILES_PER_DOCUMENT:
        return False
    path = default_storage.save(f"{TMP_PREFIX}/{state['id']}/{index}-{uuid.uuid4().hex}", upload)
    kept.append(
        {"path": path, "name": str(upload.name or "tep")[:200], "size": int(upload.size or 0)}
    )
    state["files"][str(index)] = kept
    return True


def store_keep(state: dict[str, Any], index: int, attachment: Any) -> bool:
    """Choose a file of the data store for document ``index`` (the caller found it in the
    user's own store); False when the document has as many files as it may, or already
    this one."""
    kept = files_of(state, index)
    if len(kept) >= MAX_FILES_PER_DOCUMENT or any(m.get("store") == attachment.pk for m in kept):
        return False
    kept.append({"store": attachment.pk, "name": attachment.name, "size": int(attachment.size)})
    state["files"][str(index)] = kept
    return True


def file_drop(state: dict[str, Any], index: int, position: int | None = None) -> None:
    """Drop one file of document ``index`` (by its position), or all of them."""
    kept = files_of(state, index)
    gone = kept if position is None else kept[position : position + 1]
    for meta in gone:
        if meta.get("path"):
            default_storage.delete(meta["path"])
    rest = [] if position is None else kept[:position] + kept[position + 1 :]
    if rest:
        state["files"][str(index)] = rest
    else:
        state["files"].pop(str(index), None)


def files_forget(state: dict[str, Any]) -> None:
    for index in list(state.get("files", {})):
        for meta in files_of(state, int(index)):
            if meta.get("path"):
                default_storage.delete(meta["path"])


def missing_required(state: dict[str, Any], items: list[DocumentItem]) -> list[DocumentItem]:
    return [i for i in items if i.required and not files_of(state, i.index)]


def _delete_all(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def wizard_submit(
    *, user: Any, procedure: Procedure, state: dict[str, Any]
) -> tuple[Dossier, bool]:
    """Submit the wizard: one online dossier and its files, all or nothing.

    The intake and every ``attachment_add`` run in one transaction: if a file is refused
    the dossier does not exist (files already written to storage may stay orphaned, never
    a row). The idempotency key is the wizard's id, so a refresh or a double click returns
    the first dossier instead of making a second one."""
    unit = Unit.objects.get(code=state["unit"])
    indexes = sorted(int(i) for i in state.get("files", {}) if files_of(state, int(i)))
    kept = [(index, meta) for index in indexes for meta in files_of(state, index)]
    with contextlib.ExitStack() as stack, transaction.atomic():
        uploads: list[tuple[int | None, Any]] = []
        for index, m in kept:
            if m.get("store"):
                source = store_file_get(user=user, attachment_id=int(m["store"]))
                if source is None:
                    raise DossierInvalid(
                        {"files": [f"“{m['name']}” không còn trong kho dữ liệu của bạn."]}
                    )
                uploads.append((index, source))
            else:
                opened = stack.enter_context(default_storage.open(m["path"], "rb"))
                uploads.append((index, File(opened, m["name"])))
        dossier, created = dossier_intake(
            actor=user,
            procedure=procedure,
            unit=unit,
            channel=Channel.ONLINE,
            applicant=state.get("applicant") or {},
            summary=state.get("summary", ""),
            documents=indexes,
            case_code=state.get("case", ""),
            idempotency_key=f"wizard:{state['id']}",
            as_citizen=True,
            eform=state.get("eform"),
            files=uploads,
        )
        paths = [meta["path"] for _index, meta in kept if meta.get("path")]
        transaction.on_commit(lambda: _delete_all(paths))
    return dossier, created


def wizard_files_sweep(*, older_than: dt.timedelta) -> int:
    """Delete the temporary files of wizards abandoned for longer than ``older_than``;
    returns how many files went. Files of a wizard still in use are younger than that."""
    cutoff = timezone.now() - older_than
    removed = 0
    try:
        folders, _files = default_storage.listdir(TMP_PREFIX)
    except FileNotFoundError:
        return 0
    for folder in folders:
        base = f"{TMP_PREFIX}/{folder}"
        _sub, names = default_storage.listdir(base)
        for name in names:
            path = f"{base}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
