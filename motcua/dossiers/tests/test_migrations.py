"""Upgrading a running province keeps its data right: what a migration fills in for the
dossiers already there."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from motcua.dossiers import services as s
from motcua.dossiers.models import DossierParticipant

from .conftest import APPLICANT, Province

BEFORE = [("dossiers", "0007_scope_by_participants")]
AFTER = [("dossiers", "0008_participant_created_at")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_existing_participants_take_their_dossiers_creation_time(province: Province) -> None:
    dossiers = [
        s.dossier_intake(
            actor=province.users["desk"],
            procedure=province.procedure("1.001193"),
            unit=province.commune,
            channel="counter",
            applicant=APPLICANT,
        )[0]
        for _ in range(2)
    ]
    _migrate(BEFORE)  # a database from before the copy: participants without the time
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM dossiers_dossierparticipant")
            assert cursor.fetchone()[0] == 2
    finally:
        _migrate(AFTER)
    copied = dict(DossierParticipant.objects.values_list("dossier_id", "created_at"))
    assert copied == {d.pk: d.created_at for d in dossiers}
