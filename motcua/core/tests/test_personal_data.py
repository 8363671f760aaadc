"""Personal data protected (issue 11, finding 7): ID numbers, phones and addresses are
ciphertext in the database, found by a keyed hash; every view of a dossier's personal data
by someone else is logged and shown to the unit administrator; reset tokens stay out of logs."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.models import CitizenProfile
from motcua.accounts.services import profile_update
from motcua.core.crypto import blind_index
from motcua.core.models import PersonalDataAccess
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import APPLICANT, PASSWORD, Province, province
from motcua.units.services import user_create_or_update

__all__ = ["province"]


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


@pytest.fixture
def dossier(province: Province) -> Dossier:
    d, _ = s.dossier_intake(
        actor=province.users["desk"],
        procedure=province.procedure("2.000001"),
        unit=province.commune,
        channel="counter",
        applicant=APPLICANT,
    )
    return d


def test_id_number_phone_and_address_are_ciphertext_at_rest(dossier: Dossier) -> None:
    for column, plain in (
        ("applicant_id_number", APPLICANT["id_number"]),
        ("applicant_phone", APPLICANT["phone"]),
        ("applicant_address", APPLICANT["address"]),
    ):
        stored = _raw("dossiers_dossier", column, dossier.pk)
        assert plain not in stored
        assert stored.startswith("gAAAA")  # a Fernet token
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.applicant_phone == APPLICANT["phone"]
    assert fresh.applicant_id_number == APPLICANT["id_number"]
    assert fresh.applicant_address == APPLICANT["address"]
    assert fresh.applicant_phone_hash == blind_index(APPLICANT["phone"])
    assert APPLICANT["phone"] not in fresh.applicant_phone_hash


def test_citizen_profiles_are_encrypted_and_phone_sign_in_still_works(
    province: Province,
) -> None:
    user = user_create_or_update(username="dan", password=PASSWORD, roles=[("citizen", None)])
    profile_update(
        user=user,
        full_name="Lê Văn Dân",
        id_number="001203009999",
        phone="0912000999",
        email="",
        address="Số 9, xã Một",
    )
    profile = CitizenProfile.objects.get(user=user)
    assert "0912000999" not in _raw("accounts_citizenprofile", "phone", profile.pk)
    assert "001203009999" not in _raw("accounts_citizenprofile", "id_number", profile.pk)
    client = Client()
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": "0912 000 999", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_officers_find_a_dossier_by_the_whole_phone_or_id_number(
    province: Province, dossier: Dossier
) -> None:
    client = Client()
    client.force_login(province.users["desk"])
    for query in (APPLICANT["phone"], APPLICANT["id_number"]):
        page = client.get("/can-bo/ho-so/", {"list": "all", "q": query})
        assert dossier.code in page.content.decode(), query


def test_every_view_of_personal_data_is_logged_for_the_unit_administrator(
    province: Province, dossier: Dossier
) -> None:
    desk = Client()
    desk.force_login(province.users["specialist"])
    assert desk.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 200
    api = APIClient()
    api.force_authenticate(province.users["desk"])
    assert api.get(f"/api/v1/dossiers/{dossier.code}").status_code == 200
    assert api.get("/api/v1/dossiers").status_code == 200
    rows = PersonalDataAccess.objects.filter(dossier=dossier)
    assert {(r.user.username, r.channel) for r in rows} == {
        ("specialist", "workspace"),
        ("desk", "api"),
    }
    assert rows.count() == 3
    admin = Client()
    admin.force_login(province.users["unit_admin"])
    page = admin.get("/admin/core/personaldataaccess/")
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    # Another unit's administrator sees nothing of it.
    other = user_create_or_update(
        username="quantri2", password=PASSWORD, roles=[("unit_admin", "000.01.02.T01")]
    )
    elsewhere = Client()
    elsewhere.force_login(other)
    assert dossier.code not in elsewhere.get("/admin/core/personaldataaccess/").content.decode()


def test_forms_files_and_the_register_are_logged_as_views_of_personal_data(
    province: Province, dossier: Dossier
) -> None:
    """Form 01, the applicant's papers and the register print the name, address and phone:
    each download by staff is a logged view, on the pages and through the API."""
    import io

    from motcua.dossiers.attachments import attachment_add
    from motcua.dossiers.tests.files import pdf_bytes

    paper = attachment_add(
        dossier=dossier,
        actor=province.users["desk"],
        upload=io.BytesIO(pdf_bytes()),
        name="cccd.pdf",
    )
    PersonalDataAccess.objects.all().delete()
    page = Client()
    page.force_login(province.users["specialist"])
    assert page.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/01/").status_code == 200
    assert page.get(f"/can-bo/ho-so/{dossier.code}/tep/{paper.pk}/").status_code == 200
    api = APIClient()
    api.force_authenticate(province.users["desk"])
    assert api.get(f"/api/v1/dossiers/{dossier.code}/forms/01").status_code == 200
    assert api.get(f"/api/v1/dossiers/{dossier.code}/attachments/{paper.pk}").status_code == 200
    day = timezone.localdate(dossier.received_at).isoformat()
    register = api.get(
        "/api/v1/registers",
        {"unit": province.commune.code, "from": day, "to": day, "format": "xlsx"},
    )
    assert register.status_code == 200
    rows = PersonalDataAccess.objects.filter(dossier=dossier)
    assert sorted((r.user.username, r.channel) for r in rows) == [
        ("desk", "file"),
        ("desk", "form"),
        ("desk", "form"),
        ("specialist", "file"),
        ("specialist", "form"),
    ]
    # A 404 (a form the dossier has not reached) shows nothing and logs nothing.
    assert page.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/05/").status_code == 404
    assert rows.count() == 5


def test_password_reset_tokens_stay_out_of_the_logs(
    province: Province, caplog: pytest.LogCaptureFixture
) -> None:
    token_path = "/tai-khoan/dat-lai-mat-khau/MQ/abc123-0123456789abcdef0123456789abcdef/"
    with caplog.at_level(logging.INFO):
        Client().get(token_path)
        logging.getLogger("django.request").warning("Not Found: %s", token_path)
    assert "0123456789abcdef0123456789abcdef" not in caplog.text


def test_field_keys_rotate_without_losing_data(dossier: Dossier, settings: Any) -> None:
    from django.core.management import call_command

    from motcua.dossiers.models import Dossier as Model

    before = _raw("dossiers_dossier", "applicant_phone", dossier.pk)
    settings.SALT_KEY = ["motcua-personal-data-2", *settings.SALT_KEY]
    for field in ("applicant_phone", "applicant_id_number", "applicant_address"):
        Model._meta.get_field(field).__dict__.pop("keys", None)
        Model._meta.get_field(field).__dict__.pop("f", None)
    try:
        assert Model.objects.get(pk=dossier.pk).applicant_phone == APPLICANT["phone"]
        call_command("rotate_field_keys", stdout=io.StringIO())
        after = _raw("dossiers_dossier", "applicant_phone", dossier.pk)
        assert after != before
        # Readable with the new key alone.
        settings.SALT_KEY = ["motcua-personal-data-2"]
        for field in ("applicant_phone", "applicant_id_number", "applicant_address"):
            Model._meta.get_field(field).__dict__.pop("keys", None)
            Model._meta.get_field(field).__dict__.pop("f", None)
        assert Model.objects.get(pk=dossier.pk).applicant_phone == APPLICANT["phone"]
    finally:
        for field in ("applicant_phone", "applicant_id_number", "applicant_address"):
            Model._meta.get_field(field).__dict__.pop("keys", None)
            Model._meta.get_field(field).__dict__.pop("f", None)
