"""What the citizen reads follows the dossier: the receipt after it moved on, the papers
supplied on request, no appointment for a refused dossier, one line per result file."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import PDF, Place, submit, to_returned
from motcua.core.textcheck import text_problems
from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.models import AttachmentKind
from motcua.dossiers.services import (
    dossier_accept,
    dossier_refuse,
    dossier_request_supplement,
    dossier_supplement,
)

pytestmark = pytest.mark.django_db


def _client(place: Place) -> Client:
    client = Client()
    client.force_login(place.citizen)
    return client


def _text(response: Any) -> str:
    import re

    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1]).split())


def test_the_receipt_of_a_returned_dossier_says_where_it_is(place: Place) -> None:
    dossier = to_returned(place, submit(place))
    text = _text(_client(place).get(f"/ho-so-cua-toi/{dossier.code}/bien-nhan/"))
    assert "Đã nộp hồ sơ thành công" not in text
    assert "Đã trả kết quả" in text
    # One file handed in, whatever forms and results were issued since.
    assert "Số tệp đã nộp 1" in text


def test_papers_asked_for_and_supplied_read_supplied(place: Place) -> None:
    dossier = submit(place)
    dossier.documents[1]["received"] = False
    dossier.save(update_fields=["documents"])
    dossier = dossier_accept(dossier=dossier, actor=place.users["desk"])
    dossier = dossier_request_supplement(
        dossier=dossier, actor=place.users["desk"], items=["Giấy chứng sinh (bản chính)"]
    )
    file = attachment_add(
        dossier=dossier,
        actor=place.citizen,
        upload=io.BytesIO(PDF),
        name="chung-sinh.pdf",
        kind=AttachmentKind.SUPPLEMENT,
    )
    dossier = dossier_supplement(dossier=dossier, actor=place.citizen, attachments=[file.pk])
    text = _text(_client(place).get(f"/ho-so-cua-toi/{dossier.code}/"))
    assert "Giấy chứng sinh — đã bổ sung" in text
    assert "chưa nộp" not in text


def test_a_refused_dossier_has_no_appointment(place: Place) -> None:
    dossier = dossier_refuse(
        dossier=submit(place), actor=place.users["desk"], reason="Không thuộc thẩm quyền"
    )
    text = _text(_client(place).get(f"/ho-so-cua-toi/{dossier.code}/"))
    assert "Tính từ khi được tiếp nhận" not in text
    assert text_problems(text, usernames=["desk", "specialist", "leader"]) == []


def test_a_result_kept_twice_is_listed_once(place: Place) -> None:
    from motcua.accounts.tests.fixtures import to_processing
    from motcua.dossiers.services import dossier_forward, dossier_resolve, dossier_return

    dossier = to_processing(place, submit(place))
    dossier = dossier_forward(dossier=dossier, actor=place.users["specialist"])
    for _ in range(2):  # uploaded with the resolve form, then again from the file list
        attachment_add(
            dossier=dossier,
            actor=place.users["leader"],
            upload=io.BytesIO(PDF),
            name="giay-khai-sinh.pdf",
            kind=AttachmentKind.RESULT,
        )
    dossier = dossier_resolve(dossier=dossier, actor=place.users["leader"])
    dossier = dossier_return(dossier=dossier, actor=place.users["desk"], method="online")
    html = _client(place).get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert html.count('class="result-link"') == 1
