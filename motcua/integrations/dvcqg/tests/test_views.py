"""The sync state on the dossier page, and the administrators' failures page with resend."""

from __future__ import annotations

import io
from typing import Any

from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.models import AttachmentKind
from motcua.dossiers.services import dossier_withdraw
from motcua.integrations.dvcqg.models import NationalSync, SyncState
from motcua.integrations.dvcqg.tests.conftest import Province, drain, local
from motcua.integrations.dvcqg.tests.standin import StandIn
from motcua.integrations.dvcqg.tests.test_sync import PDF, _intake
from motcua.procedures.models import Procedure
from motcua.units.services import user_create_or_update


def test_the_dossier_page_shows_its_sync_state(
    province: Province, portal: StandIn, client: Any
) -> None:
    dossier = _intake(province)
    client.force_login(province.users["desk"])

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đồng bộ Cổng Dịch vụ công quốc gia" in page
    assert "Đang chờ gửi" in page

    drain()
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đã đồng bộ" in page
    assert "2 / 1" not in page and "1 / 1" in page


def test_the_failures_page_lists_errors_and_resends(
    province: Province, portal: StandIn, client: Any, settings: Any
) -> None:
    Procedure.objects.filter(code="1.001193").update(result_code="")  # fixed below
    failing = _intake(province)
    attachment_add(
        dossier=failing, actor=province.users["desk"], upload=io.BytesIO(PDF),
        name="kq.pdf", kind=AttachmentKind.RESULT,
    )  # fmt: skip
    dossier_withdraw(dossier=failing, actor=province.users["desk"], at=local(2027, 3, 1, 14, 20))
    fine = _intake(province, minute=30)
    drain()
    assert NationalSync.objects.get(dossier=fine).state == SyncState.SYNCED
    admin = user_create_or_update(username="root", password="mat-khau-quan-tri", superuser=True)
    client.force_login(admin)

    page = client.get("/admin/integrations/nationalsync/?failing=1").content.decode()
    (invalid,) = NationalSync.objects.filter(state=SyncState.INVALID)
    assert invalid.dossier_id == failing.pk
    assert failing.code in page
    assert fine.code not in page
    assert "mã kết quả quốc gia" in page

    Procedure.objects.filter(code="1.001193").update(result_code="KQ.G07.000122")
    sync = invalid
    response = client.post(
        "/admin/integrations/nationalsync/",
        {"action": "resend", "_selected_action": [sync.pk]},
        follow=True,
    )
    assert "Đã xếp" in response.content.decode()
    drain()
    assert NationalSync.objects.get(dossier=failing).state == SyncState.SYNCED
    assert failing.code in portal.state()["dossiers"]
