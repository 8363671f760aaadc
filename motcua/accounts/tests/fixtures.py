"""State for the citizen-portal tests, built through the product's own functions: the
catalogue import, ``user_create_or_update``, ``citizen_register`` and the dossier services.

Import the fixtures into a test module with ``from motcua.accounts.tests.fixtures import *``.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import CitizenProfile
from motcua.accounts.services import citizen_register, email_verify, verification_token
from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    dossier_accept,
    dossier_forward,
    dossier_intake,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_resolve,
    dossier_return,
)
from motcua.dossiers.tests import files
from motcua.dossiers.tests.conftest import CATALOG
from motcua.procedures.catalog import catalog_import
from motcua.procedures.models import Procedure
from motcua.units.models import Unit
from motcua.units.services import user_create_or_update

PASSWORD = "Mat-khau-2025!"
COMMUNE = "000.01.01.T01"
PHONE = "0901234567"

# The smallest valid files of each kind the portal accepts.
PDF = files.PDF
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def pdf(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def not_a_pdf(name: str = "virus.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 this is an exe", content_type="application/pdf")


def citizen_catalog() -> dict[str, Any]:
    """The dossiers tests' province; the case procedure is offered online here, and birth
    registration gets an optional document."""
    data = copy.deepcopy(CATALOG)
    for procedure in data["procedures"]:
        if procedure["code"] == "3.000001":
            procedure["online"] = "partial"
        if procedure["code"] == "1.001193":
            procedure["documents"].append(
                {"name": "Giấy tờ khác (nếu có)", "kind": "copy", "count": 1, "required": False}
            )
    return data


@dataclass
class Place:
    commune: Unit
    users: dict[str, Any]
    citizen: Any
    other_citizen: Any
    clients: dict[str, Client] = field(default_factory=dict)

    def procedure(self, code: str) -> Procedure:
        return Procedure.objects.get(code=code)

    def client_for(self, user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client


def make_citizen(email: str, name: str = "Nguyễn Văn An", phone: str = PHONE) -> Any:
    user = citizen_register(full_name=name, phone=phone, email=email, password=PASSWORD)
    assert email_verify(token=verification_token(user)) is not None
    profile = CitizenProfile.objects.get(user=user)
    profile.id_number = "001203004567"
    profile.address = "Số 1, xã Một"
    profile.save()
    return user


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the cache; every test starts with none."""
    cache.clear()


@pytest.fixture
def place(db: None) -> Place:
    catalog_import(citizen_catalog())
    users = {
        name: user_create_or_update(username=name, password=PASSWORD, roles=[(role, COMMUNE)])
        for name, role in (("desk", "desk"), ("specialist", "specialist"), ("leader", "leader"))
    }
    return Place(
        commune=Unit.objects.get(code=COMMUNE),
        users=users,
        citizen=make_citizen("an@example.vn"),
        other_citizen=make_citizen("binh@example.vn", name="Trần Thị Bình", phone="0912000111"),
    )


@pytest.fixture
def citizen_client(place: Place) -> Client:
    return place.client_for(place.citizen)


def submit(place: Place, *, user: Any = None, procedure: str = "1.001193") -> Dossier:
    """An online dossier of the citizen, with one file, through the services."""
    user = user or place.citizen
    applicant = {
        "kind": "citizen",
        "name": "Nguyễn Văn An",
        "phone": PHONE,
        "email": user.email,
        "id_number": "001203004567",
    }
    dossier, _ = dossier_intake(
        actor=user,
        procedure=place.procedure(procedure),
        unit=place.commune,
        channel="online",
        applicant=applicant,
        documents=[0, 1],
        as_citizen=True,
    )
    attachment_add(dossier=dossier, actor=user, upload=io.BytesIO(PDF), name="don.pdf")
    return dossier


def to_supplement(place: Place, dossier: Dossier) -> Dossier:
    dossier = dossier_accept(dossier=dossier, actor=place.users["desk"])
    return dossier_request_supplement(
        dossier=dossier, actor=place.users["desk"], items=["Bản sao sổ hộ khẩu", "Ảnh 4x6"]
    )


def to_processing(place: Place, dossier: Dossier) -> Dossier:
    if dossier.status == "submitted":
        dossier = dossier_accept(dossier=dossier, actor=place.users["desk"])
    return dossier_forward(dossier=dossier, actor=place.users["desk"])


def to_payment(place: Place, dossier: Dossier, amount: int = 50000) -> Dossier:
    dossier = to_processing(place, dossier)
    return dossier_request_payment(dossier=dossier, actor=place.users["specialist"], amount=amount)


def to_returned(place: Place, dossier: Dossier, *, method: str = "online") -> Dossier:
    """Accept, walk both steps, attach a result, resolve and return."""
    dossier = to_processing(place, dossier)  # step 1: specialist
    dossier = dossier_forward(dossier=dossier, actor=place.users["specialist"])  # step 2: leader
    attachment_add(
        dossier=dossier,
        actor=place.users["leader"],
        upload=io.BytesIO(PDF),
        name="giay-khai-sinh.pdf",
        kind="result",
    )
    dossier = dossier_resolve(dossier=dossier, actor=place.users["leader"])
    return dossier_return(dossier=dossier, actor=place.users["desk"], method=method)


__all__ = [
    "COMMUNE",
    "PASSWORD",
    "PDF",
    "PHONE",
    "PNG",
    "Place",
    "_fresh_cache",
    "citizen_client",
    "make_citizen",
    "not_a_pdf",
    "pdf",
    "place",
    "submit",
    "to_payment",
    "to_processing",
    "to_returned",
    "to_supplement",
]
