"""Kho dữ liệu của tôi: the owner's results (with their national result code) and earlier
documents, downloadable; reused in a new online submission instead of uploaded (the same
stored file, marked reused, counted by indicator 4.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import (
    COMMUNE,
    PDF,
    PHONE,
    Place,
    pdf,
    submit,
    to_returned,
)
from motcua.dossiers.models import Attachment, Dossier
from motcua.dossiers.services import dossier_accept
from motcua.dossiers.store import store_list
from motcua.integrations.dvcqg.indicators import reused_count
from motcua.procedures.models import Procedure
from motcua.reports.national_indicators import Scope

pytestmark = pytest.mark.django_db
BIRTH = "/thu-tuc/1.001193/nop-truc-tuyen/"


def _html(response: Any) -> str:
    return response.content.decode()


def _returned_with_result(place: Place, user: Any = None) -> tuple[Dossier, Attachment]:
    Procedure.objects.filter(code="1.001193").update(result_code="KQ.G07.000122")
    dossier = to_returned(place, submit(place, user=user), method="online")
    return dossier, Attachment.objects.get(dossier=dossier, kind="result")


def _to_documents_step(client: Client) -> None:
    assert client.post(BIRTH, {"unit": COMMUNE}).status_code == 302
    response = client.post(
        BIRTH + "nguoi-nop/",
        {
            "name": "Nguyễn Văn An",
            "id_number": "001203004567",
            "phone": PHONE,
            "email": "an@example.vn",
            "address": "Số 1, xã Một",
        },
    )
    assert response.status_code == 302


def _today_scope() -> Scope:
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    return Scope(None, None, None, start, start + dt.timedelta(days=1), today, today)


def test_a_result_carries_the_national_result_code_of_its_procedure(place: Place) -> None:
    _dossier, result = _returned_with_result(place)

    assert result.result_code == "KQ.G07.000122"


def test_the_store_lists_the_owners_results_and_documents_only(
    place: Place, citizen_client: Client
) -> None:
    mine, result = _returned_with_result(place)
    pending = submit(place)  # not resolved: its document is in the store, no result yet
    theirs, their_result = _returned_with_result(place, user=place.other_citizen)

    html = _html(citizen_client.get("/kho-du-lieu/"))

    assert "Kho dữ liệu của tôi" in html
    assert 'href="/kho-du-lieu/"' in _html(citizen_client.get("/ho-so-cua-toi/"))
    assert "KQ.G07.000122" in html
    assert f'href="/kho-du-lieu/{result.pk}/"' in html
    assert mine.code in html and pending.code in html
    assert theirs.code not in html
    assert f"/kho-du-lieu/{their_result.pk}/" not in html
    # The same file handed in twice is listed once.
    assert len([a for a in store_list(user=place.citizen) if a.kind != "result"]) == 1


def test_the_owner_downloads_a_stored_file_and_nobody_else_can(
    place: Place, citizen_client: Client, client: Client
) -> None:
    _mine, result = _returned_with_result(place)

    response = citizen_client.get(f"/kho-du-lieu/{result.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-SHA256"] == result.sha256

    assert (
        place.client_for(place.other_citizen).get(f"/kho-du-lieu/{result.pk}/").status_code == 404
    )
    # Officers of the unit do not browse a citizen's store either.
    assert (
        place.client_for(place.users["desk"]).get(f"/kho-du-lieu/{result.pk}/").status_code == 404
    )
    anonymous = client.get(f"/kho-du-lieu/{result.pk}/")
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    assert client.get("/kho-du-lieu/").status_code == 302


def test_a_stored_result_is_reused_in_a_new_submission(
    place: Place, citizen_client: Client
) -> None:
    _earlier, result = _returned_with_result(place)
    files_before = Attachment.objects.values("file").distinct().count()
    _to_documents_step(citizen_client)

    page = _html(citizen_client.get(BIRTH + "giay-to/"))
    assert f'<option value="{result.pk}">' in page  # offered for every document
    response = citizen_client.post(
        BIRTH + "giay-to/",
        {"doc_0": pdf("to-khai.pdf"), "store_1": str(result.pk), "next": "1"},
    )
    assert response.status_code == 302, _html(response)
    review = _html(citizen_client.get(BIRTH + "xem-lai/"))
    assert result.name in review
    wizard_id = citizen_client.session["citizen_wizard"]["1.001193"]["id"]
    response = citizen_client.post(BIRTH + "xem-lai/", {"wizard": wizard_id, "confirm": "on"})
    assert response.status_code == 302, _html(response)

    dossier = Dossier.objects.exclude(pk=_earlier.pk).exclude(attachments__kind="result").get()
    reused = Attachment.objects.get(dossier=dossier, document_index=1)
    # The same stored file and SHA-256, nothing copied; marked reused, pointing at its source.
    assert reused.reused and reused.reused_from_id == result.pk
    assert (reused.file.name, reused.sha256, reused.size) == (
        result.file.name,
        result.sha256,
        result.size,
    )
    fresh = Attachment.objects.get(dossier=dossier, document_index=0)
    assert not fresh.reused
    assert Attachment.objects.values("file").distinct().count() == files_before + 1
    with reused.file.open("rb") as handle:
        assert handle.read() == PDF
    intake = dossier.events.get(seq=1)
    assert {"id": reused.pk, "document": 1, "name": reused.name, "sha256": reused.sha256,
            "reused": True} in intake.data["files"]  # fmt: skip
    # Indicator 4.3 counts the dossier once the desk has received it.
    assert reused_count(_today_scope()) == 0
    dossier_accept(dossier=dossier, actor=place.users["desk"])
    assert reused_count(_today_scope()) == 1
    # The reuse is not listed in the store a second time.
    assert [a.pk for a in store_list(user=place.citizen) if a.kind == "result"] == [result.pk]


def test_someone_elses_file_cannot_be_chosen_from_the_store(
    place: Place, citizen_client: Client
) -> None:
    _theirs, their_result = _returned_with_result(place, user=place.other_citizen)
    _to_documents_step(citizen_client)

    response = citizen_client.post(
        BIRTH + "giay-to/", {"store_0": str(their_result.pk), "next": "1"}
    )

    assert response.status_code == 400
    assert "không có trong kho dữ liệu của bạn" in _html(response)
    assert citizen_client.session["citizen_wizard"]["1.001193"]["files"] == {}
    response = citizen_client.post(BIRTH + "giay-to/", {"store_0": "abc", "next": "1"})
    assert response.status_code == 400


def test_reuse_through_the_service_checks_the_owner(place: Place) -> None:
    from motcua.dossiers.attachments import attachment_reuse
    from motcua.dossiers.errors import DossierInvalid

    _theirs, their_result = _returned_with_result(place, user=place.other_citizen)
    mine = submit(place)

    with pytest.raises(DossierInvalid):
        attachment_reuse(dossier=mine, actor=place.citizen, source=their_result)
    assert not Attachment.objects.filter(dossier=mine, reused=True).exists()
