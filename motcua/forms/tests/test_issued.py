"""Forms are drawn by a worker after the action commits and filed once with their SHA-256;
asked for before the worker made it, a form is drawn on the spot and filed then (CONTRACT.md
§7). Either way every download is the same file."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from motcua.dossiers.models import AttachmentKind
from motcua.dossiers.services import dossier_intake
from motcua.dossiers.tests.conftest import APPLICANT, Province, province  # noqa: F401
from motcua.forms.models import IssuedForm
from motcua.forms.services import form_archive

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def receive(province: Province) -> Any:  # noqa: F811
    dossier, _ = dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
    )
    return dossier


@pytest.mark.django_db
@override_settings(TASKS=DUMMY_TASKS)
def test_intake_only_queues_the_receipt(
    province: Province,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django_tasks import default_task_backend

    default_task_backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(province)
    assert not IssuedForm.objects.exists()  # no PDF was drawn in the request
    queued = [r for r in default_task_backend.results if r.task.name == "call"]  # type: ignore[attr-defined]
    assert [r.args[0] for r in queued] == ["motcua.forms.services.form_archive"]
    assert queued[0].args[1] == {"dossier_id": dossier.pk, "number": "01", "seq": 1}


@pytest.mark.django_db
@override_settings(TASKS=DUMMY_TASKS)
def test_a_form_asked_for_before_the_worker_is_drawn_then_and_filed_once(
    province: Province,  # noqa: F811
) -> None:
    dossier = receive(province)
    client = APIClient()
    client.force_authenticate(province.users["desk"])
    first = client.get(f"/api/v1/dossiers/{dossier.code}/forms/01")
    second = client.get(f"/api/v1/dossiers/{dossier.code}/forms/01")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    # The worker's task comes late: it finds the form filed and files nothing more.
    form_archive(dossier_id=dossier.pk, number="01", seq=1)
    (issued,) = IssuedForm.objects.filter(dossier=dossier)
    assert issued.attachment.kind == AttachmentKind.FORM
    assert issued.attachment.sha256 == hashlib.sha256(first.content).hexdigest()
    assert dossier.attachments.filter(kind=AttachmentKind.FORM).count() == 1


@pytest.mark.django_db
def test_the_worker_files_the_receipt_with_its_checksum(
    province: Province,  # noqa: F811
) -> None:
    dossier = receive(province)
    form_archive(dossier_id=dossier.pk, number="01", seq=1)
    issued = IssuedForm.objects.get(dossier=dossier, number="01")
    with issued.attachment.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == issued.attachment.sha256


@pytest.mark.django_db
def test_a_dossier_full_of_files_still_gives_its_form_unfiled(
    province: Province,  # noqa: F811
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MOTCUA_MAX_DOSSIER_FILES = 0  # no room for the receipt among the dossier's files
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(province)
    client = APIClient()
    client.force_authenticate(province.users["desk"])

    response = client.get(f"/api/v1/dossiers/{dossier.code}/forms/01")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not IssuedForm.objects.filter(dossier=dossier).exists()
