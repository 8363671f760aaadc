"""The desk marks digitised papers at the counter (scan → the document it belongs to →
digitised); the flag is stored on the attachment and read by the national sync
(DuocSoHoa, HoSoCoThanhPhanSoHoa) and by indicator 4.2."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.utils import timezone

from motcua.dossiers import services as s
from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.models import Attachment, AttachmentKind, Dossier
from motcua.dossiers.tests.files import PDF
from motcua.integrations.dvcqg import mapping
from motcua.integrations.dvcqg.snapshot import dossier_snapshot
from motcua.reports.national_indicators import Scope, count_with_result

from .conftest import Province, local
from .test_services import counter_intake, walk_to_last_step


def _named(content: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def _form(province: Province, **extra: object) -> dict[str, object]:
    return {
        "unit": province.commune.code,
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "phone": "0901234567",
        "channel": "counter",
        "documents": ["0", "1"],
        "files-0": _named(PDF, "to-khai.pdf"),
        "files-1": _named(PDF + b"1", "chung-sinh.pdf"),
        **extra,
    }


def test_the_desk_marks_which_scans_are_digitised_at_the_counter(province: Province) -> None:
    client = Client()
    client.force_login(province.users["desk"])
    url = f"/can-bo/tiep-nhan/1.001193/?unit={province.commune.code}"
    page = client.get(url).content.decode()
    # Each document's scan has its mark, ticked by default.
    assert 'name="digitised" value="0" id="digitised-0" checked' in page
    assert 'name="digitised_marked"' in page

    response = client.post(url, _form(province, digitised=["1"], digitised_marked="1"))

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    flags = dict(dossier.attachments.values_list("document_index", "digitised"))
    assert flags == {0: False, 1: True}
    intake = dossier.events.get(seq=1)
    assert [f.get("digitised", False) for f in intake.data["files"]] == [False, True]
    detail = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "số hóa" in detail


def test_a_scan_added_later_on_the_dossier_page_takes_the_mark(province: Province) -> None:
    dossier = counter_intake(province)
    client = Client()
    client.force_login(province.users["desk"])
    url = f"/can-bo/ho-so/{dossier.code}/tep/"
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'id="upload-digitised" checked' in page

    unmarked = {"file": _named(PDF, "a.pdf"), "kind": "document", "digitised_marked": "1"}
    marked = {**unmarked, "file": _named(PDF + b"2", "b.pdf"), "digitised": "1"}
    assert client.post(url, unmarked).status_code == 302
    assert client.post(url, marked).status_code == 302

    assert dict(dossier.attachments.values_list("name", "digitised")) == {
        "a.pdf": False,
        "b.pdf": True,
    }


def _returned(province: Province, *, digitised: bool) -> Dossier:
    at = local(2026, 3, 2, 8, 0)
    d = counter_intake(
        province,
        at=at,
        files=[(None, _named(PDF, "scan.pdf"))],
        digitised_documents={None} if digitised else set(),
    )
    d = walk_to_last_step(province, d, local(2026, 3, 2, 9, 0))
    attachment_add(
        dossier=d,
        actor=province.users["leader"],
        upload=io.BytesIO(PDF + b"kq"),
        name="ket-qua.pdf",
        kind=AttachmentKind.RESULT,
    )
    d = s.dossier_resolve(dossier=d, actor=province.users["leader"], at=local(2026, 3, 3, 9))
    return s.dossier_return(
        dossier=d, actor=province.users["desk"], method="counter", at=local(2026, 3, 3, 10)
    )


def _march() -> Scope:
    # From March to today: the files were uploaded now, the history is dated March.
    start = local(2026, 3, 1, 0, 0)
    end = timezone.now() + dt.timedelta(days=1)
    return Scope(None, None, None, start, end, dt.date(2026, 3, 1), end.date())


def test_the_sync_and_indicator_42_read_the_stored_flag(province: Province) -> None:
    scanned = _returned(province, digitised=True)
    plain = _returned(province, digitised=False)

    # Indicator 4.2: a returned dossier with a digitised submitted document and a result.
    assert count_with_result(_march(), with_document=True) == 1
    for dossier, expected in ((scanned, 1), (plain, 0)):
        snapshot = dossier_snapshot(dossier, dossier.events.order_by("-seq").first())
        (submitted,) = mapping._files(snapshot, mapping.Codes())
        assert submitted["DuocSoHoa"] == expected
        row = next(r for r in mapping.DOSSIER_FIELDS if r.name == "HoSoCoThanhPhanSoHoa")
        assert row.get(snapshot, mapping.Codes()) == expected

    # Marking the plain one's scan as digitised (an officer's correction) changes both.
    Attachment.objects.filter(dossier=plain, kind=AttachmentKind.DOCUMENT).update(digitised=True)
    assert count_with_result(_march(), with_document=True) == 2
