"""The desk pre-fills intake from the population database (the demo's sandbox, labelled
"DỮ LIỆU THỬ NGHIỆM") in headless Chromium: the button fills the applicant's fields, the
officer saves, and the audit row names the dossier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from motcua.integrations.population.models import PopulationQuery
from motcua.integrations.population.sandbox import sandbox_person
from motcua.workspace.tests.browser_support import demo_officers, sign_in

pytestmark = pytest.mark.browser
ID = "079203001234"


def test_desk_prefills_intake_from_the_population_database(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    demo_officers()
    w = wait(browser)
    sign_in(browser, site, "motcua.xa", w)
    browser.get(site + "/can-bo/tiep-nhan/1.001193/")
    w.until(ec.element_to_be_clickable((By.ID, "a-id"))).send_keys(ID)
    button = w.until(ec.element_to_be_clickable((By.ID, "population-lookup")))
    button.click()
    person = sandbox_person(ID)
    assert person is not None
    w.until(lambda d: d.find_element(By.ID, "a-name").get_attribute("value") == person.full_name)
    result = browser.find_element(By.ID, "population-result").text
    assert "DỮ LIỆU THỬ NGHIỆM" in result and person.address in result
    assert browser.find_element(By.ID, "a-address").get_attribute("value") == person.address
    screenshot(browser, "workspace-intake-population")
    for box in browser.find_elements(By.CSS_SELECTOR, "input[name=documents]")[:3]:
        box.send_keys(Keys.SPACE)
    browser.find_element(By.ID, "intake-save").send_keys(Keys.ENTER)
    code = w.until(ec.presence_of_element_located((By.ID, "receipt-code"))).text
    row = PopulationQuery.objects.get()
    assert row.dossier_code == code and row.officer.username == "motcua.xa"
