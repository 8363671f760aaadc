"""``motcua demo``: database, demo catalogue, demo accounts, admin login."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conftest import DEMO_CATALOG, run_motcua
from motcua.demo.loader import DEMO_PASSWORD, demo_accounts, demo_load
from motcua.procedures.catalog import catalog_import
from motcua.procedures.models import Procedure
from motcua.units.models import Membership, Role, Unit, UnitLevel

needs_demo_catalog = pytest.mark.skipif(
    not DEMO_CATALOG.exists(), reason="motcua/demo/catalog.json is not written yet"
)


@needs_demo_catalog
def test_demo_prepares_the_database_and_prints_the_accounts(data_dir: Path) -> None:
    first = run_motcua("--data-dir", str(data_dir), "demo", "--no-serve", data_dir=data_dir)
    second = run_motcua("--data-dir", str(data_dir), "demo", "--no-serve", data_dir=data_dir)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    for out in (first.stdout, second.stdout):
        assert "admin" in out
        assert DEMO_PASSWORD in out
        assert "http://127.0.0.1:8000/" in out
    assert "loading demo data" in first.stdout
    assert "http://127.0.0.1:8000/hop-thu-demo/" in first.stdout  # where the demo's mail is
    assert "loading demo data" not in second.stdout  # already loaded: nothing to do
    with sqlite3.connect(data_dir / "motcua.sqlite3") as db:
        levels = dict(db.execute("SELECT level, COUNT(*) FROM units_unit GROUP BY level"))
        procedures = db.execute("SELECT COUNT(*) FROM procedures_procedure").fetchone()[0]
        versions = db.execute("SELECT COUNT(*) FROM procedures_procedureversion").fetchone()[0]
        without_steps = db.execute(
            "SELECT COUNT(*) FROM procedures_procedure p WHERE NOT EXISTS "
            "(SELECT 1 FROM procedures_workflowstep s WHERE s.procedure_id = p.id)"
        ).fetchone()[0]
        birth = db.execute(
            "SELECT name FROM procedures_procedure WHERE code = '1.001193'"
        ).fetchone()
        # A living province: a few hundred dossiers of the last months, some still open.
        dossiers = dict(db.execute("SELECT status, COUNT(*) FROM dossiers_dossier GROUP BY status"))
        first_commune = db.execute(
            "SELECT COUNT(*) FROM dossiers_dossier d JOIN units_unit u ON u.id = d.unit_id "
            "WHERE u.code = (SELECT MIN(code) FROM units_unit WHERE level = 'commune')"
        ).fetchone()[0]
        named = db.execute(
            "SELECT full_name FROM units_staffprofile p JOIN auth_user u ON u.id = p.user_id "
            "WHERE u.username = 'motcua.xa'"
        ).fetchone()
    assert sum(dossiers.values()) >= 300
    assert dossiers.get("returned", 0) > 100 and dossiers.get("processing", 0) > 0
    assert first_commune >= 50
    assert named and " " in named[0]
    verified = run_motcua("--data-dir", str(data_dir), "verify-history", data_dir=data_dir)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert levels["department"] >= 10
    assert levels["commune"] >= 20
    assert procedures >= 60
    assert versions == procedures  # the second run wrote no new versions
    assert without_steps == 0
    assert birth == ("Đăng ký khai sinh",)


@needs_demo_catalog
@pytest.mark.django_db
def test_demo_admin_logs_in_to_the_admin(client: Client) -> None:
    demo_load(history=False)

    # The admin signs in through the workspace sign-in (one policy for every door).
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    response = client.post(
        page["Location"], {"username": "admin", "password": DEMO_PASSWORD, "next": "/admin/"}
    )

    assert client.get(page["Location"]).status_code == 200
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@needs_demo_catalog
@pytest.mark.django_db
def test_demo_has_one_account_per_role() -> None:
    demo_load(history=False)

    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    for account in demo_accounts():
        assert Client().login(username=account.username, password=DEMO_PASSWORD)


@needs_demo_catalog
@pytest.mark.django_db
def test_demo_catalogue_reimports_without_change() -> None:
    demo_load(history=False)

    report = catalog_import(json.loads(DEMO_CATALOG.read_text(encoding="utf-8")))

    assert not report.changed


@needs_demo_catalog
@pytest.mark.django_db
def test_demo_catalogue_has_the_promised_content() -> None:
    demo_load(history=False)

    assert Unit.objects.filter(level=UnitLevel.DEPARTMENT).count() >= 10
    assert Unit.objects.filter(level=UnitLevel.COMMUNE).count() >= 20
    assert Procedure.objects.count() >= 60
    assert not Procedure.objects.filter(steps=None).exists()
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert "Tờ khai đăng ký khai sinh" in [d.name for d in birth.documents.all()]
    assert Procedure.objects.filter(name__icontains="giấy phép xây dựng").exists()
    assert Procedure.objects.values("field").distinct().count() >= 5
    assert Procedure.objects.values("level").distinct().count() >= 2


@pytest.mark.django_db
def test_demo_load_with_the_fixture_catalogue_creates_the_accounts(
    catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch, catalog_file: Path
) -> None:
    # Independent of the shipped demo data: the loader on the small fixture catalogue.
    monkeypatch.setattr("motcua.demo.loader.CATALOG", catalog_file)

    demo_load(history=False)
    demo_load(history=False)

    usernames = {a.username for a in demo_accounts()}
    assert {"admin", "motcua.xa", "congdan"} <= usernames
    assert Client().login(username="motcua.xa", password=DEMO_PASSWORD)
