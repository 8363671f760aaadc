"""The numerators of indicators 1.4, 4.3, 4.4 and 4.5 the integration gives the reports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from motcua.dossiers.attachments import attachment_add
from motcua.dossiers.models import Attachment
from motcua.dossiers.tests.files import PDF
from motcua.integrations.dvcqg.indicators import (
    data_store_count,
    register,
    reused_count,
    synced_count,
    vneid_count,
)
from motcua.integrations.dvcqg.models import NationalSync
from motcua.integrations.dvcqg.tests.conftest import TZ, Province, drain
from motcua.integrations.dvcqg.tests.standin import StandIn
from motcua.integrations.dvcqg.tests.test_sync import _intake
from motcua.reports.national_indicators import COUNT_SOURCES, Scope
from motcua.units.models import Unit


def _scope(**changes: Any) -> Scope:
    values: dict[str, Any] = {
        "unit_ids": None,
        "field_id": None,
        "procedure_id": None,
        "start": dt.datetime(2027, 3, 1, tzinfo=TZ),
        "end": dt.datetime(2027, 4, 1, tzinfo=TZ),
        "date_from": dt.date(2027, 3, 1),
        "date_to": dt.date(2027, 3, 31),
    }
    return Scope(**{**values, **changes})


def test_synchronised_share_counts_dossiers_the_portal_accepted(
    province: Province, portal: StandIn
) -> None:
    accepted = _intake(province)
    drain()
    portal.outage = "refuse"
    _intake(province, minute=30)  # not on the portal yet
    drain(rounds=1)
    _intake(province, day=2)  # another day, still March

    assert synced_count(_scope()) == 1
    assert synced_count(_scope(end=dt.datetime(2027, 3, 1, 14, 0, tzinfo=TZ))) == 0
    other = Unit.objects.exclude(pk=accepted.unit_id).first()
    assert other is not None
    assert synced_count(_scope(unit_ids=[other.pk])) == 0
    register()
    assert COUNT_SOURCES["1.4"] is synced_count


def test_flags_on_the_attachments_feed_43_44_45(province: Province, portal: StandIn) -> None:
    dossier = _intake(province)
    NationalSync.objects.filter(dossier=dossier).update(origin="national", vneid_verified=True)
    assert (reused_count(_scope()), data_store_count(_scope()), vneid_count(_scope())) == (0, 0, 1)

    # A file reused from earlier digitised data (DuocTaiSuDung) counts for 4.3, one from the
    # national data store (DuocLayTuKhoDMQG) for 4.4 — read from the stored attachment.
    reused = attachment_add(
        dossier=dossier, actor=province.users["desk"], upload=io.BytesIO(PDF), name="a.pdf",
        reused=True,
    )  # fmt: skip
    assert (reused_count(_scope()), data_store_count(_scope())) == (1, 0)
    Attachment.objects.filter(pk=reused.pk).update(from_national_store=True)
    assert (reused_count(_scope()), data_store_count(_scope())) == (1, 1)
    # Outside the period or the units: not counted.
    assert reused_count(_scope(start=dt.datetime(2027, 4, 1, tzinfo=TZ),
                               end=dt.datetime(2027, 5, 1, tzinfo=TZ))) == 0  # fmt: skip
    other = Unit.objects.exclude(pk=dossier.unit_id).first()
    assert other is not None
    assert data_store_count(_scope(unit_ids=[other.pk])) == 0
