"""The catalogue, file and payment indicators of Decision 766 (3.x, 4.1, 4.2, 2.2) on a
dossier built through the services: an online building permit paid online by its applicant,
with a submitted document and an electronic result."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.services import (
    dossier_accept,
    dossier_confirm_payment,
    dossier_forward,
    dossier_intake,
    dossier_request_payment,
    dossier_resolve,
    dossier_return,
)
from motcua.procedures.models import Procedure
from motcua.reports.national_indicators import national_indicators
from motcua.reports.summary import stats_differences
from motcua.reports.tests.conftest import A, Place

TZ = dt.timezone(dt.timedelta(hours=7))
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MARCH = (dt.date(2027, 3, 1), dt.date(2027, 3, 31))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def permit(place: Place) -> Place:
    citizen = place.users["citizen"]
    procedure = Procedure.objects.get(code="1.009972")
    d, _ = dossier_intake(
        actor=citizen, procedure=procedure, unit=place.department, channel="online",
        applicant=A, at=at(1, 9),
    )  # fmt: skip
    attachment_add(dossier=d, actor=citizen, upload=SimpleUploadedFile("don.pdf", PDF),
                   name="don.pdf", kind="document", document_index=0)  # fmt: skip
    d = dossier_accept(dossier=d, actor=None, at=at(1, 10))
    d = dossier_forward(dossier=d, actor=None, at=at(1, 10, 30))
    d = dossier_forward(dossier=d, actor=None, at=at(1, 11))
    d = dossier_request_payment(dossier=d, actor=None, amount=75000, at=at(1, 13))
    d = dossier_confirm_payment(dossier=d, actor=citizen, at=at(2, 9))
    attachment_add(dossier=d, actor=None, upload=SimpleUploadedFile("gp.pdf", PDF),
                   name="gp.pdf", kind="result")  # fmt: skip
    d = dossier_resolve(dossier=d, actor=None, at=at(3, 10))
    dossier_return(dossier=d, actor=None, method="online", at=at(3, 14))
    return place


def _ids(place: Place, period: tuple[dt.date, dt.date], **kw: Any) -> dict[str, Any]:
    items = national_indicators(unit=place.department, date_from=period[0], date_to=period[1],
                                **kw)  # fmt: skip
    return {i.id: (i.numerator, i.denominator, i.value) for i in items}


def test_catalogue_files_and_payment_indicators(permit: Place) -> None:
    got = _ids(permit, MARCH)
    assert got["3.1"] == (2, 2, 100.0)  # 1.009972 partial, 2.000001 full
    assert got["3.2"] == (1, 2, 50.0)  # only the permit received online dossiers
    assert got["3.3"] == (1, 1, 100.0)  # online and returned with an electronic result
    assert got["3.5"] == (1, 1, 100.0)
    assert got["3.6"] == (1, 1, 100.0)  # paid by the applicant on the portal
    assert got["4.1"] == (1, 1, 100.0)
    assert got["4.2"] == (1, 1, 100.0)
    assert got["2.1"] == (1, 1, 100.0)
    assert stats_differences() == []


def test_cohort_indicators_are_as_of_the_end_of_the_period(permit: Place) -> None:
    first_day = _ids(permit, (MARCH[0], dt.date(2027, 3, 1)))
    assert first_day["3.6"] == (0, 1, 0.0)  # paid on the 2nd
    assert first_day["4.1"] == (0, 0, None)  # nothing returned yet: N/A, not 0 %
    assert _ids(permit, (MARCH[0], dt.date(2027, 3, 2)))["3.6"] == (1, 1, 100.0)


def test_average_resolution_time_of_the_permit(permit: Place) -> None:
    procedure = Procedure.objects.get(code="1.009972")
    # Accepted Mon 1st 10:00, resolved Wed 3rd 10:00: 5.5 + 8 + 2.5 = 16 working hours.
    assert _ids(permit, MARCH, procedure=procedure)["2.2"] == (2.0, 1, 2.0)


def test_a_later_catalogue_edit_leaves_a_past_period_alone(permit: Place) -> None:
    from motcua.procedures.models import ProcedureVersion
    from motcua.procedures.services import procedure_publish

    procedure = Procedure.objects.get(code="2.000001")
    Procedure.objects.filter(pk=procedure.pk).update(online="none")
    version = procedure_publish(procedure=procedure)
    ProcedureVersion.objects.filter(pk=version.pk).update(
        created_at=dt.datetime(2027, 4, 1, 8, tzinfo=TZ)
    )
    assert _ids(permit, MARCH)["3.1"] == (2, 2, 100.0)
    assert _ids(permit, (dt.date(2027, 4, 1), dt.date(2027, 4, 30)))["3.1"] == (1, 2, 50.0)
