"""The leader dashboard and the transparency page in headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from motcua.dossiers.importer import import_dossiers
from motcua.procedures.catalog import catalog_import
from motcua.reports.seed import seed_dossiers
from motcua.reports.tests.conftest import HAND_LINES, hand_catalog
from motcua.units.services import user_create_or_update

pytestmark = pytest.mark.browser


def _log_in(site: str, browser: Any) -> None:
    admin = user_create_or_update(username="thongke", password="mat-khau-1", superuser=True)
    client = Client()
    client.force_login(admin)
    browser.get(site + "/healthz")
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )


def test_the_dashboard_renders_with_the_chart_and_filters(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    catalog_import(hand_catalog())
    lines = [(i, json.dumps(line, ensure_ascii=False)) for i, line in enumerate(HAND_LINES, 1)]
    assert import_dossiers(lines).errors == []
    seed_dossiers(dossiers=1500, units=8, years=2, prefix="B01")
    _log_in(site, browser)

    browser.get(site + "/can-bo/thong-ke/?unit=000.00.00.B01")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.chart")))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Thống kê tình hình giải quyết hồ sơ"
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")
    assert len(bars) > 10
    received = browser.find_element(By.CSS_SELECTOR, "[data-count=received]").text
    assert int(received) > 0
    assert browser.find_elements(By.CSS_SELECTOR, "#trend-table tbody tr")
    for name in ("from", "to", "unit", "field"):
        assert browser.find_element(By.NAME, name).is_displayed()
    screenshot(browser, "reports-dashboard")

    # The Decision 766 indicators as the national portal computes them (issue 13).
    national = browser.find_element(By.ID, "national-table")
    browser.execute_script("arguments[0].scrollIntoView()", national)
    assert "%" in national.find_element(By.CSS_SELECTOR, "[data-value='2.1']").text
    assert national.find_element(By.CSS_SELECTOR, "[data-value='1.4']").text == "N/A"
    screenshot(browser, "reports-national")

    # Filter by a field: the page reloads with the field in the heading.
    field = browser.find_element(By.ID, "f-field")
    field.find_elements(By.TAG_NAME, "option")[1].click()
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait(browser).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".lead"), "lĩnh vực"))


def test_the_transparency_page_needs_no_login(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    seed_dossiers(dossiers=600, units=6, years=1, prefix="B02")
    browser.get(site + "/cong-khai/?unit=000.00.00.B02")
    wait(browser).until(ec.presence_of_element_located((By.ID, "period-3")))
    assert "Công khai" in browser.find_element(By.TAG_NAME, "h1").text
    screenshot(browser, "reports-public")
